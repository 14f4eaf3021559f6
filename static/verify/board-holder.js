// The patient's side of the question board, in the patient's language (right to left where it
// applies): one large question at a time with its pictogram, answered by tapping; the
// patient's own request buttons always below; read aloud where the phone has a voice.

import { bodyMap } from "./board-body.js";
import { face } from "./board-faces.js";
import { pictogram } from "./board-pictograms.js";
import { speak, voiceFor } from "./board-speech.js";
import { button, element, number, word } from "./board-words.js";

const VIEWS = ["front", "back"];

function speakerButton(labels, text) {
  if (!voiceFor(labels.language)) return null;
  const node = button("board-speaker", "", () => speak(text, labels.language));
  node.setAttribute("aria-label", word(labels, "board.listen"));
  node.append(pictogram("speaker", "board-pictogram small"));
  return node;
}

function heading(labels, pictogramName, text, spoken) {
  const head = element("div", "board-question-head");
  const title = element("h2", "board-question-text", text);
  head.append(pictogram(pictogramName, "board-pictogram large"), title);
  const speaker = speakerButton(labels, spoken);
  if (speaker) head.append(speaker);
  return head;
}

function choiceStep(board, question) {
  const labels = board.holderLabels;
  const text = word(labels, `board.q.${question.id}`);
  const answers = question.answers.map((id) => [id, word(labels, `board.answer.${id}`)]);
  const step = element("section", "board-step");
  step.append(heading(labels, question.pictogram, text, [text, ...answers.map(([, t]) => t)].join(". ")));
  const row = element("div", `board-choices board-choices-${answers.length}`);
  for (const [id, answerText] of answers) {
    const choice = button(`board-choice board-answer-${id}`, answerText, () => board.answer(question.id, id));
    choice.dataset.answer = id;
    choice.setAttribute("aria-pressed", String(board.answers.get(question.id) === id));
    row.append(choice);
  }
  step.append(row);
  return step;
}

function whereStep(board, question) {
  const labels = board.holderLabels;
  const text = word(labels, "board.pain_where");
  const step = element("section", "board-step");
  step.append(heading(labels, question.pictogram, text, text));
  const figures = element("div", "board-bodies");
  const chosen = board.painAnswer().regions;
  for (const view of VIEWS) {
    const figure = element("figure", "board-figure");
    figure.append(
      bodyMap(view, {
        label: (region) => word(labels, `board.region.${region}`),
        isSelected: (region) => chosen.some((r) => r.view === view && r.region === region),
        onToggle: (region) => board.toggleRegion(view, region),
      }),
      element("figcaption", null, word(labels, `board.view_${view}`)),
    );
    figures.append(figure);
  }
  step.append(figures);
  const picked = element("p", "board-picked", chosen.map((r) => word(labels, `board.region.${r.region}`)).join(" · "));
  picked.setAttribute("role", "status");
  step.append(picked);
  return step;
}

function scoreStep(board, question) {
  const labels = board.holderLabels;
  const text = word(labels, "board.pain_score");
  const low = word(labels, "board.score_low");
  const high = word(labels, "board.score_high");
  const step = element("section", "board-step");
  step.append(heading(labels, question.pictogram, text, `${text} ${number(labels, 0)}: ${low}. ${number(labels, 10)}: ${high}.`));
  const scale = element("div", "board-scale");
  const current = board.answers.get("pain")?.score ?? null;
  for (let score = 0; score <= 10; score += 1) {
    const choice = button("board-score", "", () => board.answer("pain", score));
    choice.dataset.score = String(score);
    choice.setAttribute("aria-pressed", String(current === score));
    choice.append(face(score), element("span", "board-score-number", number(labels, score)));
    scale.append(choice);
  }
  const ends = element("p", "board-scale-ends");
  ends.append(element("span", null, `${number(labels, 0)} · ${low}`), element("span", null, `${number(labels, 10)} · ${high}`));
  step.append(scale, ends);
  return step;
}

function finishedStep(board) {
  const labels = board.holderLabels;
  const step = element("section", "board-step board-finished");
  const text = `${word(labels, "board.thanks")} ${word(labels, "board.done")}`;
  step.append(heading(labels, "speech", word(labels, "board.thanks"), text));
  return step;
}

function stepButton(board, className, by) {
  const key = by > 0 ? "board.next" : "board.previous";
  const style = by > 0 ? "button" : "button secondary";
  return button(`${style} ${className}`, word(board.holderLabels, key), () => board.move(by));
}

function languageSwitch(board) {
  const { fromCard } = board.holderLanguageChoices();
  if (fromCard.length < 2) return null;
  const row = element("nav", "board-switch");
  for (const code of fromCard) {
    const node = button("board-language", board.labels.languageName(code), () => board.setHolderLanguage(code));
    node.lang = code;
    node.dir = "auto";
    node.dataset.language = code;
    node.setAttribute("aria-pressed", String(code === board.holderLanguage));
    row.append(node);
  }
  return row;
}

function requestButtons(board) {
  const labels = board.holderLabels;
  const section = element("section", "board-requests");
  section.append(element("h3", null, word(labels, "board.ask_title")));
  const grid = element("div", "board-request-grid");
  const status = element("p", "board-asked");
  status.setAttribute("role", "status");
  for (const { id, pictogram: name } of board.catalogue.requests) {
    const text = word(labels, `board.request.${id}`);
    const node = button("board-request", "", () => {
      board.request(id);
      node.classList.add("board-request-sent");
      status.textContent = `${text}: ${word(labels, "board.asked")}`;
    });
    node.dataset.request = id;
    node.append(pictogram(name, "board-pictogram"), element("span", null, text));
    grid.append(node);
  }
  section.append(grid, status);
  return section;
}

/** Draw the patient's side into the board's root. */
export function renderHolder(board) {
  const labels = board.holderLabels;
  const side = element("div", "board-holder");
  side.lang = labels.language;
  side.dir = labels.rtl ? "rtl" : "ltr";
  const switcher = languageSwitch(board);
  if (switcher) side.append(switcher);
  const steps = board.steps();
  const index = Math.min(board.step, steps.length);
  if (index < steps.length) {
    const [question, part] = steps[index];
    side.append(element("p", "board-progress", `${number(labels, index + 1)} / ${number(labels, steps.length)}`));
    const draw = { where: whereStep, score: scoreStep }[part] || choiceStep;
    const step = draw(board, question);
    step.dataset.step = part ? `${question.id}_${part}` : question.id;
    side.append(step);
    const nav = element("p", "board-nav");
    if (index > 0) {
      nav.append(stepButton(board, "board-previous", -1));
    }
    nav.append(stepButton(board, "board-next", 1));
    side.append(nav);
  } else if (steps.length) {
    side.append(finishedStep(board));
    const nav = element("p", "board-nav");
    nav.append(stepButton(board, "board-previous", -1));
    side.append(nav);
  }
  side.append(requestButtons(board));
  // The way back: in the patient's words, and the doctor's below for the doctor to find it.
  const done = button("button board-done", "", () => board.show("doctor"));
  done.append(element("span", null, word(labels, "board.done")));
  if (board.labels.language !== labels.language) {
    const doctorWords = element("small", null, word(board.labels, "board.answers"));
    doctorWords.lang = board.labels.language;
    doctorWords.dir = "auto";
    done.append(doctorWords);
  }
  side.append(done);
  board.root.replaceChildren(side);
}
