// The verifier page: reads the card from the URL fragment (never sent to a server), a
// pasted text or a scan; verifies it with the cached lists; shows the verdict and the card.

import { QuestionBoard } from "./board.js";
import { CardError } from "./cbor.js";
import { checkDrug, describeCheck, resolveMedicine, searchMedicines } from "./drugcheck.js";
import { engine } from "./ed25519.js";
import { fromHex } from "./envelope.js";
import { Labels, preferredLanguage } from "./labels.js";
import { loadTerminology } from "./terminology.js";
import { addRevocationList, loadTrustList, RevocationCache } from "./lists.js";
import { DecoderError, decodeFile, scanCamera } from "./scanner.js";
import { ListStore } from "./store.js";
import { verifyText } from "./verifier.js";
import { renderLists, renderListsWarning, renderReport, translatePage } from "./view.js";

const root = document.getElementById("verifier");
const config = {
  rootKeys: root.dataset.rootKeys.split(",").map(fromHex),
  maxAgeHours: Number(root.dataset.listMaxAgeHours),
  refreshMs: Number(root.dataset.listRefreshSeconds) * 1000,
  skewMs: Number(root.dataset.skewHours) * 3600000,
  listsUrl: root.dataset.listsUrl,
  // The national directory the lists come from when the trust list names none (or "").
  directoryUrl: root.dataset.directoryUrl ? new URL(root.dataset.directoryUrl, location.href).href : null,
  labelsUrl: root.dataset.labelsUrl,
  terminologyUrl: root.dataset.terminologyUrl,
  recordUrl: root.dataset.recordUrl,
  swUrl: root.dataset.swUrl,
};
const LANGUAGE_KEY = "ehcard.verifier.language";
// The list age line is drawn again this often, so that it never lies.
const AGE_TICK_MS = 30000;
const $ = (id) => document.getElementById(id);
const state = {
  labels: null,
  terminology: null,
  store: null,
  report: null,
  text: null,
  lists: { stale: false, text: "" },
  // When a card shown as valid turned revoked on a list refresh (ms), else null.
  revokedAt: null,
};

async function loadLabels(language) {
  const response = await fetch(`${config.labelsUrl}${language}.json`);
  if (!response.ok) throw new Error(`labels for ${language}: HTTP ${response.status}`);
  return new Labels(await response.json(), state.terminology);
}

/**
 * The check of a card's codes: curated codes need nothing more; any other code loads the
 * whole terminologies once (the service worker keeps them), which then also label it.
 */
function codeCheck() {
  return async (card) => {
    const curated = state.labels.bundle.value_sets;
    const fields = ["allergies", "medications", "conditions"];
    if (fields.every((field) => (card[field] || []).every((code) => Object.hasOwn(curated[field], code)))) {
      return null;
    }
    try {
      state.terminology = await loadTerminology(config.terminologyUrl);
    } catch {
      return null; // never fetched and offline: the card still verifies, codes show as codes
    }
    state.labels.terminology = state.terminology;
    return state.terminology.unknownCode(card, curated);
  };
}

function fillLanguages(labels) {
  const select = $("language");
  select.replaceChildren(
    ...labels.bundle.ui_languages.map(({ code, native }) => {
      const option = document.createElement("option");
      option.value = code;
      option.textContent = native;
      option.selected = code === labels.language;
      return option;
    }),
  );
}

function showLists() {
  state.lists = renderLists(state.store, state.labels, {
    now: Date.now(),
    maxAgeHours: config.maxAgeHours,
    online: navigator.onLine,
  });
  if (state.report) renderListsWarning(state.lists);
}

/** Verify QR text with the cached lists and show the verdict; `recheck`: the card already
 * shown, checked again after the lists changed. */
async function verifyAndShow(text, { recheck = false } = {}) {
  const before = recheck && state.report ? state.report.status : null;
  state.text = text;
  const store = state.store;
  let report;
  if (store.trust === null) {
    report = {
      status: "unknown_issuer",
      reason: "no_trust_list",
      message: "no trust list cached yet",
      card: null,
      checkedAt: new Date().toISOString(),
      skewHours: config.skewMs / 3600000,
    };
  } else {
    report = await verifyText(text, {
      trust: store.trust,
      revocations: store.revocations,
      now: Date.now(),
      skewMs: config.skewMs,
      translit: state.labels.icao9303,
      unknownCode: codeCheck(),
    });
  }
  state.report = report;
  if (!recheck) state.revokedAt = null;
  else if (before === "valid" && report.status === "revoked") state.revokedAt = state.store.changedAt ?? Date.now();
  showReport();
  return report;
}

function showReport() {
  if (!state.report) return;
  renderReport(state.report, state.labels, {
    lists: state.lists,
    online: navigator.onLine,
    recordUrl: config.recordUrl,
    recordKey: state.report.recordKey,
    revokedAt: state.revokedAt,
  });
  state.board.setCard(state.report.status === "valid" ? state.report.card : null);
  $("drug-search").value = "";
  $("drug-result").replaceChildren();
}

function fragmentText() {
  const digits = location.hash.slice(1);
  if (!digits) return null;
  // The QR text the phone's camera opened: same host, upper case as printed.
  const text = `HTTPS://${location.host.toUpperCase()}/V#${digits}`;
  // The payload holds health data: keep it out of the history once read.
  history.replaceState(null, "", location.pathname);
  return text;
}

let lastRefresh = Promise.resolve(false);

/** Fetch newer lists, one refresh after the other (never two at once, and a caller always
 * gets a refresh that started after its call); resolves to whether any list changed. */
function refreshLists() {
  const refresh = lastRefresh.then(async () => {
    if (!navigator.onLine) {
      showLists();
      return false;
    }
    const changed = await state.store.refresh();
    showLists();
    return changed.length > 0;
  });
  lastRefresh = refresh.catch(() => false);
  return refresh;
}

/** Refresh the lists and, if they changed, check the card shown again. */
async function refreshAndRecheck() {
  const changed = await refreshLists();
  if (changed && state.text) await verifyAndShow(state.text, { recheck: true });
  return changed;
}

/** Revocations arrive by themselves: every few minutes while the page is in view, when it
 * comes back into view and when the network comes back. */
function keepListsFresh() {
  setInterval(() => {
    if (document.visibilityState !== "hidden") refreshAndRecheck();
  }, config.refreshMs);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") refreshAndRecheck();
  });
  window.addEventListener("online", refreshAndRecheck);
  setInterval(showLists, AGE_TICK_MS);
}

function wireDrugCheck() {
  const search = $("drug-search");
  search.addEventListener("input", () => {
    const options = searchMedicines(search.value, state.labels).map(({ code, label }) => {
      const option = document.createElement("option");
      option.value = `${label} (${code})`;
      return option;
    });
    $("drug-options").replaceChildren(...options);
  });
  const check = () => {
    const result = $("drug-result");
    result.replaceChildren();
    if (!search.value.trim() || !state.report || state.report.status !== "valid") return;
    const atc = resolveMedicine(search.value, state.labels);
    if (atc === null) {
      result.append(line("unknown", state.labels.term("verifier.drug_unknown")));
      return;
    }
    for (const { kind, text } of describeCheck(atc, checkDrug(atc, state.report.card, state.labels), state.labels)) {
      result.append(line(kind, text));
    }
  };
  search.addEventListener("change", check);
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") check();
  });
}

function line(kind, text) {
  const node = document.createElement("span");
  node.className = `drug-${kind}`;
  node.dataset.kind = kind;
  node.textContent = text;
  return node;
}

// The FHIR export loads when asked for, not with the page (the service worker keeps it).
const cardBundle = async (card, options) => (await import("./fhir.js")).cardBundle(card, options);

async function fhirBundle() {
  const report = state.report;
  return cardBundle(report.card, {
    issuer: report.issuer.centre,
    timestamp: report.checkedAt.replace(/\.\d+Z$/, "Z"),
    labels: state.labels,
  });
}

function wireActions() {
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("paste").value.trim();
    if (text) verifyAndShow(text);
  });
  $("photo").addEventListener("change", async (event) => {
    const [file] = event.target.files;
    if (!file) return;
    const { text, unreadable, failed } = await decodeFile(file).catch((error) => ({ text: null, failed: error instanceof DecoderError }));
    const status = failed ? "verifier.decoder_unavailable" : unreadable ? "verifier.code_unreadable" : "verifier.no_code_found";
    $("scan-status").textContent = text ? "" : state.labels.term(status);
    if (text) await verifyAndShow(text);
    event.target.value = "";
  });
  let scanning = null;
  $("camera").addEventListener("click", async () => {
    if (scanning) {
      scanning.stop();
      scanning = null;
      return;
    }
    $("scan-status").textContent = state.labels.term("verifier.scanning");
    try {
      const onUnreadable = () => ($("scan-status").textContent = state.labels.term("verifier.code_unreadable"));
      scanning = scanCamera($("viewfinder"), { onUnreadable });
      const text = await scanning.result;
      scanning = null;
      $("scan-status").textContent = "";
      if (text) await verifyAndShow(text);
    } catch (error) {
      scanning = null;
      const status = error instanceof DecoderError ? "verifier.decoder_unavailable" : "verifier.camera_unavailable";
      $("scan-status").textContent = state.labels.term(status);
    }
  });
  $("export-fhir").addEventListener("click", async () => {
    const bundle = await fhirBundle();
    const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: "application/fhir+json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `ips-${state.report.card.card_code}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  });
  $("language").addEventListener("change", async (event) => {
    const language = event.target.value;
    state.labels = await loadLabels(language);
    localStorage.setItem(LANGUAGE_KEY, language);
    translatePage(state.labels);
    fillLanguages(state.labels);
    showLists();
    showReport();
    state.board.setPageLabels(state.labels);
  });
  window.addEventListener("hashchange", () => {
    const text = fragmentText();
    if (text) verifyAndShow(text);
  });
  window.addEventListener("offline", () => {
    showLists();
    showReport();
  });
}

/** Test and integration hook: verify `text` against explicit lists, as `ehcard verify` does. */
async function verifyWithContext(text, context) {
  let trust;
  const revocations = new RevocationCache();
  try {
    trust = await loadTrustList(fromHex(context.trust), context.rootKeys.map(fromHex));
    for (const document of context.revocations || []) {
      await addRevocationList(revocations, trust, fromHex(document));
    }
  } catch (error) {
    return { error: "bad_signed_list", message: error.message };
  }
  const report = await verifyText(text, {
    trust,
    revocations,
    now: Date.parse(context.now),
    skewMs: (context.skewHours ?? 24) * 3600000,
    engine: context.engine || null,
    translit: state.labels.icao9303,
    unknownCode: codeCheck(),
  });
  const { status, reason, message, card } = report;
  const result = { status, reason, message, card };
  if (context.fhir && status === "valid") {
    result.fhir = await cardBundle(card, {
      issuer: report.issuer.centre,
      timestamp: context.now.replace(/\.\d+Z$/, "Z"),
      labels: state.labels,
    });
  }
  return result;
}

async function main() {
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.swUrl, { scope: "/V" }).catch(() => null);
  }
  const available = root.dataset.languages.split(" ");
  const language = localStorage.getItem(LANGUAGE_KEY) || preferredLanguage(available, navigator.languages || []);
  state.labels = await loadLabels(language);
  translatePage(state.labels);
  fillLanguages(state.labels);
  state.board = new QuestionBoard($("board"), { page: root, labels: state.labels, loadLabels });
  state.store = new ListStore({
    rootKeys: config.rootKeys,
    listsUrl: config.listsUrl,
    directoryUrl: config.directoryUrl,
  });
  await state.store.load();
  if (state.store.trust === null) await refreshLists();
  showLists();
  wireActions();
  wireDrugCheck();
  const text = fragmentText();
  if (text) await verifyAndShow(text);
  // Fresh lists in the background; a card already shown is checked again if they changed.
  refreshAndRecheck();
  keepListsFresh();
  window.ehcardVerify = verifyWithContext;
  window.ehcardEngine = engine;
  window.ehcardRefresh = refreshAndRecheck;
  window.ehcardProblems = () => state.store.problems;
  window.ehcardFhir = fhirBundle;
  document.documentElement.dataset.ready = "true";
}

main().catch((error) => {
  const message = error instanceof CardError ? error.code : error.message;
  $("lists").textContent = `Verifier failed to start: ${message}`;
});
