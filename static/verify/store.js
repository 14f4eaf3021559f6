// The verifier's cached trust and revocation lists: kept in localStorage as the signed
// documents themselves (re-checked on every load), refreshed when online from the national
// directory (directory.js) or this server's /V/lists/. A refresh that fails keeps what was
// there: an old list still verifies (DESIGN §9). A refresh that brings nothing new stores
// nothing: only the fetch time moves on. Documents are kept as "b64:" + base64 (hex, as
// earlier pages kept them, still loads): localStorage's 5 million characters hold about
// eight issuers of two million cards; past that the page says the storage is full.

import { fromHex, toHex } from "./envelope.js";
import { loadRevocationDocument, loadRevocationList, loadTrustList, RevocationCache, SignedListError } from "./lists.js";

const STORAGE_KEY = "ehcard.verifier.lists.v1";
const MAX_DOCUMENTS = 32;

/** A document as stored: base64 behind a "b64:" prefix. */
export function encodeDocument(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `b64:${btoa(binary)}`;
}

/** A stored document's bytes (base64, or hex as stored by earlier pages). */
export function decodeDocument(stored) {
  if (!stored.startsWith("b64:")) return fromHex(stored);
  return Uint8Array.from(atob(stored.slice(4)), (c) => c.charCodeAt(0));
}

function readStored() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY)) || { trust: null, revocations: {} };
  } catch {
    return { trust: null, revocations: {} };
  }
}

/** Trust list, revocation cache and the times they were last fetched. */
export class ListStore {
  /** `listsUrl`: this server's lists; `directoryUrl`: the configured national directory (an
   * absolute URL ending in "/"), or null. The trust list's own `directory` wins over both. */
  constructor({ rootKeys, listsUrl, directoryUrl = null }) {
    this.rootKeys = rootKeys;
    this.listsUrl = listsUrl;
    this.directoryUrl = directoryUrl;
    this.trust = null;
    this.revocations = new RevocationCache();
    this.fetchedAt = {};
    this.problems = [];
    // What the last refresh or load refused, by name (a centre, a directory's host).
    this.refused = [];
    // Whether the last refresh's lists could not be kept in localStorage (storage full).
    this.unstored = false;
    // When a refresh last brought a list that says something new (ms), or null.
    this.changedAt = null;
  }

  /** Rebuild the lists from what this browser stored, checking every signature again. */
  async load() {
    const stored = readStored();
    this.problems = [];
    this.refused = [];
    if (stored.trust) {
      try {
        this.trust = await loadTrustList(decodeDocument(stored.trust.document), this.rootKeys);
        this.fetchedAt.trust = stored.trust.fetchedAt;
      } catch (error) {
        this.problems.push(`stored trust list refused: ${error.message}`);
      }
    }
    this.revocations = new RevocationCache();
    for (const [kid, record] of Object.entries(stored.revocations || {})) {
      const issuer = this.trust && this.trust.entries.find((entry) => entry.keyId === kid);
      if (!issuer) continue;
      try {
        for (const document of record.documents) {
          this.revocations.apply(await loadRevocationDocument(decodeDocument(document), issuer));
        }
        this.fetchedAt[kid] = record.fetchedAt;
      } catch (error) {
        this.revocations.forget(kid);
        this.refuse(issuer.centre, `stored revocation list refused: ${error.message}`);
      }
    }
  }

  /** Fetch newer lists; keeps the cached ones on any failure. Resolves to the lists (trust,
   * issuer key ids) that changed. */
  async refresh(now = Date.now()) {
    const stored = readStored();
    const refreshed = [];
    this.problems = [];
    this.refused = [];
    let directory = this.directory();
    if (directory === null) {
      const trustDocument = await this.fetchBytes(`${this.listsUrl}trust.cbor`);
      if (trustDocument !== null) {
        try {
          await this.takeTrust(trustDocument, stored, now, refreshed);
        } catch (error) {
          this.refuse(new URL(this.listsUrl, location.href).host, `new trust list refused: ${error.message}`);
        }
      }
      // A trust list that names a directory moves the revocation lists there at once.
      directory = this.directory();
    }
    if (directory !== null) {
      const { refreshFromDirectory } = await import("./directory.js");
      await refreshFromDirectory(this, directory, stored, now, refreshed);
    } else {
      for (const issuer of this.issuers()) {
        if (await this.refreshIssuer(issuer, stored, now)) refreshed.push(issuer.keyId);
      }
    }
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
      this.unstored = false;
    } catch {
      // The browser's storage is full (QuotaExceededError): the lists serve until the page closes.
      this.unstored = true;
    }
    if (refreshed.length) this.changedAt = now;
    return refreshed;
  }

  /** The directory the lists come from: the trust list's, else the configured one, or null. */
  directory() {
    return (this.trust && this.trust.directory) || this.directoryUrl || null;
  }

  issuers() {
    return new Map((this.trust ? this.trust.entries : []).map((e) => [e.keyId, e])).values();
  }

  refuse(name, message) {
    this.problems.push(message);
    if (!this.refused.includes(name)) this.refused.push(name);
  }

  /** Take a fetched trust list unless the cached one is newer; throws when it is refused. */
  async takeTrust(trustDocument, stored, now, refreshed) {
    const trust = await loadTrustList(trustDocument, this.rootKeys);
    if (this.trust !== null && trust.sequence < this.trust.sequence) return;
    if (!stored.trust || toHex(decodeDocument(stored.trust.document)) !== toHex(trustDocument)) {
      refreshed.push("trust");
    }
    this.trust = trust;
    stored.trust = { document: encodeDocument(trustDocument), fetchedAt: now };
    this.fetchedAt.trust = now;
  }

  async refreshIssuer(issuer, stored, now) {
    const record = stored.revocations[issuer.keyId];
    // Past MAX_DOCUMENTS kept deltas the full list replaces them all.
    const compact = record && record.documents.length >= MAX_DOCUMENTS;
    const since = compact ? 0 : this.revocations.counters.get(issuer.keyId) || 0;
    const document = await this.fetchBytes(`${this.listsUrl}revocations-${issuer.keyId}.cbor?since=${since}`);
    if (document === null) return false;
    try {
      const list = await loadRevocationList(document, issuer);
      const before = this.revocations.counters.get(issuer.keyId);
      this.revocations.apply(list);
      const hex = encodeDocument(document);
      // A full list replaces the documents kept; a delta is kept after those it extends,
      // unless it says nothing new (the server's answer to a page already up to date).
      let documents = [hex];
      let changed = !record || record.documents.length !== 1 || record.documents[0] !== hex;
      if (list.since && record) {
        changed = list.counter !== before;
        documents = changed ? [...record.documents, hex] : record.documents;
      }
      stored.revocations[issuer.keyId] = { documents, fetchedAt: now };
      this.fetchedAt[issuer.keyId] = now;
      return changed;
    } catch (error) {
      if (!(error instanceof SignedListError)) throw error;
      this.refuse(issuer.centre, `revocation list of ${issuer.centre} refused: ${error.message}`);
      return false;
    }
  }

  /** A URL's bytes, or null when unreachable; `cache`: "no-cache" revalidates (ETag),
   * "default" lets immutable files come from the browser's cache. */
  async fetchBytes(url, cache = "no-cache") {
    try {
      const response = await fetch(url, { cache });
      // The service worker's offline copy is what we already have, not a refresh.
      if (!response.ok || response.headers.has("X-Ehcard-Offline-Copy")) return null;
      return new Uint8Array(await response.arrayBuffer());
    } catch {
      return null;
    }
  }

  /** The oldest fetch time among the lists in use (ms), or null when there are none. */
  oldestFetch() {
    if (!this.trust) return null;
    const times = [this.fetchedAt.trust, ...this.trust.entries.map((e) => this.fetchedAt[e.keyId])];
    const known = times.filter((t) => typeof t === "number");
    return known.length === times.length ? Math.min(...known) : null;
  }
}
