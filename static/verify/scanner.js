// Reading a QR code inside the page: the camera or a photo. The browser's BarcodeDetector
// where it has one (Android Chrome, Safari), otherwise the vendored jsQR, loaded only when
// first needed so it costs nothing on a plain verification.

let jsQRPromise = null;

function loadJsQR(vendorUrl) {
  if (!jsQRPromise) {
    jsQRPromise = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = `${vendorUrl}jsQR.js`;
      script.onload = () => resolve(window.jsQR);
      script.onerror = () => reject(new Error("QR decoder unavailable"));
      document.head.append(script);
    });
  }
  return jsQRPromise;
}

async function detector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
  } catch {
    return null;
  }
}

const canvas = document.createElement("canvas");

/** The text of the QR code in `source` (an image, bitmap or playing video), or null. */
export async function decodeQr(source, vendorUrl) {
  const native = await detector();
  if (native) {
    const codes = await native.detect(source);
    return codes.length ? codes[0].rawValue : null;
  }
  const jsQR = await loadJsQR(vendorUrl);
  const width = source.videoWidth || source.width;
  const height = source.videoHeight || source.height;
  if (!width || !height) return null;
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, width, height);
  const image = context.getImageData(0, 0, width, height);
  const code = jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
  return code ? code.data : null;
}

/** Decode the QR code in an image file (a photo taken or picked on the phone). */
export async function decodeFile(file, vendorUrl) {
  const bitmap = await createImageBitmap(file);
  try {
    return await decodeQr(bitmap, vendorUrl);
  } finally {
    bitmap.close();
  }
}

/** Scan with the back camera until a code is read; resolves to its text. `stop()` cancels. */
export function scanCamera(video, vendorUrl) {
  let stream = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    if (stream) for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
    video.srcObject = null;
  };
  const result = (async () => {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment" },
      audio: false,
    });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    while (!stopped) {
      const text = await decodeQr(video, vendorUrl).catch(() => null);
      if (text) {
        stop();
        return text;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    return null;
  })();
  return { result, stop };
}
