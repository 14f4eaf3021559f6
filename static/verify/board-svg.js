// Small SVG builder for the question board's drawings: nodes from [tag, attributes] specs,
// through createElementNS only (no markup strings, and the page's CSP forbids inline styles).

const SVG_NS = "http://www.w3.org/2000/svg";

export function svgNode(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** An <svg> with `viewBox` holding the shapes of `specs` ([tag, attributes] pairs). */
export function drawing(viewBox, specs, className) {
  const svg = svgNode("svg", { viewBox, class: className, "aria-hidden": "true", focusable: "false" });
  for (const [tag, attributes] of specs) svg.append(svgNode(tag, attributes));
  return svg;
}
