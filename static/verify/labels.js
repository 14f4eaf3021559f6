// Words and value-set labels in the doctor's language, from the labels bundle
// (built by kiosk/verify/labels.py from cards/valuesets data). English is the fallback.

export const FALLBACK = "en";

export class Labels {
  constructor(bundle) {
    this.bundle = bundle;
    this.language = bundle.language;
  }

  get rtl() {
    return this.bundle.ui_languages.some((l) => l.code === this.language && l.rtl);
  }

  pick(labels) {
    return labels[this.language] || labels[FALLBACK];
  }

  /** A term with {placeholders} filled in; the key itself when the term is missing. */
  term(key, values = {}) {
    const labels = this.bundle.terms[key];
    const text = labels ? this.pick(labels) : key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  }

  concept(valueSet, code) {
    return this.bundle.value_sets[valueSet][code] || null;
  }

  /** The label of a coded value, or the code itself when the value set does not know it. */
  label(valueSet, code) {
    const concept = this.concept(valueSet, code);
    return concept ? this.pick(concept.labels) : code;
  }

  languageName(code) {
    const language = this.bundle.languages[code];
    return language ? language.native : code;
  }

  get icao9303() {
    return this.bundle.icao9303;
  }

  get namesLatin() {
    return this.bundle.names_latin;
  }
}

/** The first of the browser's languages that the page speaks. */
export function preferredLanguage(available, browserLanguages) {
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split("-")[0];
    if (available.includes(base)) return base;
  }
  return FALLBACK;
}
