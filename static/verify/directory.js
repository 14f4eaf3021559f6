// Lists from the national directory (docs/emergency-staff-and-verifier.md): loaded by
// store.js only on a page whose lists come from one. The algorithm of the issue 16 brief:
// index.json, then the trust list when its sequence is newer, then per issuer its filter
// when newer than the counter kept and its delta when newer still; each file checked
// against the index's size and SHA-256 before it is loaded. A refused file keeps what the
// cache had, and the page names whose list it was.

import { sha256 } from "./ed25519.js";
import { toHex } from "./envelope.js";
import { loadRevocationDocument, RevocationCache, SignedListError } from "./lists.js";
import { encodeDocument } from "./store.js";

const DIRECTORY_FORMAT = "ehcard-directory/1";

/** A file the directory's index lists was refused (size, hash, kind or counter). */
class DirectoryError extends SignedListError {}

const isCount = (value) => Number.isSafeInteger(value) && value >= 0;

/** A file entry of the index: a relative path, counters, size and SHA-256 (hex). */
function checkFile(file, counters) {
  const ok =
    file !== null &&
    typeof file === "object" &&
    typeof file.path === "string" &&
    !file.path.includes("..") &&
    /^[0-9a-f]{64}$/.test(file.sha256) &&
    [file.size, ...counters.map((name) => file[name])].every(isCount);
  if (!ok) throw new Error(`an entry of the index is malformed: ${JSON.stringify(file)}`);
}

/** index.json as docs/directory.md gives it, or an error saying what is wrong. */
function checkIndex(index) {
  if (index === null || typeof index !== "object" || index.format !== DIRECTORY_FORMAT) {
    throw new Error(`not a ${DIRECTORY_FORMAT} index`);
  }
  checkFile(index.trust, ["sequence"]);
  if (index.issuers === null || typeof index.issuers !== "object") throw new Error("the index lists no issuers");
  for (const entry of Object.values(index.issuers)) {
    checkFile(entry && entry.filter, ["counter"]);
    if (entry.delta !== null) checkFile(entry.delta, ["since", "counter"]);
    // A delta follows its filter: kept together they load again on the next visit.
    if (entry.delta !== null && entry.delta.since !== entry.filter.counter) {
      throw new Error(`a delta from counter ${entry.delta.since} after filter ${entry.filter.counter}`);
    }
  }
  return index;
}

/** Refresh `store` from `directory` (an absolute URL ending in "/"). */
export async function refreshFromDirectory(store, directory, stored, now, refreshed) {
  const host = new URL(directory).host;
  const indexBytes = await store.fetchBytes(`${directory}index.json`);
  if (indexBytes === null) return; // unreachable or offline: the cache stays, its age shows
  let index;
  try {
    index = checkIndex(JSON.parse(new TextDecoder().decode(indexBytes)));
  } catch (error) {
    store.refuse(host, `directory index of ${host} refused: ${error.message}`);
    return;
  }
  if (store.trust === null || index.trust.sequence > store.trust.sequence) {
    try {
      const document = await fetchListed(store, directory, index.trust, "trust list");
      if (document === null) return;
      await store.takeTrust(document, stored, now, refreshed);
    } catch (error) {
      if (!(error instanceof SignedListError)) throw error;
      store.refuse(host, `new trust list refused: ${error.message}`);
      if (store.trust === null) return;
    }
  } else if (index.trust.sequence < store.trust.sequence) {
    store.refuse(host, `directory of ${host} offers trust list ${index.trust.sequence}, older than the cached ${store.trust.sequence}`);
  } else {
    store.fetchedAt.trust = now;
    if (stored.trust) stored.trust.fetchedAt = now;
  }
  for (const issuer of store.issuers()) {
    if (await refreshIssuer(store, directory, index, issuer, stored, now)) {
      refreshed.push(issuer.keyId);
    }
  }
}

async function refreshIssuer(store, directory, index, issuer, stored, now) {
  const kid = issuer.keyId;
  const listed = index.issuers[kid];
  const record = stored.revocations[kid];
  if (!listed) {
    // The directory publishes nothing for this key (a key that never issued, say).
    store.fetchedAt[kid] = now;
    if (record) record.fetchedAt = now;
    return false;
  }
  const cache = store.revocations;
  const cached = cache.counters.get(kid);
  // Lists this server gave before the trust list named a directory give way to its filter;
  // once the directory's filter is kept, counters below the kept one are a roll-back.
  const keptFilter = cache.filters.has(kid) && record && record.filter ? record.filter : null;
  const latest = Math.max(listed.filter.counter, listed.delta ? listed.delta.counter : 0);
  if (keptFilter !== null && latest < cached) {
    store.refuse(
      issuer.centre,
      `revocation lists of ${issuer.centre} refused: the directory offers counter ${latest}, older than the cached ${cached}`,
    );
    return false;
  }
  // Another filter (a newer counter, or the next day's at the same one) replaces the kept
  // filter and delta once it and its delta have both passed, in a cache of their own.
  const newFilter = keptFilter !== listed.filter.sha256 || cache.filters.get(kid).counter !== listed.filter.counter;
  const needDelta = listed.delta !== null && (newFilter || listed.delta.counter > cached);
  if (!newFilter && !needDelta) {
    store.fetchedAt[kid] = now;
    record.fetchedAt = now;
    return false;
  }
  try {
    const target = newFilter ? new RevocationCache() : cache;
    let documents = newFilter ? [] : [record.documents[0]];
    if (newFilter) {
      const document = await fetchListed(store, directory, listed.filter, `revocation filter of ${issuer.centre}`);
      if (document === null) return false;
      const filter = await loadRevocationDocument(document, issuer);
      if (!filter.layers || filter.counter !== listed.filter.counter) {
        throw new DirectoryError(`${listed.filter.path} is not the filter ${listed.filter.counter} the index lists`);
      }
      target.apply(filter);
      documents = [encodeDocument(document)];
    }
    if (needDelta) {
      const document = await fetchListed(store, directory, listed.delta, `revocation delta of ${issuer.centre}`);
      if (document === null) return false;
      const delta = await loadRevocationDocument(document, issuer);
      if (delta.layers || delta.since !== listed.delta.since || delta.counter !== listed.delta.counter) {
        throw new DirectoryError(`${listed.delta.path} is not the delta ${listed.delta.counter} the index lists`);
      }
      target.apply(delta);
      // Deltas are cumulative from their filter: the newest replaces the one kept before.
      documents.push(encodeDocument(document));
    }
    if (newFilter) cache.adopt(kid, target);
    stored.revocations[kid] = { documents, filter: listed.filter.sha256, fetchedAt: now };
    store.fetchedAt[kid] = now;
    return true;
  } catch (error) {
    if (!(error instanceof SignedListError)) throw error;
    store.refuse(issuer.centre, `revocation list of ${issuer.centre} refused: ${error.message}`);
    return false;
  }
}

/** A file the index lists, or null when unreachable; refused unless its size and SHA-256
 * are the index's. */
async function fetchListed(store, directory, listed, what) {
  const document = await store.fetchBytes(new URL(listed.path, directory).href, "default");
  if (document === null) return null;
  const digest = toHex(await sha256(document));
  if (document.length !== listed.size || digest !== listed.sha256) {
    throw new DirectoryError(`${what} (${listed.path}) does not match the directory's index (size or SHA-256)`);
  }
  return document;
}
