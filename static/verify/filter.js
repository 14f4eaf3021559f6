// Revocation filters: the browser twin of signing/revocation_filter.py, loaded by lists.js
// only when a page meets a filter. A filter answers, for each card its issuer had issued up
// to `covers`, whether it is revoked and why (three kinds of ribbon, see ribbon.js).

import { CborMap } from "./cbor.js";
import { toHex } from "./envelope.js";
import { FILTER_DOMAIN, field, num, parseGroups, REVOCATION_REASONS, SignedListError, unseal } from "./lists.js";
import { fromDayNumber } from "./packing.js";
import { Ribbon, RibbonError } from "./ribbon.js";

const MAX_SCREEN_BITS = 24;

/** A revocation filter signed by `issuer` (signing/revocation_filter.load_revocation_filter). */
export async function loadRevocationFilter(document, issuer) {
  const body = await unseal(document, issuer.publicKey, FILTER_DOMAIN, "revocation filter");
  return parseFilterBody(body, issuer);
}

/** A filter's checked body (load_revocation_filter's checks), with its `lookup`. */
export function parseFilterBody(body, issuer) {
  let filter;
  try {
    filter = parseFilter(body, issuer);
  } catch (error) {
    if (error instanceof SignedListError) throw error;
    throw new SignedListError(`revocation filter body is malformed: ${error.message}`);
  }
  if (filter.covers > filter.issued) {
    throw new SignedListError("revocation filter covers cards issued after it");
  }
  filter.lookup = (rid, cardIssued) => filterLookup(filter, rid, cardIssued);
  return filter;
}

function parseFilter(body, issuer) {
  const version = num(field(body, 1));
  if (version !== 1n) throw new SignedListError(`unknown revocation filter version ${version}`);
  if (toHex(field(body, 2)) !== issuer.keyId) {
    throw new SignedListError("revocation filter names another issuer");
  }
  return {
    issuerKid: issuer.keyId,
    counter: count(field(body, 3)),
    issued: fromDayNumber(num(field(body, 4))),
    covers: fromDayNumber(num(field(body, 5))),
    expiredBefore: fromDayNumber(num(field(body, 6))),
    issuedCount: count(field(body, 7)),
    layers: parseLayers(field(body, 8)),
    entries: parseGroups(field(body, 9)),
    since: 0,
  };
}

function count(value) {
  if (typeof value !== "bigint" || value < 0n) throw new SignedListError(`${value} is not a count`);
  return Number(value);
}

function parseRibbon(value, maxBits) {
  if (!Array.isArray(value) || value.length !== 4) throw new SignedListError("a filter layer is not 4 items");
  const [seed, slots, width, solution] = value;
  if (![seed, slots, width].every((v) => typeof v === "bigint") || !(solution instanceof Uint8Array)) {
    throw new SignedListError("a filter layer is not [seed, slots, bits, solution]");
  }
  if (width < 1n || width > BigInt(maxBits)) {
    throw new SignedListError(`a filter layer of ${width} bits where 1 to ${maxBits} are allowed`);
  }
  try {
    return new Ribbon(Number(seed), Number(slots), Number(width), solution);
  } catch (error) {
    if (error instanceof RibbonError) throw new SignedListError(`a filter layer is malformed: ${error.message}`);
    throw error;
  }
}

function parseLayers(encoded) {
  if (!(encoded instanceof CborMap) || !encoded.keys.every((k) => [1n, 2n, 3n, 4n].includes(k))) {
    throw new SignedListError("filter layers are not a map of keys 1 to 4");
  }
  if (!encoded.has(2n)) {
    if (encoded.keys.length) throw new SignedListError("a filter that revokes nothing has no other layer");
    return { screen: null, revoked: null, reasons: [], reasonLayers: [] };
  }
  const screen = encoded.has(1n) ? parseRibbon(encoded.get(1n), MAX_SCREEN_BITS) : null;
  const codes = layer(encoded, 3);
  if (!Array.isArray(codes)) throw new SignedListError("filter reasons are not an array");
  const reasons = codes.map((code) => {
    const reason = typeof code === "bigint" ? REVOCATION_REASONS[Number(code)] : undefined;
    if (reason === undefined) throw new SignedListError(`${code} is not a revocation reason`);
    return reason;
  });
  if (!reasons.length || new Set(reasons).size !== reasons.length) {
    throw new SignedListError("a filter's reasons are one or more distinct reason codes");
  }
  const encodedLayers = layer(encoded, 4);
  if (!Array.isArray(encodedLayers)) throw new SignedListError("filter reason layers are not an array");
  const reasonLayers = encodedLayers.map((item) => parseRibbon(item, 1));
  if (reasonLayers.length !== reasons.length - 1) {
    throw new SignedListError("a filter has one reason layer for each reason but the last");
  }
  return { screen, revoked: parseRibbon(encoded.get(2n), 1), reasons, reasonLayers };
}

function layer(encoded, key) {
  if (!encoded.has(BigInt(key))) throw new SignedListError(`filter layers lack key ${key}`);
  return encoded.get(BigInt(key));
}

/** The reason the filter's layers give an issued id (8 bytes), or null; arbitrary for others. */
async function layersLookup(layers, rid) {
  if (layers.revoked === null) return null;
  if (layers.screen !== null && !(await layers.screen.matches(rid))) return null;
  if (!(await layers.revoked.lookup(rid))) return null;
  for (let j = 0; j < layers.reasonLayers.length; j += 1) {
    if (await layers.reasonLayers[j].lookup(rid)) return layers.reasons[j];
  }
  return layers.reasons[layers.reasons.length - 1];
}

/** Whether `filter` revokes a card of its issuer with revocation id `rid` (8 bytes) issued on
 * day `cardIssued`: the reason, or null (always null for a card issued after `covers`). */
export async function filterLookup(filter, rid, cardIssued) {
  if (cardIssued > filter.covers) return null;
  return layersLookup(filter.layers, rid);
}
