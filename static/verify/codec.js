// Card body (deterministic CBOR map, keys 1..15) -> card: the browser twin of cards/codec.py.
// Checks run in the same order as Python's so the first fault found has the same code.

import { CborMap, loads, malformed } from "./cbor.js";
import {
  birthIso,
  checkName,
  fromDayNumber,
  isoDay,
  unpackAtc,
  unpackBirth,
  unpackIcd10,
  unpackLanguage,
  unpackName,
  unpackPhone,
} from "./packing.js";
import { checkDigitOk } from "./snomed.js";

const [CARD_ID, ISSUED, EXPIRES, NAME, NAME_LATIN, BIRTH, SEX] = [1n, 2n, 3n, 4n, 5n, 6n, 7n];
const [BLOOD, ALLERGIES, MEDICATIONS, CONDITIONS, CONTACT, LANGUAGES] = [8n, 9n, 10n, 11n, 12n, 13n];
const [RECORD_KEY, PROVENANCE] = [14n, 15n];
const REQUIRED_KEYS = [CARD_ID, ISSUED, EXPIRES, NAME, BIRTH, RECORD_KEY];
export const BLOOD_GROUPS = ["unknown", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-"];
const SEXES = new Map([[1n, "male"], [2n, "female"], [9n, "other"]]);
export const CLINICAL_FIELDS = ["blood_group", "allergies", "medications", "conditions"];
const MAX_LIST_ITEMS = 16;
const CARD_ID_BYTES = 8;
const RECORD_KEY_BYTES = 16;
const FIRST_STAFF_ID = 1n;

const isInt = (v) => typeof v === "bigint";
const isBytes = (v) => v instanceof Uint8Array;
const isText = (v) => typeof v === "string";

function exact(value, check, what) {
  if (!check(value)) throw malformed(`${what} has the wrong CBOR type`, "wrong_type");
  return value;
}

/**
 * Parse a signed body strictly; throws a CardError naming the first fault. `translit` is the
 * ICAO 9303 table (cards/valuesets/data/icao9303.json): a name it does not cover needs key 5.
 */
export function decodeBody(data, translit) {
  const body = loads(data);
  if (!(body instanceof CborMap)) throw malformed("card body is not a CBOR map", "wrong_type");
  const keys = body.keys;
  if (keys.some((k) => !isInt(k) || k < 1n || k > 15n)) {
    throw malformed("unknown body key(s)", "unknown_key");
  }
  const missing = REQUIRED_KEYS.filter((k) => !body.has(k));
  if (missing.length) throw malformed(`missing body key(s) ${missing.join(", ")}`, "missing_key");
  const get = (key) => body.get(key);

  const cardId = exact(get(CARD_ID), isBytes, "card id");
  const recordKey = exact(get(RECORD_KEY), isBytes, "record key");
  if (cardId.length !== CARD_ID_BYTES || recordKey.length !== RECORD_KEY_BYTES) {
    throw malformed("card id or record key has the wrong length", "out_of_range");
  }
  const issued = fromDayNumber(exact(get(ISSUED), isInt, "issued"));
  const expires = fromDayNumber(exact(get(EXPIRES), isInt, "expires"));
  if (expires <= issued) throw malformed("card expires before it is issued", "out_of_range");
  const rawName = get(NAME);
  if (!isText(rawName) && !isBytes(rawName)) {
    throw malformed("name has the wrong CBOR type", "wrong_type");
  }
  const name = unpackName(rawName);
  const birth = birthBefore(unpackBirth(exact(get(BIRTH), isInt, "birth date")), issued);
  const sex = decodeSex(get(SEX));
  const nameLatin = latinName(get(NAME_LATIN));
  if (nameLatin === null && !icaoCovers(name, translit)) {
    throw malformed(
      "the name's script has no ICAO 9303 table and the card carries no Latin spelling",
      "latin_name_missing",
    );
  }
  const languages = packed(get(LANGUAGES), 2, unpackLanguage, "languages");
  if (languages !== null && languages.length === 0) {
    throw malformed("an empty language list is left out, not encoded", "non_canonical");
  }
  return {
    cardId,
    issued,
    expires,
    name,
    nameLatin,
    birth,
    sex,
    bloodGroup: blood(get(BLOOD)),
    allergies: allergies(get(ALLERGIES)),
    medications: packed(get(MEDICATIONS), 4, unpackAtc, "medications"),
    conditions: packed(get(CONDITIONS), 2, unpackIcd10, "conditions"),
    contact: contact(get(CONTACT)),
    languages: languages || [],
    recordKey,
    provenance: provenance(get(PROVENANCE)),
  };
}

const DAY_MS = 86400000;
const ICAO_ALWAYS = /^[A-Z .'\-\u200c]$/;

/** Whether the ICAO 9303 table covers every character of `name` (cards.codec.icao_covers). */
function icaoCovers(name, { map, final, doubling }) {
  return [...name.toUpperCase()].every(
    (c) => ICAO_ALWAYS.test(c) || Object.hasOwn(map, c) || Object.hasOwn(final, c) || c === doubling,
  );
}

function birthBefore(birth, issued) {
  const [year, month, day] = birth;
  // A year alone counts from its first day, as the issuer checks it.
  if (Date.UTC(year, (month ?? 1) - 1, day ?? 1) / DAY_MS > issued) {
    throw malformed(
      `birth date ${birthIso(birth)} is after the issue date ${isoDay(issued * DAY_MS)}`,
      "born_after_issue",
    );
  }
  return birth;
}

function decodeSex(value) {
  if (value === undefined) return null;
  const sex = SEXES.get(exact(value, isInt, "sex"));
  if (sex === undefined) throw malformed(`sex code ${value}`, "out_of_range");
  return sex;
}

function latinName(value) {
  if (value === undefined) return null;
  const name = exact(value, isText, "Latin name");
  if (!/^[\x00-\x7f]*$/.test(name) || name !== name.toUpperCase() || checkName(name)) {
    throw malformed("Latin name must be upper-case ASCII letters", "bad_name");
  }
  return name;
}

function blood(value) {
  if (value === undefined) return null;
  const code = exact(value, isInt, "blood group");
  if (code < 0n || code >= BigInt(BLOOD_GROUPS.length)) {
    throw malformed(`blood group code ${value}`, "out_of_range");
  }
  return BLOOD_GROUPS[Number(code)];
}

function allergies(value) {
  if (value === undefined) return null;
  if (!Array.isArray(value) || value.some((v) => !isInt(v))) {
    throw malformed("allergies must be an array of integers", "wrong_type");
  }
  if (value.some((v) => v < 100000n || v >= 10n ** 18n)) {
    throw malformed("allergy code is not a SNOMED CT id", "out_of_range");
  }
  const bad = value.find((code) => !checkDigitOk(String(code)));
  if (bad !== undefined) {
    throw malformed(`allergy code ${bad} fails the SNOMED CT check digit (Verhoeff)`, "bad_check_digit");
  }
  return unique(value.map(String), "allergies");
}

function packed(value, width, unpack, what) {
  if (value === undefined) return null;
  const bytes = exact(value, isBytes, what);
  if (bytes.length % width || bytes.length > width * MAX_LIST_ITEMS) {
    throw malformed(`${what} is not a whole number of codes`, "out_of_range");
  }
  const codes = [];
  for (let i = 0; i < bytes.length; i += width) codes.push(unpack(bytes.subarray(i, i + width)));
  return unique(codes, what);
}

function unique(codes, what) {
  if (new Set(codes).size !== codes.length) {
    throw malformed(`${what} lists a code twice`, "duplicate_code");
  }
  if (codes.length > MAX_LIST_ITEMS) throw malformed(`${what} lists too many codes`, "out_of_range");
  return codes;
}

function contact(value) {
  if (value === undefined) return null;
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    !(isText(value[0]) || isBytes(value[0])) ||
    !isBytes(value[1])
  ) {
    throw malformed("emergency contact must be [name, phone]", "wrong_type");
  }
  return { name: unpackName(value[0]), phone: unpackPhone(value[1]) };
}

function provenance(value) {
  if (value === undefined) return { confirmed: [], confirmedBy: null };
  if (!Array.isArray(value) || value.length !== 2 || value.some((v) => !isInt(v))) {
    throw malformed("provenance must be [bits, staff id]", "wrong_type");
  }
  const [bits, staffId] = value;
  if (!(bits > 0n && bits < 1n << BigInt(CLINICAL_FIELDS.length))) {
    throw malformed("provenance bits out of range", "out_of_range");
  }
  if (staffId < FIRST_STAFF_ID) {
    throw malformed(
      `provenance staff id ${staffId}: a clinician's staff id starts at ${FIRST_STAFF_ID}`,
      "out_of_range",
    );
  }
  return {
    confirmed: CLINICAL_FIELDS.filter((_, i) => bits & (1n << BigInt(i))),
    confirmedBy: Number(staffId),
  };
}
