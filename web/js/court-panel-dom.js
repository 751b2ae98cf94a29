// Small DOM helpers of the court panel. Every text goes in with textContent, never as HTML.

import { el } from "./lib/dom.js";
import { clock } from "./lib/wall-time.js";

// A button. `key` identifies it across re-renders (focus comes back to the same key), and
// `label` is what a screen reader says when the visible text alone would be ambiguous
// ("Admit" in a list of people: the label says "Admit Daniel Brown").
/**
 * @param {string} text
 * @param {(event: MouseEvent) => void} onClick
 * @param {{variant?: string, key?: string, label?: string, small?: boolean}} [options]
 */
export function button(text, onClick, { variant = "", key = "", label = "", small = true } = {}) {
  const classes = ["button", small ? "button--small" : "", variant].filter(Boolean).join(" ");
  const element = el("button", { className: classes, text });
  element.type = "button";
  if (key) {
    element.dataset.focusKey = key;
  }
  if (label && label !== text) {
    element.setAttribute("aria-label", label);
  }
  element.addEventListener("click", onClick);
  return element;
}

/**
 * @param {string} text
 * @param {string} [tone]
 */
export function badge(text, tone = "neutral") {
  return el("span", { className: `cp-badge cp-badge--${tone}`, text });
}

let uniqueCounter = 0;
/** @param {string} prefix */
export function uniqueId(prefix) {
  uniqueCounter += 1;
  return `${prefix}-${uniqueCounter}`;
}

// A labelled text input or textarea; returns {field, input}.
/**
 * @param {string} labelText
 * @param {{key?: string, hint?: string, required?: boolean, multiline?: boolean,
 *   maxLength?: number}} [options]
 */
export function textField(
  labelText,
  { key = "", hint = "", required = false, multiline = false, maxLength = 500 } = {},
) {
  const id = uniqueId("cp-field");
  /** @type {HTMLInputElement & HTMLTextAreaElement} */
  const input = /** @type {any} */ (
    el(multiline ? "textarea" : "input", {
      className: "input cp-input",
      attrs: { id, maxlength: maxLength, autocomplete: "off" },
    })
  );
  if (!multiline) {
    input.type = "text";
  } else {
    input.rows = 2;
  }
  if (required) {
    input.required = true;
    input.setAttribute("aria-required", "true");
  }
  if (key) {
    input.dataset.focusKey = key;
  }
  const label = el("label", { className: "cp-field__label", attrs: { for: id } }, [
    document.createTextNode(labelText),
    required ? null : el("span", { className: "cp-field__optional", text: " (optional)" }),
  ]);
  /** @type {HTMLElement[]} */
  const children = [label];
  if (hint) {
    const hintId = `${id}-hint`;
    children.push(el("p", { className: "cp-field__hint", text: hint, attrs: { id: hintId } }));
    input.setAttribute("aria-describedby", hintId);
  }
  children.push(input);
  return { field: el("div", { className: "cp-field" }, children), input };
}

// Minutes and seconds since `sinceSeconds` (Unix seconds): "03:07", past an hour "1:03:07".
/**
 * @param {number} sinceSeconds
 * @param {number} [nowMs]
 */
export function elapsed(sinceSeconds, nowMs = Date.now()) {
  const total = Math.max(0, Math.floor(nowMs / 1000 - sinceSeconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

// The same span said in words, for screen readers: "3 minutes 7 seconds".
/**
 * @param {number} sinceSeconds
 * @param {number} [nowMs]
 */
export function elapsedWords(sinceSeconds, nowMs = Date.now()) {
  const total = Math.max(0, Math.floor(nowMs / 1000 - sinceSeconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const unit = (/** @type {number} */ n, /** @type {string} */ word) =>
    `${n} ${word}${n === 1 ? "" : "s"}`;
  const parts = [];
  if (hours) {
    parts.push(unit(hours, "hour"));
  }
  if (hours || minutes) {
    parts.push(unit(minutes, "minute"));
  }
  parts.push(unit(seconds, "second"));
  return parts.join(" ");
}

/** @param {number} unixSeconds */
export function clockTime(unixSeconds) {
  return clock(unixSeconds * 1000); // the court's 24-hour clock
}

// Keep keyboard focus where it was across a re-render: remember the focused element's
// data-focus-key (and caret), and after `render` focus the element that now has that key.
// If it is gone (an "Admit" button after admitting), `fallback(key)` picks where to go.
/**
 * @param {Element} container
 * @param {() => void} render
 * @param {(key: string) => HTMLElement | null} [fallback]
 */
export function preservingFocus(container, render, fallback = () => null) {
  /** @type {any} */
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : null;
  let selection = null;
  if (key && typeof active.selectionStart === "number") {
    selection = [active.selectionStart, active.selectionEnd];
  }
  render();
  if (
    !key ||
    (document.activeElement &&
      document.activeElement !== document.body &&
      container.contains(document.activeElement) &&
      /** @type {HTMLElement} */ (document.activeElement).dataset.focusKey === key)
  ) {
    return;
  }
  /** @type {any} */
  const again = container.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  const target = again || fallback(key);
  if (target) {
    target.focus({ preventScroll: true });
    if (again && selection && typeof again.setSelectionRange === "function") {
      try {
        again.setSelectionRange(selection[0], selection[1]);
      } catch {
        // Not a text field after all.
      }
    }
  }
}

// Put `nodes` into `container` in this order, moving only those that are out of place (a
// moved element loses focus; preservingFocus brings it back).
/**
 * @param {Element} container
 * @param {Element[]} nodes
 */
export function placeInOrder(container, nodes) {
  const keep = new Set(nodes);
  for (const child of [...container.children]) {
    if (!keep.has(child)) {
      child.remove();
    }
  }
  nodes.forEach((node, index) => {
    if (container.children[index] !== node) {
      container.insertBefore(node, container.children[index] || null);
    }
  });
  while (container.children.length > nodes.length) {
    /** @type {Element} */ (container.lastElementChild).remove(); // there are children
  }
}
