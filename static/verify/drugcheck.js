// "Before giving a drug": an aid, not an interaction check. Warns when a medicine's ATC code
// falls under a drug class the holder is allergic to (allergies.json "drug_classes", ATC
// prefixes) or shares its ATC chemical subgroup (first 5 characters) with a current medication.

const GROUP_LENGTH = 5;
const ATC = /^[A-Z]\d\d[A-Z][A-Z]\d\d$/;

/** Medicines whose label (doctor's language or English) or ATC code contains `text`. */
export function searchMedicines(text, labels, limit = 12) {
  const needle = text.trim().toLocaleLowerCase();
  if (!needle) return [];
  const found = [];
  for (const [code, concept] of Object.entries(labels.bundle.value_sets.medications)) {
    const names = Object.values(concept.labels).map((l) => l.toLocaleLowerCase());
    if (code.toLowerCase().includes(needle) || names.some((name) => name.includes(needle))) {
      found.push({ code, label: labels.label("medications", code) });
    }
  }
  found.sort((a, b) => a.label.localeCompare(b.label, labels.language));
  return found.slice(0, limit);
}

/** The ATC code a doctor typed or picked ("Amoxicillin (J01CA04)", "j01ca04", a label). */
export function resolveMedicine(text, labels) {
  const inParens = /\(([A-Za-z]\d\d[A-Za-z]{2}\d\d)\)\s*$/.exec(text);
  const candidate = (inParens ? inParens[1] : text).trim().toUpperCase();
  if (ATC.test(candidate)) return candidate;
  const matches = searchMedicines(text, labels, 2);
  const exact = matches.find((m) => m.label.toLocaleLowerCase() === text.trim().toLocaleLowerCase());
  return exact ? exact.code : matches.length === 1 ? matches[0].code : null;
}

/** Warnings for giving `atc` to the holder of `card` (a verified card's JSON). */
export function checkDrug(atc, card, labels) {
  const allergies = [];
  for (const allergy of card.allergies || []) {
    const concept = labels.concept("allergies", allergy);
    for (const prefix of (concept && concept.drug_classes) || []) {
      if (atc.startsWith(prefix)) allergies.push({ allergy, drugClass: prefix });
    }
  }
  const duplicates = (card.medications || [])
    .filter((current) => current.slice(0, GROUP_LENGTH) === atc.slice(0, GROUP_LENGTH))
    .map((current) => ({ medication: current, group: atc.slice(0, GROUP_LENGTH) }));
  return { allergies, duplicates };
}

/** The sentences to show for a check, in the doctor's language. */
export function describeCheck(atc, result, labels) {
  const drug = `${labels.label("medications", atc)} (${atc})`;
  const lines = result.allergies.map(({ allergy, drugClass }) => ({
    kind: "allergy",
    text: labels.term("verifier.drug_allergy", {
      drug,
      allergy: labels.label("allergies", allergy),
      class: drugClass,
    }),
  }));
  for (const { medication, group } of result.duplicates) {
    lines.push({
      kind: "duplicate",
      text: labels.term("verifier.drug_duplicate", {
        drug,
        medication: `${labels.label("medications", medication)} (${medication})`,
        group,
      }),
    });
  }
  if (!lines.length) lines.push({ kind: "none", text: labels.term("verifier.drug_none", { drug }) });
  return lines;
}
