// Words and value-set labels in the doctor's language, from the labels bundle
// (built by kiosk/verify/labels.py from cards/valuesets data). English is the fallback.

export const FALLBACK = "en";

export class Labels {
  constructor(bundle, terminology = null) {
    this.bundle = bundle;
    this.language = bundle.language;
    // The whole terminologies (terminology.js), once loaded: codes with no curated entry.
    this.terminology = terminology;
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

  /**
   * The label of a coded value, or the code itself when no value set knows it. A code with
   * no curated entry reads, with the code beside: its official label in this language, else
   * its nearest curated ancestor's or group's label, else its official English label
   * (as cards/valuesets does).
   */
  label(valueSet, code) {
    const concept = this.concept(valueSet, code);
    if (concept) return this.pick(concept.labels);
    const terms = this.terminology;
    if (!terms || !(valueSet in terms.bundle) || !terms.accepts(valueSet, code)) return code;
    const official = terms.official(valueSet, code);
    const ancestor = terms.ancestors(valueSet, code).map((a) => this.concept(valueSet, a)).find(Boolean);
    const group = terms.groups(valueSet, code).map((key) => this.bundle.groups[key]).find(Boolean);
    let text;
    if (official[this.language]) text = official[this.language];
    else if (ancestor) text = this.pick(ancestor.labels);
    else if (group) text = this.pick(group);
    else text = official.en;
    return `${text} (${code})`;
  }

  /** The official English label of a coded value (FHIR's display), or null when unknown. */
  english(valueSet, code) {
    const concept = this.concept(valueSet, code);
    if (concept) return concept.labels[FALLBACK];
    const terms = this.terminology;
    return terms && valueSet in terms.bundle && terms.accepts(valueSet, code) ? terms.official(valueSet, code).en : null;
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
