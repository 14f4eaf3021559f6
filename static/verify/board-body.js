// The body map the patient taps to say where it hurts: a plain figure seen from the front and
// from the back, one tappable shape per region. Seen from the front the patient's right side
// is on the viewer's left; seen from the back it is on the viewer's right. The drawing never
// mirrors in a right-to-left page: anatomy has no reading direction.

import { svgNode } from "./board-svg.js";

const mirror = (points) =>
  points
    .split(" ")
    .map((point) => {
      const [x, y] = point.split(",");
      return `${200 - Number(x)},${y}`;
    })
    .join(" ");
// Limbs on the viewer's left; the other side is their mirror image.
const ARM = "62,86 46,92 26,206 44,208 58,130";
const LEG = "70,236 99,236 97,382 77,382";
const HAND = { cx: 34, cy: 224, rx: 11, ry: 15 };
const FOOT = { cx: 84, cy: 394, rx: 15, ry: 9 };

function limbs(viewerLeft, viewerRight) {
  return [
    [`arm_${viewerLeft}`, "polygon", { points: ARM }],
    [`arm_${viewerRight}`, "polygon", { points: mirror(ARM) }],
    [`hand_${viewerLeft}`, "ellipse", HAND],
    [`hand_${viewerRight}`, "ellipse", { ...HAND, cx: 200 - HAND.cx }],
    [`leg_${viewerLeft}`, "polygon", { points: LEG }],
    [`leg_${viewerRight}`, "polygon", { points: mirror(LEG) }],
    [`foot_${viewerLeft}`, "ellipse", FOOT],
    [`foot_${viewerRight}`, "ellipse", { ...FOOT, cx: 200 - FOOT.cx }],
  ];
}

export const VIEWS = {
  front: [
    ["head", "ellipse", { cx: 100, cy: 40, rx: 24, ry: 30 }],
    ["neck", "rect", { x: 90, y: 70, width: 20, height: 14 }],
    ["chest_right", "rect", { x: 62, y: 84, width: 38, height: 56, rx: 6 }],
    ["chest_left", "rect", { x: 100, y: 84, width: 38, height: 56, rx: 6 }],
    ["belly_upper", "rect", { x: 64, y: 140, width: 72, height: 36 }],
    ["belly_lower", "rect", { x: 64, y: 176, width: 72, height: 34 }],
    ["groin", "polygon", { points: "64,210 136,210 130,236 70,236" }],
    ...limbs("right", "left"),
  ],
  back: [
    ["head_back", "ellipse", { cx: 100, cy: 40, rx: 24, ry: 30 }],
    ["neck", "rect", { x: 90, y: 70, width: 20, height: 14 }],
    ["back_upper", "rect", { x: 62, y: 84, width: 76, height: 70, rx: 6 }],
    ["back_lower", "rect", { x: 64, y: 154, width: 72, height: 56 }],
    ["buttocks", "polygon", { points: "64,210 136,210 130,236 70,236" }],
    ...limbs("left", "right"),
  ],
};

/**
 * The figure for `view` ("front" or "back"): each region a button-like shape labelled by
 * `label(region)`, marked when `isSelected(region)`, calling `onToggle(region)` when tapped.
 */
export function bodyMap(view, { label, isSelected, onToggle }) {
  const svg = svgNode("svg", { viewBox: "0 0 200 410", class: "board-body", role: "group", dir: "ltr" });
  svg.dataset.view = view;
  for (const [region, tag, attributes] of VIEWS[view]) {
    const shape = svgNode(tag, { ...attributes, class: "board-region", role: "button", tabindex: 0 });
    shape.dataset.region = region;
    shape.setAttribute("aria-label", label(region));
    shape.setAttribute("aria-pressed", String(isSelected(region)));
    const title = svgNode("title");
    title.textContent = label(region);
    shape.append(title);
    shape.addEventListener("click", () => onToggle(region));
    shape.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        onToggle(region);
      }
    });
    svg.append(shape);
  }
  return svg;
}
