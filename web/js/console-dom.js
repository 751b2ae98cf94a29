// Small DOM helpers of the staff console: elements, buttons, forms and their messages.

import { clock, dayOf, instantOf, rfc3339 } from "./lib/wall-time.js";
import { stateLabel } from "./lib/terms.js";
import { $, el } from "./lib/dom.js";
import { ApiError } from "./lib/http.js";

// A small button in a table row; `action` names it for focusAction.
export function button(label, onClick, variant = "", action = "") {
  const element = el("button", { className: `button button--small ${variant}`.trim(), text: label });
  element.type = "button";
  if (action) {
    element.dataset.action = action;
  }
  element.addEventListener("click", onClick);
  return element;
}

export function focusAction(rowSelector, action) {
  const target = /** @type {HTMLElement | null} */ (
    document.querySelector(`${rowSelector} button[data-action="${action}"]`)
  );
  if (target) {
    target.focus();
  }
}

export function badge(state) {
  return el("span", { className: `badge badge--${state}`, text: stateLabel(state) });
}

export function loadingRow(columns, label) {
  const cell = el("td", { className: "data-table__loading", text: label });
  cell.colSpan = columns;
  return el("tr", {}, [cell]);
}

export function timeSpan(hearing) {
  const { scheduled_start: start, scheduled_end: end } = hearing;
  if (!start) {
    return "Not scheduled";
  }
  const nextDay = dayOf(end) !== dayOf(start) ? " (next day)" : "";
  return `${clock(start)}–${clock(end)}${nextDay}`;
}

// "staff:alice" -> "alice"; "token:ecourt" -> "ecourt (API token)".
export function actorName(label) {
  const [kind, ...rest] = String(label || "").split(":");
  const name = rest.join(":");
  if (kind === "staff") {
    return name;
  }
  return kind === "token" ? `${name} (API token)` : String(label || "");
}

// ---- messages -----------------------------------------------------------------------------

export function showError(id, error) {
  const box = $(id);
  box.textContent = error instanceof ApiError ? error.detail : String(error.message || error);
  box.hidden = false;
}

export function clearError(id) {
  $(id).hidden = true;
  $(id).textContent = "";
}

export function report(err, errorId) {
  if (!(err instanceof ApiError)) {
    console.error(err);
  }
  showError(errorId, err);
}

// A polite status line; re-set so that the same message twice is announced twice.
export function say(id, text) {
  const status = $(id);
  status.textContent = "";
  if (text) {
    window.setTimeout(() => {
      status.textContent = text;
    }, 30);
  }
}

// ---- forms -----------------------------------------------------------------------------------

export function field(form, name) {
  return form.elements.namedItem(name);
}

export function text(form, name) {
  return field(form, name).value.trim();
}

function labelOf(control) {
  const label = control.labels && control.labels[0];
  const first = label && label.firstChild;
  return first ? first.textContent.trim() : control.name;
}

// The server names fields as the API does ("case_number: ..."; several joined by "; "). The
// form's inputs carry the same names: mark those invalid and say their labels instead.
function markFields(form, error) {
  if (!(error instanceof ApiError)) {
    return error;
  }
  /** @type {HTMLElement | null} */
  let first = null;
  const parts = error.detail.split("; ").map((part) => {
    const match = /^([a-z_]+): (.*)$/s.exec(part);
    const control = match && field(form, match[1]);
    if (!control || !control.labels) {
      return part;
    }
    control.setAttribute("aria-invalid", "true");
    first = first || control;
    return `${labelOf(control)}: ${match[2]}`;
  });
  if (first) {
    first.focus();
  }
  return new ApiError(error.status, { code: error.code, detail: parts.join("; ") });
}

// Runs `work` with the form's submit button disabled; a refusal goes to the form's error box,
// and everything typed stays where it is.
export async function submitting(form, errorId, work) {
  const submit = form.querySelector('button[type="submit"]');
  submit.disabled = true;
  clearError(errorId);
  for (const control of form.querySelectorAll('[aria-invalid="true"]')) {
    control.removeAttribute("aria-invalid");
  }
  try {
    await work();
  } catch (err) {
    report(markFields(form, err), errorId);
  } finally {
    submit.disabled = false;
  }
}

// The RFC 3339 start of a form with "date" and "time" inputs, read on the court's clock
// (lib/wall-time.js), not the browser's: a laptop set to UTC schedules the same hearing.
export function startOf(form) {
  // "9:30" and "9.30" are read as 09:30, as a person writes them.
  const typed = /^(\d{1,2})[:.](\d{2})$/.exec(field(form, "time").value.trim());
  const time = typed ? `${typed[1].padStart(2, "0")}:${typed[2]}` : "";
  const start = instantOf(field(form, "date").value, time);
  if (!start) {
    throw new Error("Give the date and the start time (24-hour clock, e.g. 14:30).");
  }
  return rfc3339(start);
}

// Fills a table body and gives each data cell its column's heading as data-label: on a
// narrow screen the rows stack and the labels show (see .data-table in courtroom.css).
export function fillTable(tbody, rows) {
  tbody.replaceChildren(...rows);
  const headings = [...tbody.closest("table").querySelectorAll("thead th")].map((th) =>
    th.textContent.trim(),
  );
  for (const row of rows) {
    [...row.cells].forEach((cell, index) => {
      if (cell.tagName === "TD" && !cell.classList.contains("cell-actions") && headings[index]) {
        cell.dataset.label = headings[index];
      }
    });
  }
}
