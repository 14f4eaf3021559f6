// Folding record items into an IPS document, in the browser: the twin of
// cards/record_ips.py's ips_document (tests compare the two). A clinician's page adds the
// item it writes to the document it was served, so hospital viewers get it inside the
// document, while the server still never reads a record.
import { profiled } from "../verify/fhir.js";

const LOINC = "http://loinc.org";
const TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/";
const ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips";
const REQUIRED = ["48765-2", "10160-0", "11450-4"];
const SYSTEM_NAMES = {
  "http://snomed.info/sct": "SNOMED CT", "http://www.whocc.no/atc": "ATC",
  "http://hl7.org/fhir/sid/icd-10": "ICD-10", [LOINC]: "LOINC",
};

const escape = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
  .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");

/** The full URL of a record item in the document: its 32-hex id as a UUID. */
export function itemUrl(id) {
  const h = id.toLowerCase();
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `document` with the item resources `items` added to their sections (ips_document). */
export function ipsDocument(document, items, withheld = []) {
  const bundle = structuredClone(document);
  const composition = bundle.entry[0].resource;
  const present = new Set(bundle.entry.map((e) => e.fullUrl));
  for (const resource of items) {
    const url = itemUrl(resource.id);
    if (present.has(url)) continue;
    const [code, title] = sectionOf(resource);
    const section = sectionFor(composition, code, title);
    dropAbsent(bundle, section);
    section.entry = section.entry || [];
    section.entry.push({ reference: url });
    delete section.emptyReason;
    bundle.entry.push({ fullUrl: url, resource: profiled(structuredClone(resource)) });
    present.add(url);
  }
  return finish(bundle, new Set(withheld));
}

function sectionOf(resource) {
  const tag = (resource.meta?.tag || []).find((t) => t.system === LOINC);
  if (!tag) throw new Error(`${resource.resourceType} has no section tag`);
  return [tag.code, tag.display || ""];
}

function sectionFor(composition, code, title) {
  const found = composition.section.find((s) => s.code.coding[0].code === code);
  if (found) return found;
  const section = { title, code: { coding: [{ system: LOINC, code }] }, entry: [] };
  composition.section.push(section);
  return section;
}

function isAbsent(resource) {
  return ["code", "medicationCodeableConcept"].some((name) =>
    (resource?.[name]?.coding || []).some((c) => c.system === ABSENT));
}

function dropAbsent(bundle, section) {
  const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
  const absent = new Set((section.entry || []).map((r) => r.reference).filter((u) => isAbsent(byUrl.get(u))));
  if (!absent.size) return;
  section.entry = section.entry.filter((r) => !absent.has(r.reference));
  bundle.entry = bundle.entry.filter((e) => !absent.has(e.fullUrl));
}

function finish(bundle, withheld) {
  const composition = bundle.entry[0].resource;
  const byUrl = new Map(bundle.entry.map((e) => [e.fullUrl, e.resource]));
  const kept = [];
  for (const section of composition.section) {
    const code = section.code.coding[0].code;
    const refs = section.entry || [];
    if (!refs.length && !REQUIRED.includes(code)) continue;
    let lines;
    if (refs.length) {
      lines = refs.map((r) => line(byUrl.get(r.reference)));
      delete section.emptyReason;
    } else {
      delete section.entry;
      const before = section.emptyReason?.coding?.[0]?.code;
      const reason = withheld.has(code) || before === "withheld" ? "withheld" : "unavailable";
      section.emptyReason = { coding: [{ system: `${TERMINOLOGY}list-empty-reason`, code: reason }] };
      lines = [reason === "withheld" ? "Withheld by the holder" : "Not available"];
    }
    section.text = { status: "generated",
      div: `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${lines.map((l) => `<li>${escape(l)}</li>`).join("")}</ul></div>` };
    kept.push(section);
  }
  composition.section = kept;
  return bundle;
}

// One readable line of a section's narrative: the words, and the code beside.
function line(resource) {
  for (const name of ["code", "medicationCodeableConcept", "vaccineCode", "valueCodeableConcept"]) {
    const value = resource[name];
    if (!value) continue;
    if (resource.resourceType === "Observation" && name === "code") continue;
    let text = value.text || "";
    for (const coding of value.coding || []) {
      text = text || coding.display || "";
      const system = SYSTEM_NAMES[coding.system || ""];
      if (system) return `${text} (${system} ${coding.code})`;
    }
    return String(text);
  }
  for (const name of ["device", "policyRule"]) {
    if (name in resource) return String(resource[name].display || resource[name].text || "");
  }
  if (Array.isArray(resource.name) && resource.name.length) return String(resource.name[0].text || "");
  return String(resource.valueString ?? resource.resourceType ?? "");
}
