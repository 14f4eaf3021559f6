// Ribbon retrieval: the value a 128-wide standard ribbon stores for a key, the browser twin
// of signing/ribbon.py. A key hashes as SHA-256("ehcard/ribbon/v1" ‖ seed u32 BE ‖ key):
// bytes 0–7 big-endian modulo (slots − 127) give the start slot, bytes 8–23 big-endian the
// 128-bit row (bit 0 forced to 1), bytes 24–31 big-endian the fingerprint. Bit p of the
// value is the parity of row AND the 128 solution bits of plane p from the start slot
// (plane p at bytes [p·⌈slots/8⌉, …), slot i at bit i % 8 of byte i // 8, LSB first).

import { sha256 } from "./ed25519.js";

export const WIDTH = 128;
const HASH_DOMAIN = new TextEncoder().encode("ehcard/ribbon/v1");
const WINDOW_BYTES = WIDTH / 8 + 1;

export class RibbonError extends Error {}

function bigEndian(bytes, from, to) {
  let value = 0n;
  for (let i = from; i < to; i += 1) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

/** A ribbon as stored: [seed, slots, bits, solution], checked as signing/ribbon.Ribbon does. */
export class Ribbon {
  constructor(seed, slots, bits, solution) {
    if (!(bits >= 1 && bits <= 32)) throw new RibbonError(`a ribbon stores 1 to 32 bits a key, not ${bits}`);
    if (!(slots >= WIDTH) || !(seed >= 0 && seed < 2 ** 32)) {
      throw new RibbonError("a ribbon has at least 128 slots and a 32-bit seed");
    }
    this.seed = seed;
    this.slots = slots;
    this.bits = bits;
    this.planeBytes = Math.ceil(slots / 8);
    if (solution.length !== bits * this.planeBytes) {
      throw new RibbonError(
        `a ribbon of ${slots} slots and ${bits} bits has ${bits * this.planeBytes} bytes, not ${solution.length}`,
      );
    }
    this.solution = solution;
    this.prefix = new Uint8Array(HASH_DOMAIN.length + 4);
    this.prefix.set(HASH_DOMAIN);
    new DataView(this.prefix.buffer).setUint32(HASH_DOMAIN.length, seed, false);
  }

  /** The key's start slot, row and fingerprint. */
  async hash(key) {
    const message = new Uint8Array(this.prefix.length + key.length);
    message.set(this.prefix);
    message.set(key, this.prefix.length);
    const digest = await sha256(message);
    return {
      start: Number(bigEndian(digest, 0, 8) % BigInt(this.slots - WIDTH + 1)),
      row: bigEndian(digest, 8, 24) | 1n,
      fingerprint: bigEndian(digest, 24, 32),
    };
  }

  /** The value stored for a hashed key (arbitrary for a key not in the set). */
  value({ start, row }) {
    const first = start >> 3;
    const shift = BigInt(start & 7);
    let value = 0;
    for (let plane = 0; plane < this.bits; plane += 1) {
      const offset = plane * this.planeBytes + first;
      // Little-endian window of 17 bytes; bytes past the end of the solution read as zero.
      const end = Math.min(offset + WINDOW_BYTES, this.solution.length);
      let window = 0n;
      for (let i = end - 1; i >= offset; i -= 1) window = (window << 8n) | BigInt(this.solution[i]);
      value += parity((window >> shift) & row) * 2 ** plane;
    }
    return value;
  }

  /** Whether the value stored for `key` is its own fingerprint's low bits (a screen). */
  async matches(key) {
    const hashed = await this.hash(key);
    return BigInt(this.value(hashed)) === (hashed.fingerprint & ((1n << BigInt(this.bits)) - 1n));
  }

  /** The value stored for `key`. */
  async lookup(key) {
    return this.value(await this.hash(key));
  }
}

/** 1 when a value below 2**128 has an odd number of bits set. */
function parity(value) {
  let folded = value ^ (value >> 64n);
  folded ^= folded >> 32n;
  let word = Number(folded & 0xffffffffn);
  word ^= word >>> 16;
  word ^= word >>> 8;
  word ^= word >>> 4;
  word ^= word >>> 2;
  word ^= word >>> 1;
  return word & 1;
}
