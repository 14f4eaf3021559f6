// QR text -> payload -> envelope: the browser twin of cards/qr.py and signing/envelope.py.
//
// QR text is HTTPS://<HOST>/V#<digits>; the digits are the payload read as one big-endian
// unsigned integer. payload = 0x01 || kid (8) || body || signature (64).

import { malformed } from "./cbor.js";

const MAX_PAYLOAD_DIGITS = 2500;
const MAX_QR_TEXT = 4296;
const SCHEME = "HTTPS://";
const PATH = "/V#";
// Python's `$` also matches before one final newline; the browser must accept the same hosts.
const HOST_PATTERN = /^[A-Z0-9](?:[A-Z0-9.-]{0,61}[A-Z0-9])?(?::[0-9]{1,5})?\n?$/;
export const VERSION = 1;
export const DOMAIN = new TextEncoder().encode("ehcard/v1");
const KID_BYTES = 8;
const SIGNATURE_BYTES = 64;
const HEADER_BYTES = 1 + KID_BYTES;
const MAX_PAYLOAD_BYTES = 1024;

/** Payload bytes from the decimal digits of a QR code or URL fragment. */
export function digitsToPayload(digits) {
  if (!digits) throw malformed("QR text carries no payload digits", "truncated");
  if ([...digits].length > MAX_PAYLOAD_DIGITS) {
    throw malformed("payload is longer than any card", "too_large");
  }
  if (!/^[0-9]+$/.test(digits)) throw malformed("payload must be decimal digits only", "non_digit");
  if (digits[0] === "0") throw malformed("payload digits start with a zero", "leading_zero");
  let hex = BigInt(digits).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));
}

/** [host, payload] from QR text; a CardError otherwise. */
export function parseQrText(text) {
  if ([...text].length > MAX_QR_TEXT) {
    throw malformed("QR text is longer than any QR code holds", "too_large");
  }
  if (text.startsWith("\ufeff")) throw malformed("QR text starts with a byte-order mark", "bad_prefix");
  const at = text.indexOf(PATH);
  const head = at < 0 ? text : text.slice(0, at);
  const host = head.slice(SCHEME.length);
  if (at < 0 || !head.startsWith(SCHEME) || !HOST_PATTERN.test(host)) {
    throw malformed("QR text does not start with HTTPS://<HOST>/V#", "bad_prefix");
  }
  return [host, digitsToPayload(text.slice(at + PATH.length))];
}

/** Split a payload into kid, body and signature; `malformed` when its shape is wrong. */
export function openPayload(payload) {
  if (!payload.length) throw malformed("payload is empty", "truncated");
  if (payload[0] !== VERSION) {
    throw malformed(`unknown payload version ${payload[0]}`, "unknown_version");
  }
  if (payload.length > MAX_PAYLOAD_BYTES) throw malformed("payload is longer than any card", "too_large");
  if (payload.length < HEADER_BYTES + 1 + SIGNATURE_BYTES) {
    throw malformed("payload is too short to hold a body and a signature", "truncated");
  }
  const kid = payload.slice(1, HEADER_BYTES);
  const body = payload.slice(HEADER_BYTES, payload.length - SIGNATURE_BYTES);
  const signature = payload.slice(payload.length - SIGNATURE_BYTES);
  const signed = new Uint8Array(DOMAIN.length + kid.length + body.length);
  signed.set(DOMAIN);
  signed.set(kid, DOMAIN.length);
  signed.set(body, DOMAIN.length + kid.length);
  return { kid, body, signature, signed };
}

export const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g) || [], (pair) => parseInt(pair, 16));
}
