// Root-signed trust lists, issuer-signed revocation lists and filters, and the merged
// revocation cache: the browser twin of signing/signed.py, signing/trust.py,
// signing/revocation.py, signing/revocation_filter.py and signing/revocation_cache.py.

import { CborMap, loads, loadsLarge } from "./cbor.js";
import { sha256, verifies } from "./ed25519.js";
import { fromHex, toHex } from "./envelope.js";
import { fromDayNumber } from "./packing.js";

export const TRUST_DOMAIN = new TextEncoder().encode("ehcard/trust/v1");
export const REVOCATION_DOMAIN = new TextEncoder().encode("ehcard/revocations/v1");
export const FILTER_DOMAIN = new TextEncoder().encode("ehcard/revocation-filter/v1");
export const KEY_STATUS = ["active", "retired", "compromised"];
export const REVOCATION_REASONS = {
  1: "lost",
  2: "stolen",
  3: "wrong_data",
  4: "reissued",
  5: "deceased",
  6: "holder_request",
};
const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
const RID_BYTES = 8;

export class SignedListError extends Error {}

export async function keyId(publicKey) {
  return (await sha256(publicKey)).slice(0, 8);
}

const concat = (a, b) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

export function field(map, key) {
  if (!(map instanceof CborMap) || !map.has(BigInt(key))) {
    throw new SignedListError(`list body lacks field ${key}`);
  }
  return map.get(BigInt(key));
}

export const num = (value) => {
  if (typeof value !== "bigint") throw new SignedListError("list field is not an integer");
  return value;
};

/** The body of a document `[kid, body, signature]` signed by `publicKey` under `domain`. */
export async function unseal(document, publicKey, domain, what) {
  return (await unsealAny(document, publicKey, [domain], what)).body;
}

/** The body of a document signed by `publicKey` under one of `domains`, and that domain. */
async function unsealAny(document, publicKey, domains, what) {
  if (document.length > MAX_DOCUMENT_BYTES) throw new SignedListError(`${what} is too large`);
  let outer;
  try {
    outer = loads(document);
  } catch (error) {
    throw new SignedListError(`${what} is not valid CBOR: ${error.message}`);
  }
  if (
    !Array.isArray(outer) ||
    outer.length !== 3 ||
    !outer.every((part) => part instanceof Uint8Array) ||
    outer[0].length !== 8
  ) {
    throw new SignedListError(`${what} is not a [kid, body, signature] document`);
  }
  const [kid, body, signature] = outer;
  const expected = await keyId(publicKey);
  let domain = null;
  if (toHex(kid) === toHex(expected)) {
    for (const candidate of domains) {
      if (await verifies(publicKey, concat(candidate, body), signature)) {
        domain = candidate;
        break;
      }
    }
  }
  if (domain === null) throw new SignedListError(`${what} is not signed by the expected key`);
  let decoded;
  try {
    decoded = loadsLarge(body);
  } catch (error) {
    throw new SignedListError(`${what} body is not valid CBOR: ${error.message}`);
  }
  if (!(decoded instanceof CborMap)) throw new SignedListError(`${what} body is not a CBOR map`);
  return { body: decoded, domain };
}

/** A trust list signed by one of the pinned root keys. */
export async function loadTrustList(document, rootKeys) {
  const errors = [];
  for (const root of rootKeys) {
    let body;
    try {
      body = await unseal(document, root, TRUST_DOMAIN, "trust list");
    } catch (error) {
      errors.push(error.message);
      continue;
    }
    try {
      return await parseTrust(body);
    } catch (error) {
      if (error instanceof SignedListError) throw error;
      throw new SignedListError(`trust list body is malformed: ${error.message}`);
    }
  }
  throw new SignedListError(errors.join("; ") || "no pinned root key");
}

async function parseTrust(body) {
  if (num(field(body, 1)) !== 1n) throw new SignedListError("unknown trust list version");
  const entries = [];
  for (const item of field(body, 4)) entries.push(await trustEntry(item));
  // Where every issuer's revocation data is fetched from (docs/directory.md), or null.
  const directory = body.has(5n) ? checkDirectoryUrl(body.get(5n)) : null;
  return {
    sequence: Number(num(field(body, 2))),
    issued: fromDayNumber(num(field(body, 3))),
    entries,
    directory,
  };
}

const LOOPBACK_HOSTS = ["127.0.0.1", "localhost"];

/** A directory URL as signing/trust.py accepts it: https (http only on the loopback host),
 * absolute, ending in "/", no query or fragment; the whole trust list is refused otherwise. */
function checkDirectoryUrl(url) {
  if (typeof url !== "string") throw new SignedListError("the trust list's directory URL is not text");
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    throw new SignedListError(`directory URL ${JSON.stringify(url)} is not an absolute URL`);
  }
  const loopbackHttp = parsed.protocol === "http:" && LOOPBACK_HOSTS.includes(parsed.hostname);
  if (!(parsed.protocol === "https:" || loopbackHttp) || !parsed.hostname) {
    throw new SignedListError(`directory URL ${JSON.stringify(url)} is not an https:// URL`);
  }
  if (!url.endsWith("/") || parsed.search || parsed.hash) {
    throw new SignedListError(`directory URL ${JSON.stringify(url)} must end with '/'`);
  }
  return url;
}

async function trustEntry(item) {
  const publicKey = field(item, 2);
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new SignedListError("a trust list key is not 32 bytes");
  }
  // The kid cards carry: normally the key's own id, but the root may file a key under
  // another kid (two keys can share one); revocation lists always use the key's own id.
  const listedKid = field(item, 1);
  if (!(listedKid instanceof Uint8Array) || listedKid.length !== 8) {
    throw new SignedListError("a trust list kid is not 8 bytes");
  }
  const status = KEY_STATUS[Number(num(field(item, 7)))];
  if (status === undefined) throw new SignedListError("unknown key status");
  return {
    kid: toHex(listedKid),
    keyId: toHex(await keyId(publicKey)),
    publicKey,
    centre: String(field(item, 3)),
    host: String(field(item, 4)),
    validFrom: fromDayNumber(num(field(item, 5))),
    validUntil: fromDayNumber(num(field(item, 6))),
    status,
    statusSince: item.has(8n) ? fromDayNumber(num(item.get(8n))) : null,
  };
}

/** A revocation list (full, or a delta after counter `since`) signed by `issuer`. */
export async function loadRevocationList(document, issuer) {
  const body = await unseal(document, issuer.publicKey, REVOCATION_DOMAIN, "revocation list");
  try {
    return parseRevocations(body, issuer);
  } catch (error) {
    if (error instanceof SignedListError) throw error;
    throw new SignedListError(`revocation list body is malformed: ${error.message}`);
  }
}

function parseRevocations(body, issuer) {
  if (num(field(body, 1)) !== 1n) throw new SignedListError("unknown revocation list version");
  if (toHex(field(body, 2)) !== issuer.keyId) {
    throw new SignedListError("revocation list names another issuer");
  }
  const entries = parseGroups(field(body, 6));
  const counter = Number(num(field(body, 3)));
  const since = Number(num(field(body, 5)));
  if (since >= counter && since !== 0) {
    throw new SignedListError("delta list starts at or after its own counter");
  }
  return { issuerKid: issuer.keyId, counter, issued: fromDayNumber(num(field(body, 4))), entries, since };
}

/** The entries of encoded revocation groups `[day, reason, ids, until?]`; an id twice is refused. */
export function parseGroups(groups) {
  if (!Array.isArray(groups)) throw new SignedListError("revocation groups are not an array");
  const entries = [];
  const seen = new Set();
  for (const group of groups) {
    if (!Array.isArray(group) || group.length < 3 || group.length > 4) {
      throw new SignedListError("revocation group is malformed");
    }
    const reason = REVOCATION_REASONS[Number(num(group[1]))];
    const rids = group[2];
    if (reason === undefined || !(rids instanceof Uint8Array)) {
      throw new SignedListError("revocation group is malformed");
    }
    if (rids.length % RID_BYTES) throw new SignedListError("revocation ids are not 8-byte ids");
    const revokedOn = fromDayNumber(num(group[0]));
    const until = group.length > 3 ? fromDayNumber(num(group[3])) : null;
    for (let i = 0; i < rids.length; i += RID_BYTES) {
      const rid = toHex(rids.subarray(i, i + RID_BYTES));
      if (seen.has(rid)) throw new SignedListError("revocation list lists an id twice");
      seen.add(rid);
      entries.push({ rid, reason, revokedOn, until });
    }
  }
  return entries;
}

/** A revocation list, delta or filter signed by `issuer`, told apart by its signature's domain
 * (signing/revocation_cache.load_revocation_document). */
export async function loadRevocationDocument(document, issuer) {
  const domains = [REVOCATION_DOMAIN, FILTER_DOMAIN];
  const { body, domain } = await unsealAny(document, issuer.publicKey, domains, "revocation list");
  // Filters (and their ribbons) load only on a page that meets one.
  if (domain === FILTER_DOMAIN) return (await import("./filter.js")).parseFilterBody(body, issuer);
  try {
    return parseRevocations(body, issuer);
  } catch (error) {
    if (error instanceof SignedListError) throw error;
    throw new SignedListError(`revocation list body is malformed: ${error.message}`);
  }
}

/** What the verifier knows of revocations: per issuer, a filter or a full list, and deltas
 * (signing/revocation_cache.RevocationCache). */
export class RevocationCache {
  constructor() {
    this.counters = new Map();
    this.issued = new Map();
    this.entries = new Map();
    this.filters = new Map();
  }

  /** Merge a delta, or replace with a full list or a filter; refuse an older one. */
  apply(list) {
    const kid = list.issuerKid;
    const cached = this.counters.get(kid);
    if (cached !== undefined && list.counter < cached) {
      throw new SignedListError(`revocation list counter ${list.counter} is older than the cached ${cached}`);
    }
    if (list.since && (cached === undefined || list.since > cached)) {
      throw new SignedListError(`delta from counter ${list.since} does not follow the cached list`);
    }
    const known = list.since ? this.entries.get(kid) || new Map() : new Map();
    for (const entry of list.entries) known.set(entry.rid, entry);
    this.entries.set(kid, known);
    if (list.layers) {
      this.filters.set(kid, list);
    } else if (!list.since) {
      this.filters.delete(kid);
    }
    this.counters.set(kid, list.counter);
    this.issued.set(kid, list.issued);
  }

  /** Forget an issuer (its stored documents were refused). */
  forget(kid) {
    for (const map of [this.counters, this.issued, this.entries, this.filters]) map.delete(kid);
  }

  /** Take what `other` knows of issuer `kid` instead of what this cache knew. */
  adopt(kid, other) {
    this.forget(kid);
    for (const name of ["counters", "issued", "entries", "filters"]) {
      if (other[name].has(kid)) this[name].set(kid, other[name].get(kid));
    }
  }

  /** The revocation of a card (revocation id `rid` in hex) on `day`, issued on `cardIssued`:
   * `{reason, revokedOn, until}` (revokedOn null when only a filter knows), or null. Explicit
   * entries first (their days are known), then the filter, for the cards it covers. */
  async lookup(issuerKid, rid, day, cardIssued) {
    const entry = (this.entries.get(issuerKid) || new Map()).get(rid);
    if (entry !== undefined) return entry.until === null || day <= entry.until ? entry : null;
    const filter = this.filters.get(issuerKid);
    const reason = filter ? await filter.lookup(fromHex(rid), cardIssued) : null;
    return reason === null ? null : { rid, reason, revokedOn: null, until: null };
  }
}

const RID_DOMAIN = new TextEncoder().encode("ehcard/revocation-id/v1");
const RECORD_DOMAIN = new TextEncoder().encode("ehcard/record-id/v1");

export async function revocationId(cardId) {
  return toHex((await sha256(concat(RID_DOMAIN, cardId))).slice(0, RID_BYTES));
}

export async function recordId(cardId) {
  return toHex(await sha256(concat(RECORD_DOMAIN, cardId))).slice(0, 32);
}

/** The kid a signed document says signed it (not yet checked). */
export function signerKid(document, what) {
  let outer;
  try {
    outer = loads(document);
  } catch (error) {
    throw new SignedListError(`${what} is not valid CBOR: ${error.message}`);
  }
  if (!Array.isArray(outer) || outer.length !== 3 || !outer.every((p) => p instanceof Uint8Array) || outer[0].length !== 8) {
    throw new SignedListError(`${what} is not a [kid, body, signature] document`);
  }
  return toHex(outer[0]);
}

/** Merge a revocation list signed by a trusted issuer's key (Verifier.add_revocation_list). */
export async function addRevocationList(cache, trust, document) {
  const signer = signerKid(document, "revocation list");
  const issuer = trust.entries.find((entry) => entry.keyId === signer);
  if (!issuer) {
    throw new SignedListError(`revocation list signed by key ${signer}, which is not in the trust list`);
  }
  cache.apply(await loadRevocationDocument(document, issuer));
}
