// Ed25519 signature checks: WebCrypto where the browser has Ed25519 (Chromium does),
// otherwise the vendored @noble/ed25519 in its strict RFC 8032 mode (zip215: false), which
// like libsodium refuses non-canonical encodings and small-order keys. RFC 8032's S < L
// rule is checked here for both: WebKitGTK's WebCrypto accepts a signature whose S is not
// reduced, where Chromium, Firefox, noble and libsodium refuse it.

let chosen = null;
const importedKeys = new Map();

async function webCryptoWorks() {
  try {
    // The base point: a valid public key every implementation accepts.
    const probe = new Uint8Array(32);
    probe[0] = 0x58;
    probe.fill(0x66, 1);
    await crypto.subtle.importKey("raw", probe, { name: "Ed25519" }, false, ["verify"]);
    return true;
  } catch {
    return false;
  }
}

/** "webcrypto" or "noble": the engine this browser uses. */
export async function engine() {
  if (chosen === null) chosen = (await webCryptoWorks()) ? "webcrypto" : "noble";
  return chosen;
}

async function webCryptoVerify(publicKey, message, signature) {
  const id = publicKey.join(",");
  let key = importedKeys.get(id);
  if (key === undefined) {
    key = crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
    importedKeys.set(id, key);
  }
  try {
    return await crypto.subtle.verify({ name: "Ed25519" }, await key, signature, message);
  } catch {
    return false;
  }
}

async function nobleVerify(publicKey, message, signature) {
  const noble = await import("./vendor/noble-ed25519.js");
  try {
    return await noble.verifyAsync(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

// The order of the base point (RFC 8032, 5.1).
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** S, the second half of the signature read little-endian, is below L (RFC 8032, 5.1.7). */
function canonicalS(signature) {
  let s = 0n;
  for (let i = 63; i >= 32; i -= 1) s = (s << 8n) | BigInt(signature[i]);
  return s < L;
}

/** Whether `signature` is `publicKey`'s signature of `message`; `use` forces an engine. */
export async function verifies(publicKey, message, signature, use = null) {
  if (signature.length !== 64 || !canonicalS(signature)) return false;
  const which = use || (await engine());
  return which === "webcrypto"
    ? webCryptoVerify(publicKey, message, signature)
    : nobleVerify(publicKey, message, signature);
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}
