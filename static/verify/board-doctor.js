// The doctor's side of the question board, in the page's language: the patient's language
// (native names, no flags), the questions to ask, then the answers and the patient's requests.

import { pictogram } from "./board-pictograms.js";
import { button, element, number, word } from "./board-words.js";

function languageButton(board, code) {
  const name = board.labels.languageName(code);
  const node = button("board-language", name, () => board.setHolderLanguage(code));
  node.lang = code;
  node.dir = "auto";
  node.dataset.language = code;
  node.setAttribute("aria-pressed", String(code === board.holderLanguage));
  return node;
}

function languageChooser(board) {
  const section = element("section", "board-languages");
  section.append(element("h3", null, word(board.labels, "board.patient_language")));
  const { fromCard, others } = board.holderLanguageChoices();
  if (fromCard.length) {
    const mine = element("p", "board-language-row board-card-languages");
    mine.append(...fromCard.map((code) => languageButton(board, code)));
    section.append(mine);
  }
  // The card's languages first; every other language the board speaks stays a tap away.
  const rest = element("p", "board-language-row");
  rest.append(...others.map((code) => languageButton(board, code)));
  section.append(rest);
  return section;
}

function questionPicker(board) {
  const fieldset = element("fieldset", "board-picker");
  fieldset.append(element("legend", null, word(board.labels, "board.pick")));
  for (const question of board.catalogue.questions) {
    const label = element("label", "board-pick");
    const box = element("input");
    box.type = "checkbox";
    box.dataset.boardQuestion = question.id;
    box.checked = board.picked.has(question.id);
    box.addEventListener("change", () => {
      if (box.checked) board.picked.add(question.id);
      else board.picked.delete(question.id);
    });
    const text = element("span", null, word(board.labels, `board.q.${question.id}`));
    label.append(box, pictogram(question.pictogram, "board-pictogram small"), text);
    fieldset.append(label);
  }
  return fieldset;
}

function regionText(labels, { view, region }) {
  return `${word(labels, `board.region.${region}`)} (${word(labels, `board.view_${view}`)})`;
}

function answerRows(board) {
  const labels = board.labels;
  const rows = [];
  const row = (key, questionText, answerText, answered) => rows.push({ key, questionText, answerText, answered });
  for (const question of board.catalogue.questions.filter((q) => board.picked.has(q.id))) {
    if (question.kind === "pain") {
      const pain = board.answers.get("pain") || { regions: [], score: null };
      const where = pain.regions.map((r) => regionText(labels, r)).join(", ");
      row("pain_where", word(labels, "board.pain_where_doctor"), where, pain.regions.length > 0);
      const score = pain.score === null ? "" : `${number(labels, pain.score)}/${number(labels, 10)}`;
      row("pain_score", word(labels, "board.pain_score_doctor"), score, pain.score !== null);
    } else {
      const value = board.answers.get(question.id);
      const said = value ? word(labels, `board.answer.${value}`) : "";
      row(question.id, word(labels, `board.q.${question.id}`), said, value !== undefined);
    }
  }
  return rows;
}

function answersSection(board) {
  const section = element("section", "board-answers");
  section.append(element("h3", null, word(board.labels, "board.answers")));
  const list = element("dl");
  for (const { key, questionText, answerText, answered } of answerRows(board)) {
    const term = element("dt", null, questionText);
    const shown = answered ? answerText : word(board.labels, "board.not_answered");
    const value = element("dd", answered ? "board-answered" : "board-unanswered", shown);
    term.dataset.boardAnswer = key;
    value.dataset.boardAnswer = key;
    list.append(term, value);
  }
  section.append(list);
  return section;
}

function requestsSection(board) {
  const section = element("section", "board-requests-seen");
  section.append(element("h3", null, word(board.labels, "board.requests")));
  const list = element("ul");
  for (const { id, at } of board.requests) {
    const time = at.toLocaleTimeString(board.labels.language, { hour: "2-digit", minute: "2-digit" });
    const item = element("li", null, `${word(board.labels, `board.request.${id}`)} · ${time}`);
    item.dataset.request = id;
    item.prepend(pictogram(board.catalogue.requests.find((r) => r.id === id).pictogram, "board-pictogram small"));
    list.append(item);
  }
  section.append(list);
  return section;
}

/** Draw the doctor's side into the board's root. */
export function renderDoctor(board) {
  const labels = board.labels;
  const side = element("div", "board-doctor");
  side.append(element("h2", null, word(labels, "board.open")), element("p", "board-memory", word(labels, "board.memory_only")));
  // Back from the patient, the doctor reads first what they said and asked.
  if (board.requests.length) side.append(requestsSection(board));
  if (board.handedOver && board.picked.size) side.append(answersSection(board));
  side.append(languageChooser(board), questionPicker(board));
  side.append(button("button board-hand-over", word(labels, "board.hand_over"), () => board.show("holder")));
  const actions = element("p", "actions");
  actions.append(
    button("button secondary board-erase", word(labels, "board.erase"), () => {
      const card = board.card;
      board.erase();
      board.open(card);
    }),
    button("button secondary board-close", word(labels, "board.close"), () => board.close()),
  );
  side.append(actions);
  board.root.replaceChildren(side);
}
