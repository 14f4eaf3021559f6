// Strict decoding of the deterministic CBOR the card uses: the browser twin of cards/cbor.py.
//
// Python decodes in two steps and the browser must give the same verdict on every input:
// first cbor2 decodes, and the value is kept when re-encoding it gives the same bytes with
// map keys in order (`lenient` below models exactly that round trip, including the tags,
// floats and simple values cbor2 maps to Python values); otherwise the strict decoder runs
// and names the first fault (`strict` below, same limits and error codes).

export class CardError extends Error {
  constructor(message, code, status = "invalid") {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export const malformed = (message, code) => new CardError(message, code);

const MAX_DEPTH = 4;
const MAX_ITEMS = 256;
// Tags cbor2 turns into Python values (dates, bignums, decimals, ...); all others stay tags.
const SEMANTIC_TAGS = new Set([
  0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100, 256, 258, 260, 261, 1004, 55799,
]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

// A value that is no int, bytes, text, array or map (bool, null, float, simple value, tag):
// the codec rejects it by type, as Python's `type(v) is int` checks do.
export class Foreign {
  constructor(kind, identity) {
    this.kind = kind;
    this.identity = identity;
  }
}

// A decoded map keeps its entries in encoded order; keys are BigInt for integer keys.
export class CborMap {
  constructor(entries) {
    this.entries = entries;
  }
  get(key) {
    const found = this.entries.find(([k]) => k === key);
    return found ? found[1] : undefined;
  }
  has(key) {
    return this.entries.some(([k]) => k === key);
  }
  get keys() {
    return this.entries.map(([k]) => k);
  }
}

/** Decode exactly one deterministic CBOR item filling `data` (Uint8Array). */
export function loads(data) {
  const value = lenient(data);
  if (value !== NOT_DETERMINISTIC) return value;
  strict(data);
  throw malformed("CBOR body is not in deterministic form", "non_canonical");
}

/** Decode a signed list's body: no item limits, canonical form only, no tags or floats. */
export function loadsLarge(data) {
  const value = lenient(data);
  if (value === NOT_DETERMINISTIC || containsForeign(value)) {
    throw malformed("body is not in deterministic form", "non_canonical");
  }
  return value;
}

function containsForeign(value) {
  if (value instanceof Foreign) return true;
  if (Array.isArray(value)) return value.some(containsForeign);
  if (value instanceof CborMap) {
    return value.entries.some(([k, v]) => containsForeign(k) || containsForeign(v));
  }
  return false;
}

const NOT_DETERMINISTIC = Symbol("not deterministic");
class Reject extends Error {}

function lenient(data) {
  const reader = new Reader(data);
  try {
    const value = reader.lenientItem(true);
    if (reader.pos !== data.length) return NOT_DETERMINISTIC;
    return value;
  } catch {
    // Whatever cbor2 would refuse, or would re-encode differently, goes to the strict decoder.
    return NOT_DETERMINISTIC;
  }
}

/** The strict decoder: names the exact fault of a non-deterministic item. */
export function strict(data) {
  const reader = new Reader(data);
  const value = reader.strictItem(0);
  if (reader.pos !== data.length) {
    throw malformed(
      `${data.length - reader.pos} trailing byte(s) after the CBOR body`,
      "trailing_bytes",
    );
  }
  return value;
}

function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

// Python dict-key equality: True == 1 == 1.0, so such keys collapse in cbor2's dict.
function keyIdentity(key) {
  if (typeof key === "bigint") return `n${key}`;
  if (typeof key === "string") return `s${key}`;
  if (key instanceof Uint8Array) return `b${Array.from(key).join(",")}`;
  if (key instanceof Foreign) return key.identity;
  if (Array.isArray(key)) return `t[${key.map(keyIdentity).join(";")}]`;
  return `m{${key.entries.map(([k, v]) => `${keyIdentity(k)}:${keyIdentity(v)}`).join(";")}}`;
}

class Reader {
  constructor(data) {
    this.data = data;
    this.pos = 0;
    this.items = 0;
  }

  take(count) {
    const end = this.pos + count;
    if (count > this.data.length || end > this.data.length) {
      throw malformed("CBOR body ends inside an item", "truncated");
    }
    const chunk = this.data.subarray(this.pos, end);
    this.pos = end;
    return chunk;
  }

  argument(info) {
    const size = 1 << (info - 24);
    let value = 0n;
    for (const byte of this.take(size)) value = (value << 8n) | BigInt(byte);
    return [size, value];
  }

  // ---- cbor2 round trip -------------------------------------------------------------
  lenientHead() {
    if (this.pos >= this.data.length) throw new Reject();
    const initial = this.data[this.pos];
    this.pos += 1;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) return [major, info];
    if (info < 24) return [major, BigInt(info)];
    if (info > 27) throw new Reject();
    const [size, value] = this.argument(info);
    const smallest = size === 1 ? 24n : 1n << BigInt(4 * size);
    if (value < smallest) throw new Reject();
    return [major, value];
  }

  lenientItem(checkOrder) {
    const start = this.pos;
    const [major, argument] = this.lenientHead();
    switch (major) {
      case 0:
        return argument;
      case 1:
        return -1n - argument;
      case 2:
        return this.take(Number(argument)).slice();
      case 3:
        return utf8.decode(this.take(Number(argument)));
      case 4: {
        const items = [];
        for (let i = 0n; i < argument; i += 1n) items.push(this.lenientItem(checkOrder));
        return items;
      }
      case 5:
        return this.lenientMap(argument, checkOrder);
      case 6:
        return this.lenientTag(argument, start);
      default:
        return this.lenientSimple(argument);
    }
  }

  lenientMap(count, checkOrder) {
    const entries = [];
    const seen = new Set();
    let previous = null;
    for (let i = 0n; i < count; i += 1n) {
      const keyStart = this.pos;
      // cbor2 keeps keys as tuples and frozen dicts, whose key order it never checks.
      const key = this.lenientItem(false);
      const encoded = this.data.subarray(keyStart, this.pos);
      const identity = keyIdentity(key);
      if (seen.has(identity)) throw new Reject();
      seen.add(identity);
      if (checkOrder && previous !== null && compareBytes(encoded, previous) <= 0) {
        throw new Reject();
      }
      previous = encoded;
      entries.push([key, this.lenientItem(checkOrder)]);
    }
    return new CborMap(entries);
  }

  lenientTag(tag, start) {
    if (tag === 2n || tag === 3n) {
      // A bignum round-trips only when cbor2 would have needed it: beyond 64 bits, no zero lead.
      const content = this.lenientItem(false);
      if (!(content instanceof Uint8Array) || content.length < 9 || content[0] === 0) {
        throw new Reject();
      }
      let value = 0n;
      for (const byte of content) value = (value << 8n) | BigInt(byte);
      return tag === 2n ? value : -1n - value;
    }
    if (SEMANTIC_TAGS.has(Number(tag))) throw new Reject();
    // Inside a tag cbor2's value is opaque to the key-order check.
    this.lenientItem(false);
    const raw = Array.from(this.data.subarray(start, this.pos)).join(",");
    return new Foreign("tag", `x${raw}`);
  }

  lenientSimple(info) {
    if (info === 20) return new Foreign("false", "n0");
    if (info === 21) return new Foreign("true", "n1");
    if (info === 22) return new Foreign("null", "none");
    if (info === 23) return new Foreign("undefined", "undefined");
    if (info < 20) return new Foreign("simple", `simple${info}`);
    if (info === 24) {
      const value = this.take(1)[0];
      if (value < 32) throw new Reject();
      return new Foreign("simple", `simple${value}`);
    }
    if (info === 25) {
      // cbor2 writes every float as a double, except NaN and the infinities as halves.
      const half = (this.take(2)[0] << 8) | this.data[this.pos - 1];
      if (half === 0x7e00) return new Foreign("float", `nan${this.pos}`);
      if (half === 0x7c00) return new Foreign("float", "f+inf");
      if (half === 0xfc00) return new Foreign("float", "f-inf");
      throw new Reject();
    }
    if (info === 27) {
      const bytes = this.take(8);
      const value = new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0);
      if (!Number.isFinite(value)) throw new Reject();
      return new Foreign("float", Number.isInteger(value) ? `n${BigInt(value)}` : `f${value}`);
    }
    throw new Reject();
  }

  // ---- the strict decoder, as cards/cbor.py's _Decoder --------------------------------
  strictHead() {
    const initial = this.take(1)[0];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 6 || major === 7) {
      const kind = major === 6 ? "tag" : "float or simple value";
      throw malformed(`CBOR ${kind} is not allowed in a card`, "wrong_type");
    }
    if (info < 24) return [major, BigInt(info)];
    if (info === 31) throw malformed("indefinite-length CBOR item", "non_canonical");
    if (info > 27) throw malformed(`reserved CBOR additional info ${info}`, "cbor_invalid");
    const [size, value] = this.argument(info);
    const smallest = size === 1 ? 24n : 1n << BigInt(4 * size);
    if (value < smallest) {
      throw malformed("CBOR integer or length not in shortest form", "non_canonical");
    }
    return [major, value];
  }

  strictItem(depth) {
    this.items += 1;
    if (this.items > MAX_ITEMS || depth > MAX_DEPTH) {
      throw malformed("CBOR body nests or repeats too deeply", "too_large");
    }
    const [major, argument] = this.strictHead();
    if (major === 0) return argument;
    if (major === 1) return -1n - argument;
    if (major === 2) return this.takeLong(argument).slice();
    if (major === 3) {
      const bytes = this.takeLong(argument);
      try {
        return utf8.decode(bytes);
      } catch {
        throw malformed("text string is not valid UTF-8", "invalid_utf8");
      }
    }
    if (major === 4) {
      if (argument > BigInt(MAX_ITEMS)) throw malformed("CBOR array too long", "too_large");
      const items = [];
      for (let i = 0n; i < argument; i += 1n) items.push(this.strictItem(depth + 1));
      return items;
    }
    return this.strictMap(argument, depth);
  }

  takeLong(length) {
    if (length > BigInt(this.data.length)) throw malformed("CBOR body ends inside an item", "truncated");
    return this.take(Number(length));
  }

  strictMap(count, depth) {
    if (count > BigInt(MAX_ITEMS)) throw malformed("CBOR map too large", "too_large");
    const entries = [];
    const seen = new Set();
    let previous = new Uint8Array(0);
    for (let i = 0n; i < count; i += 1n) {
      const keyStart = this.pos;
      const key = this.strictItem(depth + 1);
      const encoded = this.data.subarray(keyStart, this.pos);
      if (typeof key !== "bigint") throw malformed("CBOR map key is not an integer", "wrong_type");
      if (seen.has(key)) throw malformed(`duplicate map key ${key}`, "duplicate_key");
      if (compareBytes(encoded, previous) < 0) {
        throw malformed("CBOR map keys not in deterministic order", "non_canonical");
      }
      seen.add(key);
      previous = encoded;
      entries.push([key, this.strictItem(depth + 1)]);
    }
    return new CborMap(entries);
  }
}
