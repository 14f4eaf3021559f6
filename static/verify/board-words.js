// The question board's words, from the "board" part of a labels bundle (built by
// kiosk/web/verify/labels.py from cards/valuesets/data/board.json), and small DOM helpers.

/** The board's text for `key` in the bundle's language (English when missing). */
export function word(labels, key) {
  const texts = labels.bundle.board.terms[key];
  return texts ? labels.pick(texts) : key;
}

/** `n` written with the digits of `labels`' language. */
export function number(labels, n) {
  return new Intl.NumberFormat(labels.language).format(n);
}

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(className, text, onClick) {
  const node = element("button", className, text);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}
