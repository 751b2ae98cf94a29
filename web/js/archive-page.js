// What both archive pages share: who is logged in, a refusal said in words, the stated
// reason (asked, shown, changed), and the archive's numbers in human units.
//
// Both pages carry the same markup for these (ids below). Server data is only ever set as
// text (case numbers, names and reasons are typed by people and may hold anything).

import {
  ApiError,
  archive,
  currentReason,
  keepReason,
  normaliseReason,
  reasonProblem,
} from "./archive-api.js";
import { loadCourt } from "./lib/court.js";
import { recordTime } from "./lib/record-time.js";
import { courtZone, formatDate, formatDateTime, formatDateTimeNamed } from "./lib/wall-time.js";
import { $, el } from "./lib/dom.js";

const READ_ARCHIVE = "read_archive";
const STAFF_ROLE_LABELS = {
  administrator: "Administrator",
  judge: "Judge",
  clerk: "Court clerk",
  archivist: "Archivist",
};

// ---- who is logged in ---------------------------------------------------------------------

// The logged-in staff member if they may read the archive; otherwise the page says why not
// and this returns null. The server decides on every request anyway: this only spares
// someone a reason asked for nothing.
export async function archivist() {
  /** @type {import("./lib/rest-types.js").Session} */
  let account;
  try {
    account = await archive.session();
  } catch (err) {
    showRefused(err);
    return null;
  }
  $("account-name").textContent = account.display_name || account.username || "";
  $("account-role").textContent = STAFF_ROLE_LABELS[account.role] || account.role || "";
  $("account").hidden = false;
  const permissions = Array.isArray(account.permissions) ? account.permissions : [];
  if (!permissions.includes(READ_ARCHIVE)) {
    showRefused(
      new ApiError(403, { detail: "You may not read the record archive.", code: "forbidden" }),
    );
    return null;
  }
  try {
    await loadCourt(); // every date on the page is the court's
  } catch (err) {
    showRefused(err);
    return null;
  }
  for (const heading of document.querySelectorAll("[data-court-zone]")) {
    heading.textContent = `${heading.getAttribute("data-court-zone")} (${courtZone()})`;
  }
  return account;
}

export function isRefusal(err) {
  return err instanceof ApiError && (err.status === 401 || err.status === 403);
}

function link(text, href) {
  return el("a", { text, attrs: { href } });
}

// Instead of the page: the refusal in the server's words and what to do instead.
export function showRefused(err) {
  const loggedOut = err instanceof ApiError && err.status === 401;
  const forbidden = err instanceof ApiError && err.status === 403;
  $("refused-title").textContent = loggedOut
    ? "Log in to consult the archive"
    : forbidden
      ? "You may not consult the archive"
      : "The archive cannot be shown";
  $("refused-detail").textContent = messageOf(err);
  let next;
  if (loggedOut) {
    next = ["Only archivists may consult it. ", link("Log in", "/login"), " as an archivist."];
  } else if (forbidden) {
    next = [
      "Only archivists may search, play and export the court's recordings. ",
      link("Back to the staff console", "/console"),
    ];
  } else {
    next = ["Reload the page to try again."];
  }
  $("refused-next").replaceChildren(...next);
  for (const section of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll("[data-archive-content]"))) {
    section.hidden = true;
  }
  $("refused").hidden = false;
  $("refused").focus();
}

export function messageOf(err) {
  if (err instanceof ApiError) {
    return err.detail;
  }
  return String((err && err.message) || err || "Something went wrong.");
}

// Fetch one section of the record page (`fetch`) and hand it to `section.show`. An answer
// for an earlier reason never draws over a newer one (`section.loads` counts the loads); a
// refusal is the page's, anything else is said in the section's own error box.
export async function loadSection(section, fetch, errorId, what) {
  const ticket = ++section.loads;
  $(errorId).hidden = true;
  try {
    const data = await fetch();
    if (ticket === section.loads) {
      section.show(data);
    }
  } catch (err) {
    if (ticket !== section.loads) {
      return;
    }
    if (isRefusal(err)) {
      showRefused(err);
      return;
    }
    $(errorId).textContent = `${what} could not be shown: ${messageOf(err)}`;
    $(errorId).hidden = false;
  }
}

export function showError(id, err) {
  const box = $(id);
  box.textContent = err ? messageOf(err) : "";
  box.hidden = !err;
}

// A polite status line; cleared first so that the same words twice are announced twice.
export function say(id, text) {
  const status = $(id);
  status.textContent = "";
  if (text) {
    window.setTimeout(() => {
      status.textContent = text;
    }, 30);
  }
}

// ---- the stated reason ------------------------------------------------------------------

// The reason step and the line that shows the reason in force (markup in both pages):
// #reason-step holds #reason-form (#reason-input, #reason-error, #reason-cancel);
// #reason-bar holds #reason-text and #reason-change.
export class ReasonGate {
  // onReason(reason, changed): called once a reason is in force and whenever it changes.
  constructor(onReason) {
    this.onReason = onReason;
    this.reason = "";
    $("reason-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    $("reason-input").addEventListener("input", () => {
      $("reason-input").removeAttribute("aria-invalid");
      showError("reason-error", null);
    });
    $("reason-change").addEventListener("click", () => this.ask());
    $("reason-cancel").addEventListener("click", () => this.keep());
  }

  // Uses the reason of this browsing session, or asks for one.
  start() {
    const reason = currentReason();
    if (reason) {
      this.use(reason, false);
    } else {
      this.ask();
    }
  }

  ask() {
    const input = $("reason-input");
    input.value = this.reason;
    $("reason-cancel").hidden = !this.reason;
    $("reason-bar").hidden = true;
    $("reason-step").hidden = false;
    input.focus();
    if (this.reason) {
      input.select();
    }
  }

  keep() {
    $("reason-step").hidden = true;
    $("reason-bar").hidden = false;
    $("reason-change").focus();
  }

  submit() {
    const input = $("reason-input");
    const problem = reasonProblem(input.value);
    if (problem) {
      input.setAttribute("aria-invalid", "true");
      showError("reason-error", new Error(problem));
      input.focus();
      return;
    }
    const reason = normaliseReason(input.value);
    keepReason(reason);
    const changed = Boolean(this.reason) && reason !== this.reason;
    this.use(reason, changed);
    $("reason-change").focus();
  }

  use(reason, changed) {
    const first = !this.reason;
    this.reason = reason;
    $("reason-text").textContent = reason;
    $("reason-step").hidden = true;
    $("reason-bar").hidden = false;
    if (first || changed) {
      this.onReason(reason, changed);
    }
  }
}

// ---- numbers in human units --------------------------------------------------------------

// 7.4 -> "00:00:07"; 3725 -> "01:02:05"; "—" for none: record time (lib/record-time.js) of
// a position or length in seconds. Seconds are cut, not rounded: a position is never said
// to be later than it is.
export function clock(seconds) {
  if (seconds === null || seconds === undefined) {
    return recordTime(null);
  }
  return recordTime(Math.floor(Number(seconds)) * 1000);
}

// A length of time in words: "12 s", "3 min 5 s", "1 h 2 min".
export function span(seconds) {
  const whole = Math.max(0, Math.round(Number(seconds) || 0));
  if (whole < 60) {
    return `${whole} s`;
  }
  const h = Math.floor(whole / 3600);
  const m = Math.floor(whole / 60) % 60;
  const s = whole % 60;
  return h ? `${h} h ${m} min` : `${m} min ${s} s`;
}

const UNITS = ["kB", "MB", "GB", "TB"];

// 812 -> "812 bytes"; 48213 -> "48 kB"; 3500000 -> "3.5 MB" (powers of 1000, as file
// managers say them).
export function bytes(count) {
  let value = Number(count) || 0;
  if (value < 1000) {
    return `${value} ${value === 1 ? "byte" : "bytes"}`;
  }
  let unit = -1;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = value < 10 ? 1 : 0;
  return `${value.toLocaleString("en-GB", { maximumFractionDigits: digits })} ${UNITS[unit]}`;
}

// Dates and times in the court's zone (lib/wall-time.js), which each archive page loads first.
export function dateTime(instant) {
  if (!instant) {
    return "Not scheduled";
  }
  return formatDateTime(instant) || String(instant);
}

// The same with the zone named, where the reader has no column heading to say it.
export function dateTimeNamed(instant) {
  if (!instant) {
    return "Not scheduled";
  }
  return formatDateTimeNamed(instant) || String(instant);
}

// "2036-01-31" (a calendar day, no time zone) -> "31 January 2036".
export function day(isoDay) {
  return formatDate(isoDay);
}

export function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

// The retention of a hearing's record, in words.
export function retentionText(retention) {
  if (!retention) {
    return "Not set";
  }
  const parts = [];
  parts.push(retention.retain_until ? `Kept until ${day(retention.retain_until)}` : "No date set");
  if (retention.legal_hold) {
    parts.push("legal hold: may not be deleted");
  }
  return parts.join("; ");
}
