// The whole terminologies behind the value sets (the twin of cards/valuesets/terminology.py):
// every accepted ICD-10, ATC and SNOMED CT allergy code with its official label, loaded
// from /V/terminology.json the first time a card carries a code beyond the curated lists, and
// kept by the service worker (which fetches it when it installs).

const CODED_FIELDS = ["allergies", "medications", "conditions"];
const SYSTEM_NAMES = { icd10: "ICD-10", atc: "the ATC index", snomed_allergy: "SNOMED CT allergies" };

export class Terminology {
  constructor(bundle) {
    this.bundle = bundle;
    // ICD-10 blocks narrowest first, so a category's nearest block comes first.
    const span = ([low, high]) => letterNumber(high) - letterNumber(low);
    this.blocks = [...bundle.conditions.blocks].sort((a, b) => span(a) - span(b));
  }

  accepts(field, code) {
    return Object.hasOwn(this.bundle[field].codes, code);
  }

  /** Official labels of an accepted code: {en, fr?} (ICD-10 and ATC have French ones). */
  official(field, code) {
    const entry = this.bundle[field].codes[code];
    if (typeof entry === "string") return { en: entry };
    return entry[1] ? { en: entry[0], fr: entry[1] } : { en: entry[0] };
  }

  /** Codes above `code` a card can carry, nearest first (ICD-10 subcategory -> category). */
  ancestors(field, code) {
    return field === "conditions" && code.length === 5 ? [code.slice(0, 3)] : [];
  }

  /** Keys of the groups `code` falls in, nearest first, as in data/groups.json. */
  groups(field, code) {
    if (field === "medications") return [5, 4, 3, 1].map((n) => `atc:${code.slice(0, n)}`);
    if (field !== "conditions") return [];
    const category = code.slice(0, 3);
    const inside = ([low, high]) => low <= category && category <= high;
    return [
      ...this.blocks.filter(inside).map(([low, high]) => `icd10:${low}-${high}`),
      ...this.bundle.conditions.chapters.filter(inside).map(([low, high]) => `icd10:${low}-${high}`),
    ];
  }

  /** "field: why" for the first code of `card` outside the accepted sets, or null. */
  unknownCode(card, curated) {
    for (const field of CODED_FIELDS) {
      for (const code of card[field] || []) {
        if (!Object.hasOwn(curated[field], code) && !this.accepts(field, code)) {
          const { system, version } = this.bundle[field];
          return `${field}: ${code} is not a code of ${SYSTEM_NAMES[system]} (${version})`;
        }
      }
    }
    return null;
  }
}

function letterNumber(code) {
  return (code.charCodeAt(0) - 65) * 100 + Number(code.slice(1, 3));
}

let loading = null;

/** The terminologies, fetched once per page (the service worker answers offline). */
export function loadTerminology(url = "/V/terminology.json") {
  if (loading === null) {
    loading = fetch(url)
      .then((response) => {
        if (!response.ok) throw new Error(`terminology bundle: HTTP ${response.status}`);
        return response.json();
      })
      .then((bundle) => new Terminology(bundle))
      .catch((error) => {
        loading = null;
        throw error;
      });
  }
  return loading;
}
