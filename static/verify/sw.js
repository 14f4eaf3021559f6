// Service worker of the verifier page (scope /V): keeps the page, its scripts, styles, labels
// and the signed lists so a card verifies with no network at all. The server prepends
// `const VERSION = "...";`, which changes with every release and every label change.
/* global VERSION */

const SHELL_CACHE = `ehcard-verifier-shell-${VERSION}`;
const LISTS_CACHE = "ehcard-verifier-lists";
const STATIC = "/static/verify/";
const MODULES = [
  "main.js", "cbor.js", "packing.js", "codec.js", "envelope.js", "ed25519.js", "lists.js",
  "verifier.js", "translit.js", "spelling.js", "labels.js", "store.js", "view.js", "scanner.js",
  "fhir.js", "drugcheck.js", "snomed.js", "terminology.js",
  // Loaded when the lists hold a filter or come from a national directory.
  "filter.js", "ribbon.js", "directory.js",
];
const BOARD_MODULES = [
  "board.js", "board-doctor.js", "board-holder.js", "board-body.js", "board-faces.js",
  "board-pictograms.js", "board-speech.js", "board-svg.js", "board-words.js",
];
// zxing-cpp's reader (the worker's decoder): its glue modules and its WebAssembly.
const ZXING = "vendor/zxing-wasm-3.1.8/dist/";
const DECODER = [`${ZXING}es/reader/index.js`, `${ZXING}es/share.js`, `${ZXING}reader/zxing_reader.wasm`];
// The decoder worker lives in this worker's scope, so that what it loads is served from here.
const WORKER = "/V/decode-worker.js";
const LANGUAGES = ["fr", "en", "ar", "fa", "ps", "ti", "uk", "ru", "es", "pt", "ka"];

function shellUrls() {
  const versioned = (name) => `${STATIC}${name}?v=${VERSION}`;
  return [
    "/V",
    WORKER,
    versioned("verify.css"),
    versioned("board.css"),
    ...BOARD_MODULES.map((name) => `${STATIC}${name}`),
    ...MODULES.map((name) => (name === "main.js" ? versioned(name) : `${STATIC}${name}`)),
    `${STATIC}vendor/noble-ed25519.js`,
    ...DECODER.map((name) => `${STATIC}${name}`),
    "/static/ehcard.css",
    ...LANGUAGES.map((code) => `/V/labels-${code}.json`),
    "/V/terminology.json",
  ];
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(shellUrls())).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("ehcard-verifier-shell-") && name !== SHELL_CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

// Lists: the network first (the browser revalidates with If-None-Match), the last copy when
// offline, marked so the page does not take it for a fresh download.
async function listResponse(request) {
  const cache = await caches.open(LISTS_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch {
    const cached = await cache.match(request);
    if (!cached) return Response.error();
    const headers = new Headers(cached.headers);
    headers.set("X-Ehcard-Offline-Copy", "1");
    return new Response(await cached.arrayBuffer(), { status: 200, headers });
  }
}

// The shell: from the cache at once (a basement has no network to wait for), the network
// only for what the cache lacks.
async function shellResponse(request) {
  const cache = await caches.open(SHELL_CACHE);
  const url = new URL(request.url);
  const key = request.mode === "navigate" ? "/V" : url.pathname + url.search;
  const cached = await cache.match(key);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && request.mode !== "navigate") await cache.put(key, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/V/lists/")) {
    event.respondWith(listResponse(event.request));
  } else if (
    url.pathname === "/V" ||
    url.pathname === WORKER ||
    url.pathname.startsWith(STATIC) ||
    url.pathname.startsWith("/V/labels-") ||
    url.pathname === "/V/terminology.json"
  ) {
    event.respondWith(shellResponse(event.request));
  } else if (url.pathname === "/static/ehcard.css") {
    event.respondWith(shellResponse(event.request));
  }
});
