// Rendering of a verification report: one verdict that cannot be misread, then the card.
// Text only ever goes in through textContent: nothing on a card can become markup.

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
  }
  if (stale || store.problems.length) line.classList.add("stale");
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
  const help = report.status === "valid"
    ? labels.term("verdict.help.valid", { issuer: report.issuer.centre })
    : labels.term(`verdict.help.${report.status}`, {
        reason: report.revocation ? labels.term(`revocation.${report.revocation.reason}`) : "",
        date: report.revocation ? report.revocation.revokedOn : "",
      });
  $("verdict-help").textContent = help;
  $("verdict-reason").textContent = report.reason ? `${labels.term("verifier.reason")}: ${report.reason}` : "";
  const notice = $("revoked-notice");
  notice.hidden = revokedAt === null;
  notice.textContent = revokedAt === null
    ? ""
    : labels.term("verifier.revoked_while_shown", { time: new Date(revokedAt).toLocaleString(labels.language) });
  renderListsWarning(lists);
  $("checked-at").textContent = labels.term("verifier.checked_at", {
    time: new Date(report.checkedAt).toLocaleString(labels.language),
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
  const latin = $("holder-latin");
  latin.hidden = !card.name_latin || card.name_latin === card.name.toUpperCase();
  latin.textContent = latin.hidden ? "" : card.name_latin;
  const sex = card.sex ? ` · ${labels.term("field.sex")}: ${labels.term(`sex.${card.sex}`)}` : "";
  $("holder-born").textContent = `${labels.term("field.birth_date")} ${card.birth_date}${sex}`;

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
    const link = element("a", "tel", `${card.emergency_contact.name} ${card.emergency_contact.phone}`);
    link.href = `tel:${card.emergency_contact.phone}`;
    link.dir = "ltr";
    contact.append(`${labels.term("field.emergency_contact")}: `, link);
  }
  $("card-meta").textContent = [
    `${labels.term("field.issued")} ${card.issued}`,
    `${labels.term("field.expires")} ${card.expires}`,
    `${labels.term("field.card_code")} ${card.card_code}`,
  ].join(" · ");
  const record = $("open-record");
  record.hidden = !online;
  record.href = `${recordUrl}#${card.record_id}.${recordKey}`;
}

function provenanceBadge(provenance, labels) {
  const badge = element("span", `provenance provenance-${provenance}`);
  badge.textContent = `${provenance === "clinician" ? "✚ " : ""}${labels.term(`provenance.${provenance}`)}`;
  return badge;
}
