// Ed25519 signature checks: WebCrypto where the browser has Ed25519 (Chromium does),
// otherwise the vendored @noble/ed25519 in its strict RFC 8032 mode (zip215: false), which
// like libsodium refuses non-canonical encodings and small-order keys.

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

/** Whether `signature` is `publicKey`'s signature of `message`; `use` forces an engine. */
export async function verifies(publicKey, message, signature, use = null) {
  const which = use || (await engine());
  return which === "webcrypto"
    ? webCryptoVerify(publicKey, message, signature)
    : nobleVerify(publicKey, message, signature);
}

export async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}
