// Readable Latin spellings of names: the browser twin of cards/spelling.py.
// The name table and letter rules (cards/valuesets/data/names_latin.json) come with the
// labels bundle as `names_latin`; the ICAO 9303 table as `icao9303`.
import { icaoLatin } from "./translit.js";

const ARABIC = /[\u0600-\u06ff\u0750-\u077f]/;
const PERSIAN_LETTERS = new Set("پچژگیکټډړږښځڅڼګېۍ");
const MARKS = /[\u064b-\u065f\u0670\u0640]/g;
const LETTER_FORMS = new Map([
  ["أ", "ا"], ["إ", "ا"], ["آ", "ا"], ["ٱ", "ا"], ["ی", "ي"], ["ئ", "ي"], ["ک", "ك"],
  ["ګ", "گ"], ["ؤ", "و"], ["ء", ""], ["\u200c", ""],
]);
const KEY_FORMS = new Map([["ى", "ي"], ["ې", "ي"], ["ۍ", "ي"]]);
const VOWEL_LETTERS = new Set("اىعةېۍ");
const GLIDES = new Set("وي");
const SEPARATORS = /[\s\-\u1361]+/u;

function mapChars(text, forms) {
  return [...text].map((c) => (forms.has(c) ? forms.get(c) : c)).join("");
}

/** An Arabic-script word without short vowels, its letters in one form per sound. */
export function letterForm(word) {
  return mapChars(word.replace(MARKS, ""), LETTER_FORMS);
}

export function lookupKey(word) {
  return mapChars(letterForm(word), KEY_FORMS);
}

const prepared = new WeakMap();

function tables(table) {
  let ready = prepared.get(table);
  if (!ready) {
    const keyed = (section) =>
      new Map(Object.entries(section).map(([name, spelling]) => [lookupKey(name), spelling]));
    ready = { arabic: keyed(table.names), persian: keyed(table.names_persian) };
    prepared.set(table, ready);
  }
  return ready;
}

function lookup(key, persian, table) {
  const { arabic, persian: persianNames } = tables(table);
  const [first, then] = persian ? [persianNames, arabic] : [arabic, persianNames];
  return first.get(key) || then.get(key) || null;
}

function letters(word, persian, table) {
  const rules = table.arabic_letters;
  const consonants = { ...rules.consonants, ...(persian ? rules.persian_consonants : {}) };
  const vowels = rules.vowels;
  const chars = [...word];
  const units = [];
  chars.forEach((char, index) => {
    const following = index + 1 < chars.length ? chars[index + 1] : "";
    const previousVowel = units.length > 0 && units[units.length - 1][1];
    if (GLIDES.has(char)) {
      const glide =
        index === 0 || previousVowel || VOWEL_LETTERS.has(following) || GLIDES.has(following);
      if (glide) units.push([consonants[char] || rules.glides[char], false]);
      else units.push([vowels[char], true]);
    } else if (char === "ه" && !following && persian && units.length > 0 && !previousVowel) {
      units.push([rules.persian_final_heh, true]);
    } else if (Object.hasOwn(vowels, char)) {
      units.push([vowels[char], true]);
    } else if (Object.hasOwn(consonants, char)) {
      units.push([consonants[char], false]);
    }
  });
  const out = [];
  units.forEach(([spelled, isVowel], index) => {
    if (index > 0 && !isVowel && !units[index - 1][1]) {
      const nextIsVowel = index + 1 < units.length && units[index + 1][1];
      if (index === 1 || !nextIsVowel) out.push(rules.inserted_vowel);
    }
    out.push(spelled);
  });
  return out.join("");
}

function arabicWord(word, persian, table) {
  const rules = table.arabic_letters;
  const key = lookupKey(word);
  const known = lookup(key, persian, table);
  if (known) return known;
  const length = [...key].length;
  if (key.endsWith("الله") && length > 4) {
    return arabicWord(key.slice(0, -4), persian, table) + rules.ullah;
  }
  if (key.startsWith("عبدال") && length > 5) return rules.abd + arabicWord(key.slice(5), persian, table);
  if (key.startsWith("ال") && length > 3) return rules.article + arabicWord(key.slice(2), persian, table);
  return letters(letterForm(word), persian, table);
}

function arabicWords(words, persian, table) {
  const rules = table.arabic_letters;
  const out = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index];
    const following = index + 1 < words.length ? words[index + 1] : "";
    const pair = following ? lookup(`${lookupKey(word)} ${lookupKey(following)}`, persian, table) : null;
    if (pair) {
      out.push(pair);
      index += 2;
    } else if (following && lookupKey(following) === "الله") {
      out.push(arabicWord(word, persian, table) + rules.ullah);
      index += 2;
    } else if (following && lookupKey(word) === "عبد" && lookupKey(following).startsWith("ال")) {
      out.push(rules.abd + arabicWord(lookupKey(following).slice(2), persian, table));
      index += 2;
    } else {
      out.push(arabicWord(word, persian, table));
      index += 1;
    }
  }
  return out;
}

function ethiopic(word, table) {
  const rules = table.ethiopic;
  const out = [];
  for (const char of word) {
    const point = char.codePointAt(0);
    if (point < 0x1200 || point > 0x135f) return null;
    const row = (point & ~7).toString(16);
    const order = point & 7;
    if (Object.hasOwn(rules.labialised, row)) {
      out.push(rules.labialised[row] + rules.labialised_orders[order]);
    } else if (!Object.hasOwn(rules.rows, row)) {
      return null;
    } else if (rules.rows[row] === "") {
      out.push(rules.vowel_rows_orders[order]);
    } else if (order === 0 && rules.rows[row] === "H") {
      out.push(`H${rules.h_rows_first}`);
    } else {
      out.push(rules.rows[row] + rules.orders[order]);
    }
  }
  return out.join("");
}

function georgian(word, table) {
  const chars = [...word];
  if (!chars.every((c) => Object.hasOwn(table.georgian, c))) return null;
  return chars.map((c) => table.georgian[c]).join("");
}

function script(word) {
  const point = word.codePointAt(0);
  if (ARABIC.test(word[0])) return "arabic";
  if (point >= 0x1200 && point <= 0x137f) return "ethiopic";
  if (point >= 0x10a0 && point <= 0x10ff) return "georgian";
  return "other";
}

/**
 * The name in Latin letters as people read it (upper case), or null for a script neither
 * the table, the letter rules nor ICAO 9303 covers.
 */
export function readableLatin(name, table, icaoTable) {
  const words = name.trim().split(SEPARATORS).filter(Boolean);
  const persian = [...name].some((c) => PERSIAN_LETTERS.has(c));
  const out = [];
  let index = 0;
  while (index < words.length) {
    const kind = script(words[index]);
    let end = index;
    while (end < words.length && script(words[end]) === kind) end += 1;
    const run = words.slice(index, end);
    index = end;
    if (kind === "arabic") {
      out.push(...arabicWords(run, persian, table));
      continue;
    }
    for (const word of run) {
      let spelled;
      if (kind === "ethiopic") spelled = ethiopic(word, table);
      else if (kind === "georgian") spelled = georgian(word, table);
      else spelled = icaoLatin(word, icaoTable);
      if (!spelled) return null;
      out.push(spelled);
    }
  }
  const spelledName = out.join(" ").split(/\s+/).filter(Boolean).join(" ");
  return spelledName || null;
}

/**
 * The Latin line shown to people: the documents' spelling stored on the card, else the
 * readable spelling, else the ICAO 9303 form.
 */
export function latinLine(name, stored, table, icaoTable) {
  return stored || readableLatin(name, table, icaoTable) || icaoLatin(name, icaoTable);
}

/**
 * The Latin line of a card in its JSON form (verifier.js cardToJson), whose name_latin is the
 * stored spelling or, when none is stored, the ICAO 9303 form the verifier computed.
 */
export function shownLatin(card, table, icaoTable) {
  const stored = card.name_latin === icaoLatin(card.name, icaoTable) ? null : card.name_latin;
  return latinLine(card.name, stored, table, icaoTable);
}
