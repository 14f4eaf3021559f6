// A verified card as an IPS-style FHIR R4 document Bundle: the browser twin of cards/fhir.py
// (tests check both give the same JSON). Works offline: labels come from the bundle cache.

import { sha256 } from "./ed25519.js";
import { toHex } from "./envelope.js";
import { shownLatin } from "./spelling.js";

const SNOMED = "http://snomed.info/sct";
const LOINC = "http://loinc.org";
const ATC = "http://www.whocc.no/atc";
const ICD10 = "http://hl7.org/fhir/sid/icd-10";
const ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips";
const TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/";
const ABSENT_CODES = {
  allergies: ["no-known-allergies", "No known allergies", "no-allergy-info", "No information about allergies"],
  medications: ["no-known-medications", "No known medications", "no-medication-info", "No information about medications"],
  conditions: ["no-known-problems", "No known problems", "no-problem-info", "No information about problems"],
};
const SECTIONS = [
  ["allergies", "48765-2", "Allergies and adverse reactions Document", "Allergies and intolerances"],
  ["medications", "10160-0", "History of Medication use Narrative", "Medication summary"],
  ["conditions", "11450-4", "Problem list - Reported", "Problem list"],
  ["blood_group", "30954-2", "Relevant diagnostic tests/laboratory data Narrative", "Results"],
];
const IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/";
const PROFILES = {
  Bundle: "Bundle-uv-ips", Composition: "Composition-uv-ips", Patient: "Patient-uv-ips",
  Organization: "Organization-uv-ips", Practitioner: "Practitioner-uv-ips",
  AllergyIntolerance: "AllergyIntolerance-uv-ips", MedicationStatement: "MedicationStatement-uv-ips",
  Condition: "Condition-uv-ips", Immunization: "Immunization-uv-ips", Procedure: "Procedure-uv-ips",
};
const VALUE_SETS = { allergies: "allergies", medications: "medications", conditions: "conditions" };

async function resourceUuid(cardIdHex, name) {
  const digest = (await sha256(new TextEncoder().encode(`ehcard/fhir/v1|${cardIdHex}|${name}`))).slice(0, 16);
  digest[6] = (digest[6] & 0x0f) | 0x80;
  digest[8] = (digest[8] & 0x3f) | 0x80;
  const h = toHex(digest);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const coding = (system, code, display) => ({ coding: [{ system, code, display }], text: display });
const status = (system, code) => ({ coding: [{ system: TERMINOLOGY + system, code }] });
const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function narrative(lines) {
  const items = lines.map((line) => `<li>${escape(line)}</li>`).join("");
  return { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${items}</ul></div>` };
}

/** The Bundle of a verified card (its card_to_json form), as cards.fhir.bundle_from_json. */
export async function cardBundle(card, { issuer, timestamp, labels }) {
  const names = new Set(["bundle", "composition", "patient", "organization", "practitioner", "provenance", "blood_group"]);
  for (const field of Object.keys(VALUE_SETS)) {
    for (let i = 0; i < Math.max(1, (card[field] || []).length); i += 1) names.add(`${field}-${i}`);
  }
  const uuids = {};
  for (const name of names) uuids[name] = await resourceUuid(card.card_id, name);
  const ref = (name) => ({ reference: `urn:uuid:${uuids[name]}` });
  const english = (valueSet, code) => labels.english(valueSet, code) ?? code;
  const confirmedBy = card.confirmed_by;
  const entries = [
    ["patient", patient(card, labels)],
    ["organization", { resourceType: "Organization", name: issuer }],
  ];
  if (confirmedBy !== null) {
    entries.push(["practitioner", {
      resourceType: "Practitioner",
      identifier: [{ system: "urn:ehcard:staff-id", value: String(confirmedBy) }],
    }]);
  }
  const source = (field) =>
    ref(card.provenance[field] === "clinician" && confirmedBy !== null ? "practitioner" : "patient");
  const sectionEntries = { allergies: [], medications: [], conditions: [], blood_group: [] };
  const sectionLines = { allergies: [], medications: [], conditions: [], blood_group: [] };
  const blood = bloodGroup(card.blood_group, labels, ref("patient"), source("blood_group"), card.issued);
  if (card.states.blood_group !== "not_asked" && blood !== null) {
    entries.push(["blood_group", blood]);
    sectionEntries.blood_group.push("blood_group");
    sectionLines.blood_group.push(`ABO and Rh group: ${card.blood_group}`);
  }
  const builders = { allergies: allergy, medications: medication, conditions: condition };
  for (const field of Object.keys(VALUE_SETS)) {
    const state = card.states[field];
    const confirmed = card.provenance[field] === "clinician";
    let items;
    if (state === "known") {
      items = card[field].map((code) => [code, english(VALUE_SETS[field], code)]);
    } else {
      const [none, noneDisplay, notAsked, notAskedDisplay] = ABSENT_CODES[field];
      items = [state === "none_known" ? [none, noneDisplay] : [notAsked, notAskedDisplay]];
    }
    items.forEach(([code, display], index) => {
      const name = `${field}-${index}`;
      const absent = state !== "known";
      entries.push([name, builders[field](code, display, absent, confirmed, ref("patient"), source(field), card)]);
      sectionEntries[field].push(name);
      sectionLines[field].push(absent ? display : `${display} (${code})`);
    });
  }
  const composition = {
    resourceType: "Composition",
    status: "final",
    type: coding(LOINC, "60591-5", "Patient summary Document"),
    subject: ref("patient"),
    date: timestamp,
    author: [ref("organization")],
    title: "International Patient Summary",
    confidentiality: "N",
    section: SECTIONS.filter(([name]) => sectionEntries[name].length || name !== "blood_group").map(
      ([name, loinc, display, title]) => ({
        title,
        code: coding(LOINC, loinc, display),
        text: narrative(sectionLines[name]),
        entry: sectionEntries[name].map(ref),
      }),
    ),
  };
  const provenance = {
    resourceType: "Provenance",
    target: entries.map(([name]) => ref(name)),
    recorded: `${card.issued}T00:00:00Z`,
    agent: [{ type: status("provenance-participant-type", "author"), who: ref("organization") }],
  };
  const ordered = [["composition", composition], ...entries, ["provenance", provenance]];
  return profiled({
    resourceType: "Bundle",
    id: uuids.bundle,
    identifier: { system: "urn:ietf:rfc:3986", value: `urn:uuid:${uuids.bundle}` },
    type: "document",
    timestamp,
    entry: ordered.map(([name, resource]) => ({
      fullUrl: `urn:uuid:${uuids[name]}`,
      resource: profiled({ ...resource, id: uuids[name] }),
    })),
  });
}

/** `resource` claiming the IPS profile it conforms to, as cards/ips_profiles.py. */
export function profiled(resource) {
  const kind = resource.resourceType;
  const laboratory = kind === "Observation" && resource.code.coding.some((c) => c.code === "882-1");
  const name = laboratory ? "Observation-results-laboratory-uv-ips" : PROFILES[kind];
  if (!name) return resource;
  const { resourceType, id, meta, ...rest } = resource;
  const head = id === undefined ? { resourceType } : { resourceType, id };
  const profiles = [IPS + name, ...(meta?.profile || []).filter((p) => p !== IPS + name)];
  return { ...head, meta: { ...meta, profile: profiles }, ...rest };
}

function patient(card, labels) {
  const names = [{ use: "usual", text: card.name }];
  const latin = shownLatin(card, labels.namesLatin, labels.icao9303);
  if (latin && latin !== card.name.toUpperCase()) names.push({ use: "usual", text: latin });
  const resource = {
    resourceType: "Patient",
    identifier: [{ system: "urn:ehcard:card-id", value: card.card_id }],
    name: names,
    birthDate: card.birth_date,
  };
  if (card.sex) resource.gender = card.sex;
  if (card.languages.length) {
    resource.communication = card.languages.map((code) => ({
      language: { coding: [{ system: "urn:ietf:bcp:47", code }] },
    }));
  }
  const contact = card.emergency_contact;
  if (contact) {
    resource.contact = [{
      relationship: [status("v2-0131", "C")],
      name: { text: contact.name },
      telecom: [{ system: "phone", value: contact.phone }],
    }];
  }
  return resource;
}

// An unknown group is no laboratory result: no Observation at all.
function bloodGroup(code, labels, subject, performer, issued) {
  const concept = labels.concept("blood_groups", code);
  const snomed = concept ? concept.snomed : null;
  if (concept === null || code === "unknown" || !snomed) return null;
  return {
    resourceType: "Observation",
    status: "final",
    category: [status("observation-category", "laboratory")],
    code: coding(LOINC, "882-1", "ABO and Rh group [Type] in Blood"),
    subject,
    effectiveDateTime: issued,
    performer: [performer],
    valueCodeableConcept: coding(SNOMED, String(snomed), concept.labels.en),
  };
}

function allergy(code, display, absent, confirmed, patientRef, asserter) {
  return {
    resourceType: "AllergyIntolerance",
    clinicalStatus: status("allergyintolerance-clinical", "active"),
    verificationStatus: status("allergyintolerance-verification", confirmed ? "confirmed" : "unconfirmed"),
    code: coding(absent ? ABSENT : SNOMED, code, display),
    patient: patientRef,
    asserter,
  };
}

function medication(code, display, absent, confirmed, patientRef, source, card) {
  return {
    resourceType: "MedicationStatement",
    status: !absent || code === "no-known-medications" ? "active" : "unknown",
    medicationCodeableConcept: coding(absent ? ABSENT : ATC, code, display),
    subject: patientRef,
    effectiveDateTime: card.issued,
    informationSource: source,
  };
}

function condition(code, display, absent, confirmed, patientRef, asserter) {
  return {
    resourceType: "Condition",
    clinicalStatus: status("condition-clinical", "active"),
    verificationStatus: status("condition-ver-status", confirmed ? "confirmed" : "unconfirmed"),
    category: [status("condition-category", "problem-list-item")],
    code: coding(absent ? ABSENT : ICD10, code, display),
    subject: patientRef,
    asserter,
  };
}
