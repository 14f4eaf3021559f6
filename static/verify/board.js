// The question board between doctor and patient: the doctor picks questions in the page's
// language, hands the phone over, the patient answers by tapping in their own language, and
// the doctor reads the answers in theirs. Answers live in this object only: never sent,
// never stored (no fetch, no storage API here; tests/kiosk/verify/test_board_privacy.py).

import { onVoicesChanged } from "./board-speech.js";
import { word } from "./board-words.js";

// The two sides load when the board first opens, not with the page: a doctor who only scans
// waits for none of it (the service worker keeps them for offline use all the same).
let sides = null;
const loadSides = () => {
  sides ??= Promise.all([import("./board-doctor.js"), import("./board-holder.js")]).then(
    ([doctor, holder]) => ({ doctor: doctor.renderDoctor, holder: holder.renderHolder }),
  );
  return sides;
};

export class QuestionBoard {
  /**
   * `root`: the board's section; `page`: the verifier element (its data-board attribute hides
   * the rest of the page); `labels`: the page's Labels; `loadLabels(code)`: another
   * language's Labels (the service worker keeps every bundle for offline use).
   */
  constructor(root, { page, labels, loadLabels }) {
    this.root = root;
    this.page = page;
    this.labels = labels;
    this.loadLabels = loadLabels;
    this.loaded = new Map([[labels.language, labels]]);
    this.card = null;
    this.verifiedCard = null;
    this.side = null;
    this.sides = null;
    this.erase();
    document.getElementById("open-board").addEventListener("click", () => this.open(this.verifiedCard));
    document.getElementById("board-start").addEventListener("click", () => this.open(null));
    this.labelOpeners();
    onVoicesChanged(() => this.render());
  }

  get catalogue() {
    return this.labels.bundle.board;
  }

  /** Forget every answer, request and choice: a new patient starts from nothing. */
  erase() {
    this.picked = new Set();
    this.answers = new Map();
    this.requests = [];
    this.step = 0;
    this.handedOver = false;
    this.holderLanguage = null;
    this.holderLabels = null;
  }

  /** The card last verified VALID (null otherwise): another card means another patient. */
  setCard(card) {
    const another = (this.verifiedCard?.card_code ?? null) !== (card?.card_code ?? null);
    this.verifiedCard = card;
    // Under a VALID card the board opens from the card; without one, from the first screen.
    document.getElementById("board-start").hidden = card !== null;
    if (another && this.side) this.close();
  }

  setPageLabels(labels) {
    this.labels = labels;
    this.loaded.set(labels.language, labels);
    this.labelOpeners();
    this.render();
  }

  labelOpeners() {
    document.getElementById("open-board").textContent = word(this.labels, "board.open");
    document.getElementById("board-start").textContent = word(this.labels, "board.start");
  }

  /** Languages the board speaks, the card's own first (first one first) when there is a card. */
  holderLanguageChoices() {
    const available = this.labels.bundle.ui_languages.map((l) => l.code);
    const fromCard = (this.card?.languages || []).filter((code) => available.includes(code));
    return { fromCard, others: available.filter((code) => !fromCard.includes(code)) };
  }

  async open(card) {
    this.sides = await loadSides();
    if ((this.card?.card_code ?? null) !== (card?.card_code ?? null)) this.erase();
    this.card = card;
    if (!this.holderLanguage) {
      const { fromCard } = this.holderLanguageChoices();
      await this.setHolderLanguage(fromCard[0] || this.labels.language);
    }
    this.show("doctor");
  }

  close() {
    this.erase();
    this.card = null;
    this.show(null);
  }

  /** Switch the patient's language; one whose words cannot be loaded leaves the current one. */
  async setHolderLanguage(code) {
    if (!this.loaded.has(code)) {
      try {
        this.loaded.set(code, await this.loadLabels(code));
      } catch {
        // Only without the service worker's copy and without a network: the page's own
        // language is always loaded, and its button shows which language is in use.
        if (!this.holderLanguage) await this.setHolderLanguage(this.labels.language);
        return;
      }
    }
    this.holderLanguage = code;
    this.holderLabels = this.loaded.get(code);
    this.render();
  }

  show(side) {
    this.side = side;
    if (side === "holder") {
      this.step = 0;
      this.handedOver = true;
    }
    this.root.hidden = side === null;
    if (side) this.page.dataset.board = side;
    else delete this.page.dataset.board;
    this.render();
    window.scrollTo(0, 0);
  }

  render() {
    if (this.side) this.sides[this.side](this);
    else this.root.replaceChildren();
  }

  /** The patient's screens in order: the pain question has two (where, how strong). */
  steps() {
    return this.catalogue.questions
      .filter((question) => this.picked.has(question.id))
      .flatMap((question) =>
        question.kind === "pain" ? [[question, "where"], [question, "score"]] : [[question, null]],
      );
  }

  painAnswer() {
    if (!this.answers.has("pain")) this.answers.set("pain", { regions: [], score: null });
    return this.answers.get("pain");
  }

  toggleRegion(view, region) {
    const pain = this.painAnswer();
    const index = pain.regions.findIndex((r) => r.view === view && r.region === region);
    if (index >= 0) pain.regions.splice(index, 1);
    else pain.regions.push({ view, region });
    this.render();
  }

  move(by) {
    this.step += by;
    this.render();
  }

  answer(questionId, value) {
    if (questionId === "pain") this.painAnswer().score = value;
    else this.answers.set(questionId, value);
    this.step += 1;
    this.render();
  }

  request(id) {
    this.requests.push({ id, at: new Date() });
  }
}
