// Rendering of a verification report: one verdict that cannot be misread, then the card.
// Text only ever goes in through textContent: nothing on a card can become markup.

import { latinLine, shownLatin } from "./spelling.js";

const LATIN_GREGORIAN = { numberingSystem: "latn", calendar: "gregory" };
const ICONS = { valid: "✔", revoked: "⛔", expired: "⌛", unknown_issuer: "?", invalid: "✖" };
const CLINICAL = [
  ["blood_group", "blood_groups"],
  ["allergies", "allergies"],
  ["medications", "medications"],
  ["conditions", "conditions"],
];

const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Show a term in `node` with each {value} isolated in a <bdi>: a Latin centre name, a date or
 * a time stamp inside an Arabic sentence keeps its own order, and the sentence's full stop
 * stays at the sentence's end.
 */
function showTerm(node, labels, key, values) {
  const mark = "\u0000";
  const slots = Object.fromEntries(Object.keys(values).map((name) => [name, `${mark}${name}${mark}`]));
  const parts = labels.term(key, slots).split(mark);
  // Odd parts are the names of the values between two marks.
  node.replaceChildren(...parts.map((part, i) => (i % 2 ? element("bdi", null, String(values[part])) : part)));
}

/** Fill the static words of the page (elements with data-term) in the current language. */
export function translatePage(labels) {
  document.documentElement.lang = labels.language;
  document.documentElement.dir = labels.rtl ? "rtl" : "ltr";
  for (const node of document.querySelectorAll("[data-term]")) {
    node.textContent = labels.term(node.dataset.term);
  }
  for (const node of document.querySelectorAll("[data-term-placeholder]")) {
    node.placeholder = labels.term(node.dataset.termPlaceholder);
  }
}

export function formatAge(ms, labels) {
  const hours = Math.max(0, Math.floor(ms / 3600000));
  if (hours < 1) return labels.term("verifier.age_minutes", { minutes: Math.max(0, Math.floor(ms / 60000)) });
  if (hours < 48) return labels.term("verifier.age_hours", { hours });
  return labels.term("verifier.age_days", { days: Math.floor(hours / 24) });
}

/** The list status line: how old the lists are (offline: that the kept ones are in use), and
 * a warning past the configured limit. Drawn again every minute, so the age is always true. */
export function renderLists(store, labels, { now, maxAgeHours, online = true }) {
  const line = $("lists");
  const oldest = store.oldestFetch();
  line.classList.remove("stale");
  if (oldest === null) {
    line.textContent = labels.term("verifier.lists_missing");
    line.classList.add("stale");
    return { stale: true, text: line.textContent };
  }
  const stale = now - oldest > maxAgeHours * 3600000;
  const term = stale ? "verifier.lists_stale" : online ? "verifier.lists_age" : "verifier.lists_offline";
  line.textContent = labels.term(term, { age: formatAge(now - oldest, labels), hours: maxAgeHours });
  line.dataset.online = String(online);
  if (store.problems.length) {
    // A list that failed its signature check is dropped and the previous one kept.
    line.textContent += ` ${labels.term("verifier.lists_refused")}`;
    if (store.refused.length) {
      line.textContent += ` ${labels.term("verifier.lists_refused_which", { lists: store.refused.join(", ") })}`;
    }
  }
  if (store.unstored) line.textContent += ` ${labels.term("verifier.lists_not_stored")}`;
  if (stale || store.problems.length || store.unstored) line.classList.add("stale");
  return { stale, text: line.textContent };
}

/** The stale-lists warning under a verdict. */
export function renderListsWarning(lists) {
  const warning = $("lists-warning");
  warning.hidden = !lists.stale;
  warning.textContent = lists.stale ? lists.text : "";
}

/** Show `report` (from verifyText); `lists` says whether the lists are stale; `revokedAt`
 * (ms) when a card shown as valid turned revoked on a list refresh. */
export function renderReport(report, labels, { lists, online, recordUrl, recordKey, revokedAt = null }) {
  $("result").hidden = false;
  const verdict = $("verdict");
  verdict.className = `verdict verdict-${report.status}`;
  verdict.dataset.status = report.status;
  $("verdict-icon").textContent = ICONS[report.status] || ICONS.invalid;
  $("verdict-word").textContent = labels.term(`status.${report.status}`);
  if (report.status === "valid") {
    showTerm($("verdict-help"), labels, "verdict.help.valid", { issuer: report.issuer.centre });
  } else {
    // A filter says why a card is revoked, not since when: the sentence then has no date.
    const undated = report.revocation && report.revocation.revokedOn === null ? "_undated" : "";
    showTerm($("verdict-help"), labels, `verdict.help.${report.status}${undated}`, {
      reason: report.revocation ? labels.term(`revocation.${report.revocation.reason}`) : "",
      date: report.revocation ? report.revocation.revokedOn : "",
    });
  }
  $("verdict-reason").textContent = report.reason ? `${labels.term("verifier.reason")}: ${report.reason}` : "";
  const notice = $("revoked-notice");
  notice.hidden = revokedAt === null;
  if (revokedAt === null) {
    notice.textContent = "";
  } else {
    showTerm(notice, labels, "verifier.revoked_while_shown", {
      time: new Date(revokedAt).toLocaleString(labels.language, LATIN_GREGORIAN),
    });
  }
  renderListsWarning(lists);
  showTerm($("checked-at"), labels, "verifier.checked_at", {
    // Latin digits and the Gregorian calendar in every language and engine, like every
    // other date and number on the card (docs/emergency-staff-and-verifier.md).
    time: new Date(report.checkedAt).toLocaleString(labels.language, LATIN_GREGORIAN),
    utc: report.checkedAt.replace(/\.\d+Z$/, "Z"),
    hours: report.skewHours,
  });
  const card = $("card");
  card.hidden = report.status !== "valid";
  if (report.status === "valid") renderCard(report.card, labels, { online, recordUrl, recordKey });
}

function renderCard(card, labels, { online, recordUrl, recordKey }) {
  $("holder-name").textContent = card.name;
  $("holder-name").dir = "auto";
  // People read the readable spelling, not the ICAO 9303 machine form.
  const line = shownLatin(card, labels.namesLatin, labels.icao9303);
  const latin = $("holder-latin");
  latin.hidden = !line || line === card.name.toUpperCase();
  latin.textContent = latin.hidden ? "" : line;
  const sex = card.sex ? ` · ${labels.term("field.sex")}: ${labels.term(`sex.${card.sex}`)}` : "";
  const born = element("bdi", null, card.birth_date);
  $("holder-born").replaceChildren(`${labels.term("field.birth_date")} `, born, sex);

  const clinical = $("clinical");
  clinical.replaceChildren();
  for (const [field, valueSet] of CLINICAL) {
    const term = element("dt", `field-${field}`, labels.term(`field.${field}`));
    const value = element("dd", `field-${field}`);
    value.dataset.field = field;
    const state = card.states[field];
    value.dataset.state = state;
    if (state === "known") {
      const codes = field === "blood_group" ? [card.blood_group] : card[field];
      const list = element("ul", "codes");
      for (const code of codes) {
        const item = element("li", "code", labels.label(valueSet, code));
        item.title = code;
        list.append(item);
      }
      value.append(list, provenanceBadge(card.provenance[field], labels));
    } else {
      value.append(element("span", `state state-${state}`, labels.term(`state.${state}`)));
    }
    clinical.append(term, value);
  }

  const speaks = $("speaks");
  speaks.textContent = card.languages.length
    ? `${labels.term("field.languages")}: ${card.languages.map((c) => labels.languageName(c)).join(", ")}`
    : "";
  const contact = $("contact");
  contact.replaceChildren();
  if (card.emergency_contact) {
    // Name and number each in their own isolate: beside Arabic, "+336…" stays left to right.
    const link = element("a", "tel");
    const written = element("bdi", "contact-name", card.emergency_contact.name);
    written.dir = "auto";
    const phone = element("bdi", "phone", card.emergency_contact.phone);
    phone.dir = "ltr";
    link.append(written, " ", phone);
    link.href = `tel:${card.emergency_contact.phone}`;
    contact.append(`${labels.term("field.emergency_contact")}: `, link);
    const name = card.emergency_contact.name;
    const spelled = latinLine(name, null, labels.namesLatin, labels.icao9303);
    if (spelled && spelled !== name.toUpperCase()) {
      const contactLatin = element("span", "contact-latin", spelled);
      contactLatin.id = "contact-latin";
      contactLatin.dir = "ltr";
      contactLatin.lang = "en";
      contact.append(" ", contactLatin);
    }
  }
  $("card-meta").replaceChildren(
    ...[
      ["field.issued", card.issued],
      ["field.expires", card.expires],
      ["field.card_code", card.card_code],
    ].flatMap(([term, value], i) => [i ? " · " : "", `${labels.term(term)} `, element("bdi", null, value)]),
  );
  const record = $("open-record");
  record.hidden = !online;
  record.href = `${recordUrl}#${card.record_id}.${recordKey}`;
}

function provenanceBadge(provenance, labels) {
  const badge = element("span", `provenance provenance-${provenance}`);
  badge.textContent = `${provenance === "clinician" ? "✚ " : ""}${labels.term(`provenance.${provenance}`)}`;
  return badge;
}
