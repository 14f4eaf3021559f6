// Reading a QR code inside the page: the camera or a photo. The browser's BarcodeDetector
// where it has one that reads QR codes (Chrome on Android, ChromeOS, macOS); otherwise, and from
// the first time it fails, zxing-cpp compiled to WebAssembly in a module worker
// (decode-worker.js), started only when first needed so it costs nothing on a plain
// verification.

// Under the service worker's scope (/V), so that offline it and all it loads come from its cache.
const WORKER_URL = "/V/decode-worker.js";
// Longest side of the pixels sent to the decoder: a camera frame at the usual 720p passes
// whole; a 12-megapixel photo is halved, which still leaves a 30 mm code hundreds of pixels.
const CAMERA_EDGE = 1280;
const PHOTO_EDGE = 2048;
const NOTHING = { text: null, unreadable: false };

/** The WebAssembly decoder could not run (its worker or .wasm missing or broken). */
export class DecoderError extends Error {}

let nativePromise = null;
let nativeFailed = false;

function nativeDetector() {
  if (!nativePromise) {
    nativePromise = (async () => {
      if (!("BarcodeDetector" in window)) return null;
      const formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.includes("qr_code") ? new window.BarcodeDetector({ formats: ["qr_code"] }) : null;
    })().catch(() => null);
  }
  return nativePromise.then((detector) => (nativeFailed ? null : detector));
}

/** The zxing-cpp worker: one decode at a time is all the camera loop ever asks of it. */
class WasmDecoder {
  constructor() {
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
  }

  start() {
    if (this.worker) return this.worker;
    this.worker = new Worker(WORKER_URL, { type: "module" });
    this.worker.addEventListener("message", ({ data }) => {
      const waiting = this.pending.get(data.id);
      if (!waiting) return;
      this.pending.delete(data.id);
      if (data.error) waiting.reject(new DecoderError(`QR decoder failed: ${data.error}`));
      else waiting.resolve({ text: data.text, unreadable: data.unreadable });
    });
    // A worker that cannot start (script or .wasm missing) fails every decode waiting on it;
    // the next decode starts a new one.
    this.worker.addEventListener("error", (event) => {
      event.preventDefault();
      this.worker.terminate();
      this.worker = null;
      for (const waiting of this.pending.values()) waiting.reject(new DecoderError("QR decoder unavailable"));
      this.pending.clear();
    });
    return this.worker;
  }

  /** Decode RGBA pixels (an ImageData); its buffer moves to the worker. */
  decode(image) {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const { width, height, data } = image;
      worker.postMessage({ id, width, height, data }, [data.buffer]);
    });
  }
}

const wasm = new WasmDecoder();
const canvas = document.createElement("canvas");

function pixels(source, maxEdge) {
  const width = source.videoWidth || source.width;
  const height = source.videoHeight || source.height;
  if (!width || !height) return null;
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

async function wasmRead(source, maxEdge) {
  const image = pixels(source, maxEdge);
  return image ? wasm.decode(image) : NOTHING;
}

/** `{ text, unreadable, native }` for `source` (an image, bitmap or playing video). */
async function readCode(source, maxEdge) {
  const detector = await nativeDetector();
  if (detector) {
    try {
      const codes = await detector.detect(source);
      return { text: codes.length ? codes[0].rawValue : null, unreadable: false, native: true };
    } catch {
      nativeFailed = true; // this browser's detector is broken: zxing-cpp from now on
    }
  }
  return { ...(await wasmRead(source, maxEdge)), native: false };
}

/** Decode the QR code in an image file (a photo taken or picked on the phone):
 * `{ text, unreadable }`, text null when no code was read. */
export async function decodeFile(file) {
  const bitmap = await createImageBitmap(file).catch(() => null);
  if (!bitmap) return NOTHING; // not a picture this browser can open
  try {
    const read = await readCode(bitmap, PHOTO_EDGE);
    // A still photo is worth a second opinion when the browser's own detector saw nothing.
    return read.native && !read.text ? await wasmRead(bitmap, PHOTO_EDGE) : read;
  } finally {
    bitmap.close();
  }
}

/** Resolves on the video's next new frame, or when `wake` (kept in `waiting`) is called. */
function nextFrame(video, waiting) {
  return new Promise((resolve) => {
    waiting.wake = resolve;
    if ("requestVideoFrameCallback" in video) video.requestVideoFrameCallback(() => resolve());
    else requestAnimationFrame(() => resolve());
  });
}

/** Scan with the back camera until a code is read; resolves to its text. `stop()` cancels.
 * Decodes one frame at a time, the newest once the previous decode is done: frames that arrive
 * meanwhile are dropped, never queued. `onUnreadable()` is called for each frame in which a
 * QR code was seen but could not be read; scanning goes on. */
export function scanCamera(video, { onUnreadable = () => {} } = {}) {
  let stream = null;
  let stopped = false;
  const waiting = { wake: () => {} };
  const stop = () => {
    stopped = true;
    if (stream) for (const track of stream.getTracks()) track.stop();
    video.hidden = true;
    video.srcObject = null;
    waiting.wake(); // a stopped video shows no next frame
  };
  const result = (async () => {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    try {
      while (!stopped) {
        await nextFrame(video, waiting);
        if (stopped) break;
        const { text, unreadable } = await readCode(video, CAMERA_EDGE);
        if (text && !stopped) return text;
        if (unreadable && !stopped) onUnreadable();
      }
      return null;
    } finally {
      stop();
    }
  })();
  return { result, stop };
}
