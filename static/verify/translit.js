// ICAO 9303 transliteration of names to Latin letters: the browser twin of cards/translit.py.
// The table (cards/valuesets/data/icao9303.json) comes with the labels bundle.

/** The ICAO 9303 Latin form of `name` (upper case), or null when the table does not cover it. */
export function icaoLatin(name, table) {
  const { map, final, doubling } = table;
  const upper = [...name.toUpperCase()];
  const out = [];
  let previous = "";
  for (let index = 0; index < upper.length; index += 1) {
    const char = upper[index];
    if (char === doubling) {
      out.push(previous);
      continue;
    }
    if (char === " " || char === "-") {
      out.push(" ");
      previous = "";
      continue;
    }
    if (char === "'" || char === "." || char === "\u200c") {
      previous = "";
      continue;
    }
    let letters;
    const last = index + 1 === upper.length || upper[index + 1] === " " || upper[index + 1] === "-";
    if (char >= "A" && char <= "Z") letters = char;
    else if (Object.hasOwn(final, char) && last) letters = final[char];
    else if (Object.hasOwn(map, char)) letters = map[char];
    else return null;
    out.push(letters);
    previous = letters;
  }
  return out.join("").split(/\s+/).filter(Boolean).join(" ");
}
