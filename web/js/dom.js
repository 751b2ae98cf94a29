// DOM helpers of the live hearing page's panels (the court panel, the protocol editor, the
// exhibit register, speech-to-text suggestions). Every text goes in with textContent,
// never as HTML.

// An element with a class, a text, attributes (null, undefined and false leave one out;
// true sets it empty) and children (falsy ones left out).
export function el(tag, { className = "", text = null, attrs = {} } = {}, children = []) {
  const element = document.createElement(tag);
  if (className) {
    element.className = className;
  }
  if (text !== null && text !== undefined) {
    element.textContent = text;
  }
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...children.filter(Boolean));
  return element;
}

// A server's message as a sentence: trimmed, with a full stop unless it has one.
export function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) {
    return "";
  }
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
