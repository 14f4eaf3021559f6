// The verifier's cached trust and revocation lists: kept in localStorage as the signed
// documents themselves (re-checked on every load), refreshed from the server when online.
// A refresh that fails keeps what was there: an old list still verifies (DESIGN §9).
// A refresh that brings nothing new stores nothing: only the fetch time moves on.

import { fromHex, toHex } from "./envelope.js";
import { loadRevocationList, loadTrustList, RevocationCache, SignedListError } from "./lists.js";

const STORAGE_KEY = "ehcard.verifier.lists.v1";
const MAX_DOCUMENTS = 32;

function readStored() {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY)) || { trust: null, revocations: {} };
  } catch {
    return { trust: null, revocations: {} };
  }
}

/** Trust list, revocation cache and the times they were last fetched. */
export class ListStore {
  constructor({ rootKeys, listsUrl }) {
    this.rootKeys = rootKeys;
    this.listsUrl = listsUrl;
    this.trust = null;
    this.revocations = new RevocationCache();
    this.fetchedAt = {};
    this.problems = [];
    // When a refresh last brought a list that says something new (ms), or null.
    this.changedAt = null;
  }

  /** Rebuild the lists from what this browser stored, checking every signature again. */
  async load() {
    const stored = readStored();
    this.problems = [];
    if (stored.trust) {
      try {
        this.trust = await loadTrustList(fromHex(stored.trust.document), this.rootKeys);
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
          this.revocations.apply(await loadRevocationList(fromHex(document), issuer));
        }
        this.fetchedAt[kid] = record.fetchedAt;
      } catch (error) {
        this.revocations.entries.delete(kid);
        this.revocations.counters.delete(kid);
        this.problems.push(`stored revocation list refused: ${error.message}`);
      }
    }
  }

  /** Fetch newer lists; keeps the cached ones on any failure. Resolves to the lists (trust,
   * issuer key ids) that changed. */
  async refresh(now = Date.now()) {
    const stored = readStored();
    const refreshed = [];
    this.problems = [];
    const trustDocument = await this.fetchBytes("trust.cbor");
    if (trustDocument !== null) {
      try {
        const trust = await loadTrustList(trustDocument, this.rootKeys);
        if (this.trust === null || trust.sequence >= this.trust.sequence) {
          const document = toHex(trustDocument);
          if (!stored.trust || stored.trust.document !== document) refreshed.push("trust");
          this.trust = trust;
          stored.trust = { document, fetchedAt: now };
          this.fetchedAt.trust = now;
        }
      } catch (error) {
        this.problems.push(`new trust list refused: ${error.message}`);
      }
    }
    const issuers = new Map((this.trust ? this.trust.entries : []).map((e) => [e.keyId, e]));
    for (const issuer of issuers.values()) {
      if (await this.refreshIssuer(issuer, stored, now)) refreshed.push(issuer.keyId);
    }
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
    if (refreshed.length) this.changedAt = now;
    return refreshed;
  }

  async refreshIssuer(issuer, stored, now) {
    const record = stored.revocations[issuer.keyId];
    // Past MAX_DOCUMENTS kept deltas the full list replaces them all.
    const compact = record && record.documents.length >= MAX_DOCUMENTS;
    const since = compact ? 0 : this.revocations.counters.get(issuer.keyId) || 0;
    const document = await this.fetchBytes(`revocations-${issuer.keyId}.cbor?since=${since}`);
    if (document === null) return false;
    try {
      const list = await loadRevocationList(document, issuer);
      const before = this.revocations.counters.get(issuer.keyId);
      this.revocations.apply(list);
      const hex = toHex(document);
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
      this.problems.push(`revocation list of ${issuer.centre} refused: ${error.message}`);
      return false;
    }
  }

  async fetchBytes(name) {
    try {
      const response = await fetch(`${this.listsUrl}${name}`, { cache: "no-cache" });
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
