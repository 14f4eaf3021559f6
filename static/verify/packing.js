// Unpacking of the compact field forms: the browser twin of cards/packing.py.
// Every unpacker refuses what the Python packer could not have produced, with the same code.

import { malformed } from "./cbor.js";

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ATC_LIMIT = 26n * 100n * 26n * 26n * 100n;
const ICD10_LIMIT = 26n * 100n * 11n;
const LANGUAGE_LIMIT = 27n ** 3n;
const DAY_MS = 86400000;
const EPOCH_1900 = Date.UTC(1900, 0, 1);
const PHONE_PATTERN = /^\+[1-9]\d{6,14}$/;
const WINDOW_SPAN = 0xfc;
// The zero-width non-joiner is part of the spelling of many Persian names.
export const ZWNJ = "\u200c";
const WINDOW_PUNCTUATION = new Map([[ZWNJ, 0xfc], [" ", 0xfd], ["-", 0xfe], ["'", 0xff]]);
const PUNCTUATION_OF_BYTE = new Map([[0xfc, ZWNJ], [0xfd, " "], [0xfe, "-"], [0xff, "'"]]);
const NAME_PUNCTUATION = new Set([" ", "-", "'", "."]);
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const LETTER_OR_MARK = /^[\p{L}\p{M}]$/u;
const ALPHA = /^\p{L}+$/u;

const outOfRange = (what) => malformed(`${what} is out of range`, "out_of_range");

export function bigFromBytes(bytes) {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

const pad = (n, width) => String(n).padStart(width, "0");

export function isoDay(ms) {
  const day = new Date(ms);
  return `${pad(day.getUTCFullYear(), 4)}-${pad(day.getUTCMonth() + 1, 2)}-${pad(day.getUTCDate(), 2)}`;
}

/** A day number (days since 1970-01-01, 0..65535) as a number; `out_of_range` otherwise. */
export function fromDayNumber(number) {
  if (number < 0n || number > 65535n) throw outOfRange(`day number ${number}`);
  return Number(number);
}

export function unpackAtc(packed) {
  let value = bigFromBytes(packed);
  if (value >= ATC_LIMIT) throw outOfRange("ATC code");
  const d2 = value % 100n;
  value /= 100n;
  const l3 = value % 26n;
  value /= 26n;
  const l2 = value % 26n;
  value /= 26n;
  const d1 = value % 100n;
  const l1 = value / 100n;
  return `${LETTERS[l1]}${pad(d1, 2)}${LETTERS[l2]}${LETTERS[l3]}${pad(d2, 2)}`;
}

export function unpackIcd10(packed) {
  let value = bigFromBytes(packed);
  if (value >= ICD10_LIMIT) throw outOfRange("ICD-10 code");
  const subdivision = value % 11n;
  value /= 11n;
  const code = `${LETTERS[value / 100n]}${pad(value % 100n, 2)}`;
  return subdivision ? `${code}.${subdivision - 1n}` : code;
}

export function unpackLanguage(packed) {
  const value = bigFromBytes(packed);
  const first = value / 729n;
  const rest = value % 729n;
  const second = rest / 27n;
  const third = rest % 27n;
  if (value >= LANGUAGE_LIMIT || first === 0n || second === 0n) throw outOfRange("language code");
  return [first, second, third]
    .filter((n) => n)
    .map((n) => String.fromCharCode(96 + Number(n)))
    .join("");
}

export function unpackPhone(packed) {
  if (!packed.length || packed[0] === 0) {
    throw malformed("phone number not in shortest form", "non_canonical");
  }
  const phone = `+${bigFromBytes(packed)}`;
  if (!PHONE_PATTERN.test(phone)) throw outOfRange("phone number");
  return phone;
}

/** [year, month|null, day|null] from days since 1900-01-01, or -1 - (year - 1900). */
export function unpackBirth(value) {
  if (value < 0n) {
    const year = 1900n + (-1n - value);
    if (year > 2199n) throw outOfRange("birth year");
    return [Number(year), null, null];
  }
  if (value > 65535n) throw outOfRange("birth date");
  const born = new Date(EPOCH_1900 + Number(value) * DAY_MS);
  return [born.getUTCFullYear(), born.getUTCMonth() + 1, born.getUTCDate()];
}

export function birthIso([year, month, day]) {
  return month === null ? pad(year, 4) : `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Why `name` cannot be printed safely, or null (cards.packing.check_name). */
export function checkName(name) {
  if (!name || name !== name.trim() || name.includes("  ")) {
    return "must not be empty or have leading, trailing or double spaces";
  }
  // Python's strip() and ours agree on the whitespace a name may hold (plain spaces only).
  if (name.normalize("NFC") !== name) return "must be in Unicode NFC form";
  if (ALPHA.test(name.replace(/[ \-'.]/g, ""))) return null;
  const chars = [...name];
  const isLetter = (char) => char !== undefined && ALPHA.test(char);
  for (let i = 0; i < chars.length; i += 1) {
    if (chars[i] === ZWNJ && !(isLetter(chars[i - 1]) && isLetter(chars[i + 1]))) {
      return "has a zero-width non-joiner that is not between two letters";
    }
  }
  for (const char of chars) {
    if (char === ZWNJ) continue;
    if (FORBIDDEN.test(char) || (!LETTER_OR_MARK.test(char) && !NAME_PUNCTUATION.has(char))) {
      const hex = char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
      return `contains a character that is not allowed (U+${hex})`;
    }
  }
  return null;
}

function utf8Length(text) {
  let length = 0;
  for (const char of text) {
    const code = char.codePointAt(0);
    length += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return length;
}

const isAscii = (text) => /^[\x00-\x7f]*$/.test(text);

function packsShorter(name) {
  const codes = [...name].filter((c) => !WINDOW_PUNCTUATION.has(c)).map((c) => c.codePointAt(0));
  if (!codes.length) return false;
  const window = Math.min(...codes);
  if (window < 0x80 || window > 0xffff || Math.max(...codes) - window >= WINDOW_SPAN || name.includes(".")) {
    return false;
  }
  return 2 + [...name].length < utf8Length(name);
}

/** A name from its card form: text, or a window-packed byte string. */
export function unpackName(value) {
  let name;
  let canonical;
  if (typeof value === "string") {
    name = value;
    canonical = isAscii(name) || !packsShorter(name);
  } else {
    if (value.length < 3) throw malformed("packed name too short", "out_of_range");
    const window = (value[0] << 8) | value[1];
    const offsets = value.subarray(2);
    const letters = Array.from(offsets).filter((b) => !PUNCTUATION_OF_BYTE.has(b));
    name = Array.from(offsets, (b) =>
      PUNCTUATION_OF_BYTE.has(b) ? PUNCTUATION_OF_BYTE.get(b) : String.fromCodePoint(window + b),
    ).join("");
    canonical =
      window >= 0x80 &&
      letters.length > 0 &&
      Math.min(...letters) === 0 &&
      value.length < utf8Length(name);
  }
  const problem = checkName(name);
  if (problem) throw malformed(`name ${problem}`, "bad_name");
  if (!canonical) throw malformed("name not in its shortest packed form", "non_canonical");
  return name;
}
