// The record page: key from the URL fragment, manifest from the server, decryption here.
import { b64urlEncode, decryptJwe, deriveFileKey, deriveManifestId, encryptJwe,
  parseFragment, shlink } from "./crypto.js";
import { ABSENT, buildResource, describe, itemsOf, summaryOf } from "./fhir.js";
import { ipsDocument } from "./ips.js";
import { Labels } from "../verify/labels.js";
import qrcode from "./vendor/qrcode-generator.js";

const $ = (id) => document.getElementById(id);
const messages = $("messages").dataset;
const kindLabels = JSON.parse(messages.kinds);
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const EMBED_MAX = 16384;
const state = { fileKey: null, manifestId: null, patientUrl: null, clinician: null, broken: false,
  labels: null, document: null };
// Code systems the verifier's labels bundle names in the reader's language.
const SYSTEMS = {
  "http://snomed.info/sct": ["allergies", "SNOMED CT"],
  "http://www.whocc.no/atc": ["medications", "ATC"],
  "http://hl7.org/fhir/sid/icd-10": ["conditions", "ICD-10"],
};
const ABSENT_STATES = { "no-known-allergies": "state.none_known", "no-known-medications": "state.none_known",
  "no-known-problems": "state.none_known", "no-allergy-info": "state.not_asked",
  "no-medication-info": "state.not_asked", "no-problem-info": "state.not_asked" };

function say(text, isError = false) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

async function post(url, body, withSession) {
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  if (withSession) headers["X-CSRFToken"] = csrf;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body),
    credentials: withSession ? "same-origin" : "omit" });
  return { status: response.status, body: await response.json().catch(() => ({})) };
}

function explain(status, body) {
  if (status === 401 && "remainingAttempts" in body) {
    return body.remainingAttempts > 0 ? fill(messages.wrongPin, { n: body.remainingAttempts }) : messages.locked;
  }
  if (status === 429) return fill(messages.wait, { n: body.retryAfter ?? "" });
  if (status === 410) return messages.gone;
  if (status === 404) return messages.unknown;
  return fill(messages.failed, { reason: body.message || status });
}

async function fileText(entry) {
  if (entry.embedded) return entry.embedded;
  const response = await fetch(entry.location, { credentials: "omit" });
  if (!response.ok) throw new Error(`file ${response.status}`);
  return response.text();
}

// What the item is in the reader's language, with its code; the holder's own words
// beside when they differ (they are in the holder's language, whatever the page's).
function reading(item) {
  const coding = item.coding;
  const labels = state.labels;
  const known = coding && SYSTEMS[coding.system];
  const code = known ? `${known[1]} ${coding.code}` : "";
  if (!coding || !labels) return { title: item.text || coding?.display || "", code, own: "" };
  if (coding.system === ABSENT) return { title: labels.term(ABSENT_STATES[coding.code] || coding.code), code: "", own: "" };
  if (item.kind === "blood_group") {
    const groups = Object.entries(labels.bundle.value_sets.blood_groups || {});
    const found = groups.find(([, concept]) => String(concept.snomed) === coding.code);
    return { title: found ? labels.label("blood_groups", found[0]) : coding.display, code: "", own: "" };
  }
  if (!known) return { title: item.text || coding.display, code: "", own: "" };
  const label = labels.label(known[0], coding.code);
  const title = label !== coding.code ? label : coding.display || item.text || coding.code;
  return { title, code, own: item.text && item.text !== title ? item.text : "" };
}

function itemElement(item) {
  const box = document.createElement("article");
  box.className = `item ${item.provenance}`;
  box.dataset.kind = item.kind;
  const { title: words, code, own } = reading(item);
  const title = document.createElement("h4");
  title.textContent = words;
  if (code) {
    const codeLine = document.createElement("span");
    codeLine.className = "code";
    codeLine.dir = "ltr";
    codeLine.textContent = code;
    title.append(" ", codeLine);
  }
  box.append(title);
  if (own) {
    const ownWords = document.createElement("p");
    ownWords.className = "own-words";
    const said = document.createElement("bdi");
    said.textContent = own;
    ownWords.append(`${messages.ownWords}: `, said);
    box.append(ownWords);
  }
  const facts = document.createElement("p");
  const provenance = item.provenance === "clinician-confirmed"
    ? fill(messages.confirmed, { who: item.confirmedBy, date: item.confirmedOn }) : messages.self;
  facts.textContent = [item.when, item.phone, provenance].filter(Boolean).join(" · ");
  box.append(facts);
  if (item.note) {
    const note = document.createElement("p");
    note.className = "note";
    note.textContent = item.note;
    box.append(note);
  }
  if (item.attachment) box.append(attachmentElement(item));
  return box;
}

function attachmentElement(item) {
  const { contentType, data } = item.attachment;
  if (contentType.startsWith("image/")) {
    const image = document.createElement("img");
    image.alt = item.text;
    image.src = `data:${contentType};base64,${data}`;
    return image;
  }
  const link = document.createElement("a");
  link.textContent = `${messages.download}: ${item.text}`;
  link.download = `${item.text}.pdf`;
  link.href = URL.createObjectURL(new Blob([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))],
    { type: contentType }));
  return link;
}

async function render(manifest) {
  const groups = new Map();
  for (const entry of manifest.files) {
    const { plaintext } = await decryptJwe(state.fileKey, await fileText(entry));
    const resource = JSON.parse(new TextDecoder().decode(plaintext));
    let items = [resource];
    if (resource.resourceType === "Bundle") {
      state.document = { bundle: resource, id: entry.id };
      // The IPS document: the holder, and the items it holds.
      const summary = summaryOf(resource);
      state.patientUrl = summary.patientUrl;
      $("patient").textContent = summary.name;
      $("birth").textContent = summary.birthDate;
      items = itemsOf(resource);
    }
    for (const item of items.map(describe)) {
      if (!groups.has(item.kind)) groups.set(item.kind, []);
      groups.get(item.kind).push(item);
    }
  }
  const items = $("items");
  items.replaceChildren();
  for (const [kind, list] of groups) {
    const section = document.createElement("section");
    section.className = "kind";
    const heading = document.createElement("h3");
    heading.textContent = kind === "blood_group" && state.labels
      ? state.labels.term("field.blood_group") : kindLabels[kind] || kind;
    section.append(heading, ...list.map(itemElement));
    items.append(section);
  }
  $("withheld").hidden = !manifest.withheld;
  $("withheld").textContent = fill(messages.withheld, { n: manifest.withheld });
  $("break-glass").hidden = !(manifest.withheld && state.clinician && !state.broken);
  $("record").hidden = false;
  $("share").hidden = false;
  $("unlock").hidden = true;
  $("clinician-tools").hidden = !state.clinician;
  say("");
}

async function openAsClinician(breakGlass) {
  const body = { embeddedLengthMax: EMBED_MAX };
  if (breakGlass) body.breakGlass = breakGlass;
  const { status, body: answer } = await post(`/records/api/${state.manifestId}/manifest`, body, true);
  if (status !== 200) {
    if (status === 401) return showUnlock();
    return say(explain(status, answer), true);
  }
  state.broken = Boolean(breakGlass);
  await render(answer);
}

function showClinician(name) {
  state.clinician = name;
  $("clinician-name").textContent = name;
  $("clinician-bar").hidden = false;
}

function showUnlock() {
  state.clinician = null;
  $("clinician-bar").hidden = true;
  $("unlock").hidden = false;
}

$("pin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { status, body } = await post(`/shl/${state.manifestId}`, {
    recipient: $("recipient").value, passcode: $("pin").value, embeddedLengthMax: EMBED_MAX }, false);
  $("pin").value = "";
  if (status === 200) return render(body);
  say(explain(status, body), true);
});

$("signin-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const { status, body } = await post("/records/api/signin",
    { username: $("username").value, password: $("password").value }, true);
  $("password").value = "";
  if (status !== 200) return say(status === 429 ? explain(status, body) : messages.signinFailed, true);
  showClinician(body.facility ? `${body.name}, ${body.facility}` : body.name);
  $("unlock").hidden = true;
  await openAsClinician(null);
});

$("signout").addEventListener("click", async () => {
  await post("/records/api/signout", {}, true);
  location.reload();
});

$("break-glass").addEventListener("submit", async (event) => {
  event.preventDefault();
  await openAsClinician($("reason").value);
});

$("add-item").addEventListener("submit", async (event) => {
  event.preventDefault();
  const today = new Date().toISOString().slice(0, 10);
  const resource = buildResource($("item-kind").value, { text: $("item-text").value,
    when: $("item-when").value, note: $("item-note").value }, state.patientUrl, state.clinician, today);
  const seal = (value) => encryptJwe(state.fileKey, new TextEncoder().encode(JSON.stringify(value)),
    "application/fhir+json");
  const request = { jwe: await seal(resource) };
  if (state.document?.id) {
    // The document this page was served, with the new item inside: hospital viewers
    // then get it in the document too (the server cannot write it: it has no key).
    request.document = { jwe: await seal(ipsDocument(state.document.bundle, [resource])), base: state.document.id };
  }
  const { status, body } = await post(`/records/api/${state.manifestId}/items`, request, true);
  if (status !== 200) return say(explain(status, body), true);
  event.target.reset();
  await openAsClinician(state.broken ? $("reason").value : null);
  say(messages.added);
});

$("add-document").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData();
  form.append("document", $("document-file").files[0]);
  form.append("title", $("document-title").value);
  form.append("patient", state.patientUrl);
  // The server must see the plaintext to check and clean it: it gets the file key for
  // this one request (never the card's record key) and keeps neither.
  form.append("key", b64urlEncode(state.fileKey));
  const response = await fetch(`/records/api/${state.manifestId}/documents`, { method: "POST",
    body: form, headers: { "X-CSRFToken": csrf, Accept: "application/json" }, credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) return say(explain(response.status, body), true);
  event.target.reset();
  await openAsClinician(state.broken ? $("reason").value : null);
  say(messages.added);
});

$("show-shlink").addEventListener("click", () => {
  const link = shlink(`${location.origin}/shl/${state.manifestId}`, state.fileKey, "Emergency health record");
  const code = qrcode(0, "M");
  code.addData(link, "Byte");
  code.make();
  $("shlink-qr").src = code.createDataURL(4, 4);
  $("shlink-text").textContent = link;
  $("shlink-box").hidden = false;
});

$("holder-link").addEventListener("click", () => {
  // The holder pages decrypt item names with the same key; it stays in this tab only.
  sessionStorage.setItem("ehcard.record", location.hash);
});

// The verifier's labels in the page's language (English as fallback), so a doctor
// reads each coded item in their own language.
async function loadLabels() {
  try {
    const response = await fetch(`/V/labels-${messages.language}.json`);
    if (response.ok) state.labels = new Labels(await response.json());
  } catch {
    state.labels = null;  // the holder's words and the codes still show
  }
}

// Switching language reloads the page: keep the key, which lives in the fragment.
for (const link of document.querySelectorAll("nav.languages a")) {
  link.addEventListener("click", () => { link.href = `${link.getAttribute("href")}${location.hash}`; });
}

async function start() {
  await loadLabels();
  const fragment = parseFragment(location.hash);
  if (!fragment) return say(messages.badLink, true);
  state.fileKey = await deriveFileKey(fragment.recordKey, fragment.recordId);
  state.manifestId = await deriveManifestId(state.fileKey, fragment.recordId);
  const clinician = messages.clinician;
  if (clinician) {
    showClinician(clinician);
    return openAsClinician(null);
  }
  showUnlock();
}

window.addEventListener("hashchange", () => location.reload());
start().catch((error) => say(fill(messages.failed, { reason: error.message }), true));
