// The verifier's cached trust and revocation lists: kept in localStorage as the signed
// documents themselves (re-checked on every load), refreshed when online from the national
// directory (the trust list's `directory`, else the page's configured one) or else from
// this server's /V/lists/. A refresh that fails keeps what was there: an old list still
// verifies (DESIGN §9). A refresh that brings nothing new stores nothing: only the fetch
// time moves on.
//
// Documents are stored as base64 ("b64:" + base64; lists stored before as hex still load):
// localStorage holds about 5 million characters an origin, so about eight issuers of two
// million cards each (a 400 kB filter is 540,000 characters). A full store keeps the lists
// in memory until the page closes, and the page says so.

import { sha256 } from "./ed25519.js";
import { fromHex, toHex } from "./envelope.js";
import {
  loadRevocationDocument,
  loadRevocationList,
  loadTrustList,
  RevocationCache,
  SignedListError,
} from "./lists.js";

const STORAGE_KEY = "ehcard.verifier.lists.v1";
const MAX_DOCUMENTS = 32;
const DIRECTORY_FORMAT = "ehcard-directory/1";

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

/** A file the directory's index lists was refused (size, hash, kind or counter). */
class DirectoryError extends SignedListError {}

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
      await this.refreshFromDirectory(directory, stored, now, refreshed);
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

  /** The directory's algorithm: index.json, then trust.cbor when its sequence is newer, then
   * per issuer its filter when newer than the cached counter and its delta when newer still,
   * each file checked against the index's size and SHA-256 before it is loaded. A refused
   * file keeps what the cache had. */
  async refreshFromDirectory(directory, stored, now, refreshed) {
    const host = new URL(directory).host;
    const indexBytes = await this.fetchBytes(`${directory}index.json`);
    if (indexBytes === null) return; // unreachable or offline: the cache stays, its age shows
    let index;
    try {
      index = JSON.parse(new TextDecoder().decode(indexBytes));
      if (index.format !== DIRECTORY_FORMAT || typeof index.issuers !== "object" || !index.trust) {
        throw new Error(`not a ${DIRECTORY_FORMAT} index`);
      }
    } catch (error) {
      this.refuse(host, `directory index of ${host} refused: ${error.message}`);
      return;
    }
    if (this.trust === null || index.trust.sequence > this.trust.sequence) {
      try {
        const document = await this.fetchListed(directory, index.trust, "trust list");
        if (document === null) return;
        await this.takeTrust(document, stored, now, refreshed);
      } catch (error) {
        if (!(error instanceof SignedListError)) throw error;
        this.refuse(host, `new trust list refused: ${error.message}`);
        if (this.trust === null) return;
      }
    } else if (index.trust.sequence < this.trust.sequence) {
      this.refuse(host, `directory of ${host} offers trust list ${index.trust.sequence}, older than the cached ${this.trust.sequence}`);
    } else {
      this.fetchedAt.trust = now;
      if (stored.trust) stored.trust.fetchedAt = now;
    }
    for (const issuer of this.issuers()) {
      if (await this.refreshIssuerFromDirectory(directory, index, issuer, stored, now)) {
        refreshed.push(issuer.keyId);
      }
    }
  }

  async refreshIssuerFromDirectory(directory, index, issuer, stored, now) {
    const kid = issuer.keyId;
    const listed = index.issuers[kid];
    const record = stored.revocations[kid];
    if (!listed) {
      // The directory publishes nothing for this key (a key that never issued, say).
      this.fetchedAt[kid] = now;
      if (record) record.fetchedAt = now;
      return false;
    }
    // Explicit lists from this server (before the trust list named a directory) give way to
    // the directory's filter; once a filter is cached, an older one is a roll-back.
    const fromFilter = this.revocations.filters.has(kid);
    const cached = fromFilter ? this.revocations.counters.get(kid) : undefined;
    const latest = Math.max(listed.filter.counter, listed.delta ? listed.delta.counter : 0);
    if (cached !== undefined && latest < cached) {
      this.refuse(
        issuer.centre,
        `revocation lists of ${issuer.centre} refused: the directory offers counter ${latest}, older than the cached ${cached}`,
      );
      return false;
    }
    let documents = fromFilter ? record.documents : [];
    let changed = false;
    let current = false; // every file the index lists for the issuer is in the cache
    try {
      if (cached === undefined || cached < listed.filter.counter) {
        const document = await this.fetchListed(directory, listed.filter, `revocation filter of ${issuer.centre}`);
        if (document === null) return false;
        const filter = await loadRevocationDocument(document, issuer);
        if (!filter.layers || filter.counter !== listed.filter.counter) {
          throw new DirectoryError(`${listed.filter.path} is not the filter ${listed.filter.counter} the index lists`);
        }
        if (!fromFilter) this.revocations.forget(kid);
        this.revocations.apply(filter);
        documents = [encodeDocument(document)];
        changed = true;
      }
      if (listed.delta && listed.delta.counter > this.revocations.counters.get(kid)) {
        const document = await this.fetchListed(directory, listed.delta, `revocation delta of ${issuer.centre}`);
        if (document !== null) {
          const delta = await loadRevocationDocument(document, issuer);
          if (delta.layers || delta.since !== listed.delta.since || delta.counter !== listed.delta.counter) {
            throw new DirectoryError(`${listed.delta.path} is not the delta ${listed.delta.counter} the index lists`);
          }
          this.revocations.apply(delta);
          // Deltas are cumulative from the filter: the newest replaces the one kept before.
          documents = [documents[0], encodeDocument(document)];
          changed = true;
          current = true;
        }
      } else {
        current = true;
      }
    } catch (error) {
      if (!(error instanceof SignedListError)) throw error;
      this.refuse(issuer.centre, `revocation list of ${issuer.centre} refused: ${error.message}`);
    }
    // A new filter whose delta was refused or unreachable is kept, its fetch time is not.
    const fetchedAt = current ? now : (record && record.fetchedAt) || now;
    if (changed) stored.revocations[kid] = { documents, fetchedAt };
    else if (record) record.fetchedAt = fetchedAt;
    if (current || changed) this.fetchedAt[kid] = fetchedAt;
    return changed;
  }

  /** A file the index lists, or null when unreachable; refused unless its size and SHA-256
   * are the index's. */
  async fetchListed(directory, listed, what) {
    const document = await this.fetchBytes(new URL(listed.path, directory).href, "default");
    if (document === null) return null;
    const digest = toHex(await sha256(document));
    if (document.length !== listed.size || digest !== listed.sha256) {
      throw new DirectoryError(`${what} (${listed.path}) does not match the directory's index (size or SHA-256)`);
    }
    return document;
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
