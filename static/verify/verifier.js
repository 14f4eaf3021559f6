// Verify a card: QR text -> payload -> signature -> body -> issuer -> time -> revocation.
// The browser twin of signing/verifier.py; the report has the shape of `ehcard verify --json`.

import { CardError, malformed } from "./cbor.js";
import { CLINICAL_FIELDS, decodeBody } from "./codec.js";
import { verifies } from "./ed25519.js";
import { openPayload, parseQrText, toHex } from "./envelope.js";
import { recordId, revocationId } from "./lists.js";
import { birthIso, isoDay } from "./packing.js";
import { icaoLatin } from "./translit.js";

export const DAY_MS = 86400000;
export const DEFAULT_SKEW_MS = 24 * 3600 * 1000;
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

const unknownIssuer = (message, code) => new CardError(message, code, "unknown_issuer");
const dayIso = (day) => isoDay(day * DAY_MS);

/**
 * Verify `text` against `trust` (a loaded trust list) and `revocations` (a RevocationCache)
 * at `now` (ms since 1970) with `skewMs`; resolves to the report, never rejects for a bad card.
 */
export async function verifyText(text, options) {
  const { now = Date.now(), skewMs = DEFAULT_SKEW_MS } = options;
  const checked = { checkedAt: new Date(now).toISOString(), skewHours: skewMs / 3600000 };
  try {
    const result = await verifyOrThrow(text, { ...options, now, skewMs });
    return {
      status: "valid",
      reason: null,
      message: `signed by ${result.issuer.centre}`,
      card: await cardToJson(result.card, options.translit),
      issuer: result.issuer,
      recordKey: base64url(result.card.recordKey),
      ...checked,
    };
  } catch (error) {
    if (!(error instanceof CardError)) throw error;
    return {
      status: error.status,
      reason: error.code,
      message: error.message,
      card: null,
      revocation: error.revocation || null,
      ...checked,
    };
  }
}

async function verifyOrThrow(text, { trust, revocations, now, skewMs, translit, engine = null, unknownCode = null }) {
  const [host, payload] = parseQrText(text);
  const envelope = openPayload(payload);
  const kid = toHex(envelope.kid);
  const entries = trust.entries.filter((entry) => entry.kid === kid);
  if (!entries.length) throw unknownIssuer(`no trusted key has key id ${kid}`, "unknown_kid");
  let issuer = null;
  for (const entry of entries) {
    if (await verifies(entry.publicKey, envelope.signed, envelope.signature, engine)) {
      issuer = entry;
      break;
    }
  }
  if (issuer === null) {
    throw new CardError("the signature does not match the card under its issuer's key", "bad_signature");
  }
  const card = decodeBody(envelope.body, translit);
  // `unknownCode` (main.js, terminology.js): a card with a code outside the accepted sets is refused.
  const unknown = unknownCode ? await unknownCode(card) : null;
  if (unknown) throw malformed(unknown, "unknown_code");
  checkIssuer(issuer, card, host);
  checkTime(card, now, skewMs);
  const today = Math.floor(now / DAY_MS);
  const revoked = await revocations.lookup(issuer.keyId, await revocationId(card.cardId), today, card.issued);
  if (revoked !== null) {
    // The verdict's reason is the revocation reason (lost, stolen, ...), as in Python; a
    // filter knows the reason but not the day.
    const on = revoked.revokedOn === null ? null : dayIso(revoked.revokedOn);
    const error = new CardError(`card revoked${on ? ` on ${on}` : ""} (${revoked.reason})`, revoked.reason, "revoked");
    error.revocation = { reason: revoked.reason, revokedOn: on };
    throw error;
  }
  return { card, issuer };
}

function checkIssuer(issuer, card, host) {
  if (issuer.status === "compromised") {
    throw unknownIssuer(`the key of ${issuer.centre} is marked compromised`, "key_compromised");
  }
  if (host !== issuer.host.toUpperCase()) {
    throw new CardError(`card points to ${host}, but its issuer publishes at ${issuer.host}`, "wrong_host");
  }
  if (card.issued < issuer.validFrom) {
    throw unknownIssuer("card issued before its key was valid", "key_not_yet_valid");
  }
  if (card.expires > issuer.validUntil) {
    throw unknownIssuer("card outlives its key's validity", "beyond_key_validity");
  }
  if (issuer.status === "retired" && issuer.statusSince !== null && card.issued > issuer.statusSince) {
    throw unknownIssuer("card issued after its key was retired", "key_retired");
  }
}

function checkTime(card, now, skewMs) {
  const latest = Math.floor((now + skewMs) / DAY_MS);
  const earliest = Math.floor((now - skewMs) / DAY_MS);
  if (card.issued > latest) {
    throw new CardError(`card is issued on ${dayIso(card.issued)}, in the future`, "not_yet_valid");
  }
  if (card.expires < earliest) {
    throw new CardError(`card expired on ${dayIso(card.expires)}`, "expired", "expired");
  }
}

const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function cardCode(cardId) {
  let number = 0n;
  for (const byte of cardId.subarray(0, 7)) number = (number << 8n) | BigInt(byte);
  number >>= 6n;
  let chars = "";
  for (let i = 9n; i >= 0n; i -= 1n) chars += CODE_ALPHABET[Number((number >> (5n * i)) & 31n)];
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

function state(value) {
  if (value === null) return "not_asked";
  return Array.isArray(value) && value.length === 0 ? "none_known" : "known";
}

/** The card as `cards.export.card_to_json` writes it. */
export async function cardToJson(card, translit) {
  const values = {
    blood_group: card.bloodGroup,
    allergies: card.allergies,
    medications: card.medications,
    conditions: card.conditions,
  };
  return {
    card_id: toHex(card.cardId),
    card_code: cardCode(card.cardId),
    issued: dayIso(card.issued),
    expires: dayIso(card.expires),
    name: card.name,
    name_latin: card.nameLatin || icaoLatin(card.name, translit),
    birth_date: birthIso(card.birth),
    sex: card.sex,
    blood_group: card.bloodGroup,
    allergies: card.allergies,
    medications: card.medications,
    conditions: card.conditions,
    emergency_contact: card.contact ? { name: card.contact.name, phone: card.contact.phone } : null,
    languages: card.languages,
    states: Object.fromEntries(CLINICAL_FIELDS.map((f) => [f, state(values[f])])),
    provenance: Object.fromEntries(
      CLINICAL_FIELDS.map((f) => [f, card.provenance.confirmed.includes(f) ? "clinician" : "self"]),
    ),
    confirmed_by: card.provenance.confirmedBy,
    record_id: await recordId(card.cardId),
  };
}
