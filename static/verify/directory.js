// Lists from the national directory (docs/emergency-staff-and-verifier.md): loaded by
// store.js only on a page whose lists come from one. The algorithm of the issue 16 brief:
// index.json, then the trust list when its sequence is newer, then per issuer its filter
// when newer than the counter kept and its delta when newer still; each file checked
// against the index's size and SHA-256 before it is loaded. A refused file keeps what the
// cache had, and the page names whose list it was.

import { sha256 } from "./ed25519.js";
import { toHex } from "./envelope.js";
import { loadRevocationDocument, SignedListError } from "./lists.js";
import { encodeDocument } from "./store.js";

const DIRECTORY_FORMAT = "ehcard-directory/1";

/** A file the directory's index lists was refused (size, hash, kind or counter). */
class DirectoryError extends SignedListError {}

/** Refresh `store` from `directory` (an absolute URL ending in "/"). */
export async function refreshFromDirectory(store, directory, stored, now, refreshed) {
  const host = new URL(directory).host;
  const indexBytes = await store.fetchBytes(`${directory}index.json`);
  if (indexBytes === null) return; // unreachable or offline: the cache stays, its age shows
  let index;
  try {
    index = JSON.parse(new TextDecoder().decode(indexBytes));
    if (index.format !== DIRECTORY_FORMAT || typeof index.issuers !== "object" || !index.trust) {
      throw new Error(`not a ${DIRECTORY_FORMAT} index`);
    }
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
  // Explicit lists from this server (before the trust list named a directory) give way to
  // the directory's filter; once a filter is cached, an older one is a roll-back.
  const fromFilter = store.revocations.filters.has(kid);
  const cached = fromFilter ? store.revocations.counters.get(kid) : undefined;
  const latest = Math.max(listed.filter.counter, listed.delta ? listed.delta.counter : 0);
  if (cached !== undefined && latest < cached) {
    store.refuse(
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
      const document = await fetchListed(store, directory, listed.filter, `revocation filter of ${issuer.centre}`);
      if (document === null) return false;
      const filter = await loadRevocationDocument(document, issuer);
      if (!filter.layers || filter.counter !== listed.filter.counter) {
        throw new DirectoryError(`${listed.filter.path} is not the filter ${listed.filter.counter} the index lists`);
      }
      if (!fromFilter) store.revocations.forget(kid);
      store.revocations.apply(filter);
      documents = [encodeDocument(document)];
      changed = true;
    }
    if (listed.delta && listed.delta.counter > store.revocations.counters.get(kid)) {
      const document = await fetchListed(store, directory, listed.delta, `revocation delta of ${issuer.centre}`);
      if (document !== null) {
        const delta = await loadRevocationDocument(document, issuer);
        if (delta.layers || delta.since !== listed.delta.since || delta.counter !== listed.delta.counter) {
          throw new DirectoryError(`${listed.delta.path} is not the delta ${listed.delta.counter} the index lists`);
        }
        store.revocations.apply(delta);
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
    store.refuse(issuer.centre, `revocation list of ${issuer.centre} refused: ${error.message}`);
  }
  // A new filter whose delta was refused or unreachable is kept, its fetch time is not.
  const fetchedAt = current ? now : (record && record.fetchedAt) || now;
  if (changed) stored.revocations[kid] = { documents, fetchedAt };
  else if (record) record.fetchedAt = fetchedAt;
  if (current || changed) store.fetchedAt[kid] = fetchedAt;
  return changed;
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
