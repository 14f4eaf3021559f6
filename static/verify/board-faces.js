// The 0–10 pain scale: eleven faces drawn here from one formula (the mouth bends from a smile
// to a frown, the brows tighten, the eyes close, tears from 8), coloured green to red. Our own
// drawing: the copyrighted Wong-Baker FACES are not used.

import { drawing } from "./board-svg.js";

function faceSpecs(score) {
  const hue = 120 - score * 12;
  const mouthBend = 54 - score * 2.4;
  const specs = [
    ["circle", { cx: 32, cy: 32, r: 28, fill: `hsl(${hue} 75% 72%)`, stroke: "#222", "stroke-width": 2 }],
    ["path", { d: `M20 44Q32 ${mouthBend} 44 44`, fill: "none", stroke: "#222", "stroke-width": 3, "stroke-linecap": "round" }],
  ];
  if (score < 7) {
    specs.push(["circle", { cx: 22, cy: 26, r: 3, fill: "#222" }], ["circle", { cx: 42, cy: 26, r: 3, fill: "#222" }]);
  } else {
    specs.push(["path", { d: "M17 26l9 1M47 26l-9 1", stroke: "#222", "stroke-width": 3, "stroke-linecap": "round" }]);
  }
  if (score >= 3) {
    const tilt = (score - 2) * 0.8;
    const brows = `M16 ${18 - tilt}L27 ${18 + tilt}M48 ${18 - tilt}L37 ${18 + tilt}`;
    specs.push(["path", { d: brows, stroke: "#222", "stroke-width": 2.5, "stroke-linecap": "round" }]);
  }
  if (score >= 8) {
    specs.push(["path", { d: "M20 31q-3 6 0 8q3-2 0-8z", fill: "#0b5cad", stroke: "#0b5cad" }]);
  }
  return specs;
}

/** The face for `score` (0–10) as an <svg>. */
export function face(score) {
  const svg = drawing("0 0 64 64", faceSpecs(score), "board-face");
  svg.dataset.score = String(score);
  return svg;
}
