// The DOM helpers every page shares. Every text goes in with textContent, never as HTML.

/**
 * The page's element with this id. The pages' markup is fixed and a missing id is a bug,
 * so the result is typed loosely: callers use it as the input, button, form or media
 * element the markup declares.
 * @param {string} id
 * @returns {any}
 */
export const $ = (id) => document.getElementById(id);

/**
 * An element with a class, a text, attributes (null, undefined and false leave one out; true
 * sets it empty) and children (falsy ones left out).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {{className?: string, text?: string | number | null,
 *   attrs?: Record<string, string | number | boolean | null | undefined>}} [options]
 * @param {Array<Node | string | null | undefined | false>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, { className = "", text = null, attrs = {} } = {}, children = []) {
  const element = document.createElement(tag);
  if (className) {
    element.className = className;
  }
  if (text !== null && text !== undefined) {
    element.textContent = String(text);
  }
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined && value !== false) {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(.../** @type {Array<Node | string>} */ (children.filter(Boolean)));
  return element;
}

/**
 * A server's message as a sentence: trimmed, capitalised, with a full stop unless it has one;
 * "" for none.
 * @param {unknown} text
 * @returns {string}
 */
export function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) {
    return "";
  }
  const first = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
