// The page's QR decoder where the browser has none: zxing-cpp compiled to WebAssembly, in a
// module worker so a decode never blocks the page. The .wasm comes from our own vendor folder
// (the library's default is a CDN, which an offline phone cannot reach and we do not trust).
// Messages in: { id, width, height, data } (RGBA pixels); out: { id, text } or { id, error }.
// `text` is null when no code was read, `unreadable` true when a QR code was seen but could
// not be decoded (worn, damaged, out of focus).

// Served at /V/decode-worker.js (the service worker's scope, see kiosk/web/verify): what it
// loads is named from the site's root.
import { prepareZXingModule, readBarcodes } from "/static/verify/vendor/zxing-wasm-3.1.8/dist/es/reader/index.js";

const WASM = "/static/verify/vendor/zxing-wasm-3.1.8/dist/reader/zxing_reader.wasm";

prepareZXingModule({
  overrides: { locateFile: (path, prefix) => (path.endsWith(".wasm") ? WASM : prefix + path) },
  fireImmediately: true,
});

// QR codes only, with every effort zxing-cpp can make (rotation, inverted print, downscaled
// copies); symbols found but not decoded are reported so the doctor can be told.
const OPTIONS = {
  formats: ["QRCode"],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 4,
  returnErrors: true,
};

self.addEventListener("message", async ({ data: { id, width, height, data } }) => {
  try {
    const found = await readBarcodes({ data, width, height }, OPTIONS);
    const code = found.find((result) => result.isValid && result.text);
    self.postMessage({ id, text: code ? code.text : null, unreadable: !code && found.length > 0 });
  } catch (error) {
    self.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
