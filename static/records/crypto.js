// The record's cryptography in the browser (WebCrypto), mirroring signing/records.py:
//   file key    = HKDF-SHA256(record key, salt = record id bytes, info "ehcard/record/v1")
//   manifest id = base64url(HKDF-SHA256(file key, salt = record id bytes, info "ehcard/shl-manifest/v1"))
// Files are JWE compact serialisations, "alg":"dir", "enc":"A256GCM", optional "zip":"DEF".

const encoder = new TextEncoder();
const FRAGMENT = /^#?([0-9a-f]{32})\.([A-Za-z0-9_-]{22})$/;

export function b64urlEncode(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function b64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url text");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function hexBytes(hex) {
  return Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));
}

// "#<record id>.<record key>" from the card's link; null when it is not one.
export function parseFragment(hash) {
  const found = FRAGMENT.exec(hash);
  if (!found) return null;
  const recordKey = b64urlDecode(found[2]);
  return recordKey.length === 16 ? { recordId: found[1], recordKey } : null;
}

async function hkdf(ikm, salt, info) {
  const base = await crypto.subtle.importKey("raw", ikm, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt, info: encoder.encode(info) }, base, 256);
  return new Uint8Array(bits);
}

export function deriveFileKey(recordKey, recordId) {
  return hkdf(recordKey, hexBytes(recordId), "ehcard/record/v1");
}

export async function deriveManifestId(fileKey, recordId) {
  return b64urlEncode(await hkdf(fileKey, hexBytes(recordId), "ehcard/shl-manifest/v1"));
}

async function pipe(bytes, stream) {
  const piped = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

export async function decryptJwe(fileKey, jwe) {
  const parts = jwe.split(".");
  if (parts.length !== 5 || parts[1] !== "") throw new Error("not a dir JWE");
  const header = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[0])));
  if (header.alg !== "dir" || header.enc !== "A256GCM") throw new Error("unsupported JWE");
  const key = await crypto.subtle.importKey("raw", fileKey, "AES-GCM", false, ["decrypt"]);
  const ciphertext = b64urlDecode(parts[3]);
  const tag = b64urlDecode(parts[4]);
  const sealed = new Uint8Array(ciphertext.length + tag.length);
  sealed.set(ciphertext);
  sealed.set(tag, ciphertext.length);
  const plain = new Uint8Array(await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: b64urlDecode(parts[2]), additionalData: encoder.encode(parts[0]) },
    key, sealed));
  const plaintext = header.zip === "DEF" ? await pipe(plain, new DecompressionStream("deflate-raw")) : plain;
  return { header, plaintext };
}

export async function encryptJwe(fileKey, plaintext, contentType) {
  const header = { alg: "dir", enc: "A256GCM", cty: contentType, zip: "DEF" };
  const protectedHeader = b64urlEncode(encoder.encode(JSON.stringify(header)));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await crypto.subtle.importKey("raw", fileKey, "AES-GCM", false, ["encrypt"]);
  const deflated = await pipe(plaintext, new CompressionStream("deflate-raw"));
  const sealed = new Uint8Array(await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(protectedHeader) }, key, deflated));
  const ciphertext = sealed.slice(0, sealed.length - 16);
  const tag = sealed.slice(sealed.length - 16);
  return [protectedHeader, "", b64urlEncode(iv), b64urlEncode(ciphertext), b64urlEncode(tag)].join(".");
}

export function shlink(manifestUrl, fileKey, label) {
  const payload = { url: manifestUrl, key: b64urlEncode(fileKey), flag: "LP", label };
  return "shlink:/" + b64urlEncode(encoder.encode(JSON.stringify(payload)));
}
