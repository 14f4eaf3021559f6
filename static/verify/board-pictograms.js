// The board's pictograms, drawn here (no emoji font, no third-party art): one plain line
// drawing per question and request, 64×64, in the text colour with a few filled parts.

import { drawing } from "./board-svg.js";

const LINE = { fill: "none", stroke: "currentColor", "stroke-width": 3, "stroke-linecap": "round", "stroke-linejoin": "round" };
const RED = "#b00020";
const BLUE = "#0b5cad";
const QUESTION_MARK = ["path", { d: "M26 22a6 6 0 1 1 8 6c-2 1-2 3-2 6M32 42v1", "stroke-width": 4 }];
const PILL = [
  ["rect", { x: 12, y: 24, width: 40, height: 16, rx: 8, transform: "rotate(-35 32 32)" }],
  ["path", { d: "M27 24l10 16" }],
];
const BUBBLE = "M10 12h44v28H30l-10 10v-10H10z";

const SHAPES = {
  pain: [["path", { d: "M32 6l5 16 15-8-7 15 15 5-15 5 7 15-15-8-5 16-5-16-15 8 7-15-15-5 15-5-7-15 15 8z", fill: RED, stroke: RED }]],
  pill: PILL,
  pill_warning: [
    ...PILL,
    ["path", { d: "M46 38l12 20H34z", fill: "#fff3cd", stroke: RED }],
    ["path", { d: "M46 45v6M46 54v1", stroke: RED }],
  ],
  pregnant: [
    ["circle", { cx: 30, cy: 11, r: 6 }],
    ["path", { d: "M30 19q-5 9-2 16q16 0 14 12t-12 7l-2 8M28 35l-3 27M30 23l8 8" }],
  ],
  glucose: [
    ["path", { d: "M26 8s-14 20-14 30a14 14 0 0 0 28 0c0-10-14-30-14-30z", fill: RED, stroke: RED }],
    ["rect", { x: 42, y: 40, width: 14, height: 14, rx: 2 }],
    ["path", { d: "M46 36l6-6" }],
  ],
  seizure: [
    ["circle", { cx: 26, cy: 30, r: 18 }],
    ["path", { d: "M44 8l-8 14h10l-8 14", stroke: RED, "stroke-width": 4 }],
    ["path", { d: "M20 52l-4 8M32 52l0 8" }],
  ],
  heart: [["path", { d: "M32 54C10 38 8 24 18 18c7-4 13 0 14 6 1-6 7-10 14-6 10 6 8 20-14 36z", fill: RED, stroke: RED }]],
  meal: [
    ["circle", { cx: 32, cy: 34, r: 16 }],
    ["circle", { cx: 32, cy: 34, r: 9 }],
    ["path", { d: "M8 14v14a3 3 0 0 0 6 0V14M11 28v28M56 14c-6 4-6 14 0 18v24" }],
  ],
  fainting: [
    ["circle", { cx: 12, cy: 44, r: 6 }],
    ["path", { d: "M18 46h26l12 4M30 46l6-6M10 30c4-6 10-6 12 0M14 22c6-8 14-8 18 0" }],
    ["path", { d: "M4 56h56", "stroke-width": 2 }],
  ],
  lungs: [
    ["path", { d: "M32 8v22M32 24l-6 6M32 24l6 6" }],
    ["path", { d: "M26 20c-10 0-16 18-16 30 0 6 6 6 10 4l6-4z" }],
    ["path", { d: "M38 20c10 0 16 18 16 30 0 6-6 6-10 4l-6-4z" }],
  ],
  blood: [
    ["path", { d: "M32 6S14 30 14 42a18 18 0 0 0 36 0C50 30 32 6 32 6z", fill: RED, stroke: RED }],
    ["path", { d: "M24 44a8 8 0 0 0 8 8", stroke: "#fff" }],
  ],
  speech: [
    ["path", { d: BUBBLE }],
    ["circle", { cx: 22, cy: 26, r: 2, fill: "currentColor" }],
    ["circle", { cx: 32, cy: 26, r: 2, fill: "currentColor" }],
    ["circle", { cx: 42, cy: 26, r: 2, fill: "currentColor" }],
  ],
  interpreter: [
    ["path", { d: "M6 8h32v20H20l-8 8v-8H6z" }],
    ["path", { d: "M58 26H26v20h18l8 8v-8h6z", fill: BLUE, stroke: BLUE }],
  ],
  phone: [["path", { d: "M16 8l10 2 4 12-6 5c3 7 8 12 15 15l5-6 12 4 2 10c-1 4-5 6-9 6C28 54 10 36 8 17c0-4 3-8 8-9z" }]],
  toilet: [
    ["rect", { x: 12, y: 6, width: 18, height: 20, rx: 2 }],
    ["path", { d: "M10 30h44c0 10-8 16-18 16l2 12H22l2-12c-8-2-14-8-14-16z" }],
  ],
  water: [
    ["path", { d: "M16 10h32l-4 46H20z" }],
    ["path", { d: "M18 26h28l-3 28H21z", fill: BLUE, stroke: BLUE }],
  ],
  cold: [
    ["path", { d: "M32 6v52M10 19l44 26M10 45l44-26" }],
    ["path", { d: "M26 10l6 6 6-6M26 54l6-6 6 6M10 27l8-2-2-8M54 37l-8 2 2 8M10 37l8 2-2 8M54 27l-8-2 2-8" }],
  ],
  puzzled: [
    ["circle", { cx: 28, cy: 36, r: 20 }],
    ["circle", { cx: 21, cy: 32, r: 2, fill: "currentColor" }],
    ["circle", { cx: 35, cy: 32, r: 2, fill: "currentColor" }],
    ["path", { d: "M20 46h16" }],
    ["path", { d: "M44 10a6 6 0 1 1 8 6c-2 1-2 2-2 5M50 27v1", "stroke-width": 4, stroke: BLUE }],
  ],
  speaker: [
    ["path", { d: "M8 24h10l14-12v40L18 40H8z", fill: "currentColor" }],
    ["path", { d: "M40 22a12 12 0 0 1 0 20M46 14a22 22 0 0 1 0 36" }],
  ],
  unknown: [QUESTION_MARK],
};

/** The pictogram `name` as an <svg>; a question mark for a name not drawn here. */
export function pictogram(name, className = "board-pictogram") {
  const specs = (SHAPES[name] || SHAPES.unknown).map(([tag, attributes]) => [
    tag,
    { ...LINE, ...attributes },
  ]);
  const svg = drawing("0 0 64 64", specs, className);
  svg.dataset.pictogram = SHAPES[name] ? name : "unknown";
  return svg;
}
