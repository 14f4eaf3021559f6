// Strict decoding of the deterministic CBOR subset the card uses: the browser twin of
// cards/cbor.py's strict decoder (Python's `loads` accepts exactly what it accepts).
// Refused, each with Python's error code: non-shortest integers and lengths, indefinite
// lengths, unsorted or duplicate map keys, non-integer keys, tags, floats, simple values,
// invalid UTF-8, trailing bytes, and items nested or repeated past the limits.

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
const utf8 = new TextDecoder("utf-8", { fatal: true });

// A decoded map keeps its entries in encoded order; integer keys are BigInt.
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

/** Decode exactly one deterministic CBOR item filling `data` (a card body). */
export function loads(data) {
  return decode(data, { limits: true });
}

/** The same rules without the item limits: for signed lists, once their signature checks. */
export function loadsLarge(data) {
  return decode(data, { limits: false });
}

function decode(data, { limits }) {
  const reader = new Reader(data, limits);
  const value = reader.item(0);
  if (reader.pos !== data.length) {
    throw malformed(
      `${data.length - reader.pos} trailing byte(s) after the CBOR body`,
      "trailing_bytes",
    );
  }
  return value;
}

// Python compares encoded keys as bytes: lexicographic, a prefix first.
function lessThan(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    if (a[i] !== b[i]) return a[i] < b[i];
  }
  return a.length < b.length;
}

class Reader {
  constructor(data, limits) {
    this.data = data;
    this.limits = limits;
    this.pos = 0;
    this.items = 0;
  }

  take(count) {
    if (count > BigInt(this.data.length - this.pos)) {
      throw malformed("CBOR body ends inside an item", "truncated");
    }
    const end = this.pos + Number(count);
    const chunk = this.data.slice(this.pos, end);
    this.pos = end;
    return chunk;
  }

  head() {
    const initial = this.take(1n)[0];
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 6 || major === 7) {
      const kind = major === 6 ? "tag" : "float or simple value";
      throw malformed(`CBOR ${kind} is not allowed in a card`, "wrong_type");
    }
    if (info < 24) return [major, BigInt(info)];
    if (info === 31) throw malformed("indefinite-length CBOR item", "non_canonical");
    if (info > 27) throw malformed(`reserved CBOR additional info ${info}`, "cbor_invalid");
    const size = 1 << (info - 24);
    let argument = 0n;
    for (const byte of this.take(BigInt(size))) argument = (argument << 8n) | BigInt(byte);
    const smallest = size === 1 ? 24n : 1n << BigInt(4 * size);
    if (argument < smallest) {
      throw malformed("CBOR integer or length not in shortest form", "non_canonical");
    }
    return [major, argument];
  }

  item(depth) {
    this.items += 1;
    if (this.limits && (this.items > MAX_ITEMS || depth > MAX_DEPTH)) {
      throw malformed("CBOR body nests or repeats too deeply", "too_large");
    }
    const [major, argument] = this.head();
    if (major === 0) return argument;
    if (major === 1) return -1n - argument;
    if (major === 2) return this.take(argument);
    if (major === 3) {
      const bytes = this.take(argument);
      try {
        return utf8.decode(bytes);
      } catch {
        throw malformed("text string is not valid UTF-8", "invalid_utf8");
      }
    }
    if (major === 4) {
      if (this.limits && argument > BigInt(MAX_ITEMS)) {
        throw malformed("CBOR array too long", "too_large");
      }
      const items = [];
      for (let i = 0n; i < argument; i += 1n) items.push(this.item(depth + 1));
      return items;
    }
    return this.map(argument, depth);
  }

  map(count, depth) {
    if (this.limits && count > BigInt(MAX_ITEMS)) throw malformed("CBOR map too large", "too_large");
    const entries = [];
    const seen = new Set();
    let previous = new Uint8Array(0);
    for (let i = 0n; i < count; i += 1n) {
      const keyStart = this.pos;
      const key = this.item(depth + 1);
      const encoded = this.data.subarray(keyStart, this.pos);
      if (typeof key !== "bigint") throw malformed("CBOR map key is not an integer", "wrong_type");
      if (seen.has(key)) throw malformed(`duplicate map key ${key}`, "duplicate_key");
      if (lessThan(encoded, previous)) {
        throw malformed("CBOR map keys not in deterministic order", "non_canonical");
      }
      seen.add(key);
      previous = encoded;
      entries.push([key, this.item(depth + 1)]);
    }
    return new CborMap(entries);
  }
}
