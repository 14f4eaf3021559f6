// Reading and writing the record's FHIR R4 resources, mirroring cards/record_fhir.py.

const EHCARD = "https://ehcard.org/fhir";
const PROVENANCE = `${EHCARD}/CodeSystem/provenance`;
const KIND = `${EHCARD}/CodeSystem/record-item-kind`;
const LOINC = "http://loinc.org";
const SECTIONS = {
  allergy: ["48765-2", "Allergies and intolerances"],
  medication: ["10160-0", "Medication summary"],
  condition: ["11450-4", "Problem list"],
  vaccination: ["11369-6", "History of immunizations"],
  surgery: ["47519-4", "History of procedures"],
  implant: ["46264-8", "Medical devices"],
  pregnancy: ["10162-6", "History of pregnancies"],
  trusted_person: ["56864-2", "Trusted person"],
  organ_donation: ["42348-3", "Advance directives"],
  advance_directive: ["42348-3", "Advance directives"],
  document: ["55107-7", "Attached documents"],
};
export const KINDS = Object.keys(SECTIONS);
// The IPS profiles cards/ips_profiles.py claims for the items a clinician adds here.
const IPS = "http://hl7.org/fhir/uv/ips/StructureDefinition/";
const PROFILES = { AllergyIntolerance: "AllergyIntolerance-uv-ips",
  MedicationStatement: "MedicationStatement-uv-ips", Condition: "Condition-uv-ips",
  Immunization: "Immunization-uv-ips", Procedure: "Procedure-uv-ips" };
const DATA_ABSENT = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

function tag(resource, system) {
  return (resource.meta?.tag || []).find((t) => t.system === system)?.code;
}

function extension(resource, name) {
  const found = (resource.extension || []).find((e) => e.url === `${EHCARD}/StructureDefinition/${name}`);
  return found ? found.valueString ?? found.valueDate : undefined;
}

const WHEN = ["onsetDateTime", "effectiveDateTime", "occurrenceDateTime", "performedDateTime",
  "timingDateTime", "dateTime"];

const CODED = ["code", "medicationCodeableConcept", "vaccineCode"];
const ABSENT = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips";
const BY_TYPE = { AllergyIntolerance: "allergy", MedicationStatement: "medication", Condition: "condition" };

// The kind of a resource of the IPS document's frame: the blood group, or a card state
// ("no known allergies") saying why a list is empty.
function frameKind(resource) {
  if (resource.resourceType === "Observation" && resource.code?.coding?.[0]?.code === "882-1") return "blood_group";
  return BY_TYPE[resource.resourceType] || "document";
}

// The first coding of what the item is, or of the blood group's value.
function codingOf(resource) {
  const concept = resource.resourceType === "Observation"
    ? resource.valueCodeableConcept : CODED.map((name) => resource[name]).find(Boolean);
  const coding = concept?.coding?.[0];
  return coding ? { system: coding.system, code: coding.code, display: coding.display || "" } : null;
}

// What a reader needs to show one item.
export function describe(resource) {
  const kind = tag(resource, KIND) || frameKind(resource);
  const text = resource.code?.text || resource.medicationCodeableConcept?.text
    || resource.valueCodeableConcept?.text
    || resource.vaccineCode?.text || resource.device?.display || resource.valueString
    || resource.name?.[0]?.text || resource.policyRule?.text || resource.type?.text || "";
  const when = WHEN.map((name) => resource[name]).find(Boolean) || "";
  const attachment = resource.content?.[0]?.attachment;
  return {
    id: resource.id,
    kind,
    text,
    when,
    note: resource.note?.map((n) => n.text).join("\n") || "",
    phone: resource.telecom?.[0]?.value || "",
    provenance: tag(resource, PROVENANCE) || "self-declared",
    confirmedBy: extension(resource, "confirmed-by") || "",
    confirmedOn: extension(resource, "confirmed-on") || "",
    attachment,
    coding: codingOf(resource),
  };
}

const NOT_ITEMS = new Set(["Composition", "Patient", "Organization", "Practitioner"]);

/** What an IPS document says of the holder: its items, the blood group, empty lists. */
export function itemsOf(bundle) {
  return bundle.entry.map((e) => e.resource).filter((r) => !NOT_ITEMS.has(r.resourceType));
}

export { ABSENT };

export function summaryOf(bundle) {
  const patient = bundle.entry.map((e) => e.resource).find((r) => r.resourceType === "Patient");
  return {
    patientUrl: `urn:uuid:${patient.id}`,
    name: patient.name.map((n) => n.text).join(" / "),
    birthDate: patient.birthDate,
  };
}

function coded(text) {
  return { text };
}

// A new item as a clinician enters it: always clinician-confirmed, by the signed-in clinician.
export function buildResource(kind, fields, patientUrl, confirmedBy, today) {
  const subject = { reference: patientUrl };
  const resource = {
    id: crypto.randomUUID().replace(/-/g, ""),
    meta: { tag: [
      { system: PROVENANCE, code: "clinician-confirmed" },
      { system: KIND, code: kind },
      { system: LOINC, code: SECTIONS[kind][0], display: SECTIONS[kind][1] },
    ] },
    extension: [
      { url: `${EHCARD}/StructureDefinition/confirmed-by`, valueString: confirmedBy },
      { url: `${EHCARD}/StructureDefinition/confirmed-on`, valueDate: today },
    ],
  };
  if (fields.note) resource.note = [{ text: fields.note }];
  const when = fields.when || undefined;
  const status = (code, system) => ({ coding: [{ system, code }] });
  const hl7 = "http://terminology.hl7.org/CodeSystem/";
  const build = {
    allergy: () => ({ resourceType: "AllergyIntolerance",
      clinicalStatus: status("active", `${hl7}allergyintolerance-clinical`),
      verificationStatus: status("confirmed", `${hl7}allergyintolerance-verification`),
      code: coded(fields.text), patient: subject, onsetDateTime: when }),
    medication: () => ({ resourceType: "MedicationStatement", status: "active",
      medicationCodeableConcept: coded(fields.text), subject, ...required("effectiveDateTime", when) }),
    condition: () => ({ resourceType: "Condition",
      clinicalStatus: status("active", `${hl7}condition-clinical`),
      verificationStatus: status("confirmed", `${hl7}condition-ver-status`),
      code: coded(fields.text), subject, onsetDateTime: when }),
    vaccination: () => ({ resourceType: "Immunization", status: "completed",
      vaccineCode: coded(fields.text), patient: subject, primarySource: true,
      ...required("occurrenceDateTime", when) }),
    surgery: () => ({ resourceType: "Procedure", status: "completed", code: coded(fields.text),
      subject, ...required("performedDateTime", when) }),
    implant: () => ({ resourceType: "DeviceUseStatement", status: "active", subject,
      device: { display: fields.text }, timingDateTime: when }),
    pregnancy: () => ({ resourceType: "Observation", status: "final",
      code: { coding: [{ system: LOINC, code: "82810-3" }], text: "Pregnancy status" },
      subject, valueString: fields.text, effectiveDateTime: when }),
  }[kind];
  if (!build) throw new Error(`a clinician cannot add a ${kind} here`);
  const body = build();
  for (const [name, value] of Object.entries(body)) if (value === undefined) delete body[name];
  const profile = PROFILES[body.resourceType];
  if (profile) resource.meta = { profile: [IPS + profile], ...resource.meta };
  return { ...resource, ...body };
}

// A date IPS requires: the value, or no value and the reason it is missing (as Python's).
function required(name, value) {
  if (value) return { [name]: value };
  return { [`_${name}`]: { extension: [{ url: DATA_ABSENT, valueCode: "unknown" }] } };
}
