// Entry of /audit: list the audit log's entries and verify its hash chain.
// Reads /api/v1/audit and /api/v1/audit/verify with the staff session's cookie.

import { $ } from "./lib/dom.js";
import { ApiError, call } from "./lib/http.js";
import { loadCourt } from "./lib/court.js";
import { clockSeconds, courtZone, dayOf } from "./lib/wall-time.js";

const PAGE_SIZE = 100;
const ACTION_NAME = /^[a-z0-9_.:-]+$/; // as the server checks the action filter

/** @typedef {import("./lib/rest-types.js").AuditLogEntry} AuditLogEntry */

const state = {
  after: 0, // the last seq shown; the next page starts after it
  action: "",
  loading: false,
  /** @type {Set<string>} */
  actionsSeen: new Set(), // offered as suggestions in the action filter
};

/**
 * @param {unknown} error
 * @returns {error is ApiError}
 */
function isRefusal(error) {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

/**
 * @param {string} text
 * @param {string} href
 */
function link(text, href) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

// The server will not show the log to this person: say so, with its own words, instead of
// an empty table and buttons that could only be refused again.
/** @param {ApiError} error */
function showRefused(error) {
  const loggedOut = error.status === 401;
  $("refused-title").textContent = loggedOut
    ? "Log in to read the audit log"
    : "You may not read the audit log";
  $("refused-detail").textContent = error.message;
  $("refused-next").replaceChildren(
    ...(loggedOut
      ? ["Only administrators may read it. ", link("Log in", "/login"), " as an administrator."]
      : [
          "Only administrators may read it; this attempt has been recorded in the log. ",
          link("Back to the staff console", "/console"),
        ]),
  );
  $("audit-content").hidden = true;
  $("refused").hidden = false;
}

/** @param {string} text */
function showAlert(text) {
  const alert = $("alert");
  alert.textContent = text;
  alert.hidden = !text;
}

/**
 * @param {string} text
 * @param {string} [className]
 */
function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) {
    td.className = className;
  }
  return td;
}

/** @param {AuditLogEntry} entry */
function entryRow(entry) {
  const row = document.createElement("tr");
  row.dataset.seq = String(entry.seq);
  if (entry.outcome === "denied") {
    row.className = "audit__row--denied";
  }
  // To the second, in the court's zone; the stored UTC time, to the microsecond, is the
  // cell's tooltip.
  const at = cell(`${dayOf(entry.at)} ${clockSeconds(entry.at)}`, "audit__time");
  at.title = entry.at;
  const digest = cell(`${entry.digest.slice(0, 12)}…`, "audit__digest");
  digest.title = entry.digest;
  row.append(
    cell(String(entry.seq)),
    at,
    cell(entry.actor),
    cell(entry.action),
    cell(entry.object),
    cell(entry.outcome === "denied" ? "Denied" : "Allowed", "audit__outcome"),
    cell(entry.reason),
    digest,
  );
  return row;
}

/** @param {AuditLogEntry[]} entries */
function offerActions(entries) {
  const before = state.actionsSeen.size;
  for (const entry of entries) {
    state.actionsSeen.add(entry.action);
  }
  if (state.actionsSeen.size === before) {
    return;
  }
  const options = [...state.actionsSeen].sort().map((action) => {
    const option = document.createElement("option");
    option.value = action;
    return option;
  });
  $("actions-seen").replaceChildren(...options);
}

function showEmpty() {
  const none = $("entries").children.length === 0;
  $("table-wrap").hidden = none;
  $("empty").hidden = !none;
  $("empty").textContent = state.action
    ? `No entries with the action “${state.action}”.`
    : "No entries.";
}

async function loadPage() {
  if (state.loading) {
    return;
  }
  state.loading = true;
  const more = $("more-button");
  more.disabled = true;
  const query = new URLSearchParams({ after: String(state.after), limit: String(PAGE_SIZE) });
  if (state.action) {
    query.set("action", state.action);
  }
  try {
    const page = await call("GET /api/v1/audit", { query });
    $("entries").append(...page.entries.map(entryRow));
    offerActions(page.entries);
    if (page.entries.length) {
      state.after = page.entries[page.entries.length - 1].seq;
    }
    more.hidden = page.next_after === null;
    showEmpty();
    showAlert("");
  } catch (error) {
    if (isRefusal(error)) {
      showRefused(error);
    } else {
      showAlert((error instanceof Error && error.message) || "The audit log could not be read.");
      $("table-wrap").hidden = $("entries").children.length === 0;
    }
  } finally {
    state.loading = false;
    more.disabled = false;
  }
}

/** @param {string} action */
function restart(action) {
  state.after = 0;
  state.action = action;
  $("show-all-button").hidden = !action;
  $("entries").replaceChildren();
  $("table-wrap").hidden = false;
  $("empty").hidden = true;
  $("more-button").hidden = true;
  loadPage();
}

/**
 * @param {string} text
 * @param {string} [digest]
 */
function verifiedLine(text, digest) {
  const line = document.createElement("p");
  line.append(text);
  if (digest) {
    const code = document.createElement("code");
    code.className = "audit__head";
    code.textContent = digest;
    line.append(code);
  }
  return line;
}

async function verify() {
  const button = $("verify-button");
  const result = $("verify-result");
  button.disabled = true;
  result.hidden = false;
  result.dataset.tone = "";
  result.replaceChildren(verifiedLine("Verifying the chain…"));
  try {
    const report = await call("GET /api/v1/audit/verify");
    // The chain is intact exactly when it has no first break (report.ok).
    const broken = report.first_break;
    if (broken === null) {
      result.dataset.tone = "ok";
      result.replaceChildren(
        verifiedLine(
          `Intact: ${report.entries} ${report.entries === 1 ? "entry" : "entries"}, ` +
            "each chained to the one before.",
        ),
        verifiedLine("Head digest ", report.head),
        ...(report.anchor
          ? [verifiedLine(`Anchored up to entry ${report.anchor.seq} by a signed checkpoint.`)]
          : []),
        ...report.warnings.map((text) => verifiedLine(`Warning: ${text}.`)),
      );
    } else {
      result.dataset.tone = "error";
      result.replaceChildren(
        verifiedLine(
          `Broken at entry ${broken.seq} (${broken.problem.replaceAll("_", " ")}): ` +
            `${broken.detail}.`,
        ),
        verifiedLine(`${report.entries} entries before it are intact.`),
        ...report.warnings.map((text) => verifiedLine(`Warning: ${text}.`)),
      );
    }
  } catch (error) {
    result.dataset.tone = "error";
    result.replaceChildren(
      verifiedLine((error instanceof Error && error.message) || "The chain could not be verified."),
    );
    if (isRefusal(error)) {
      showRefused(error);
    }
  } finally {
    button.disabled = false;
  }
}

function start() {
  $("verify-button").addEventListener("click", verify);
  $("more-button").addEventListener("click", loadPage);
  $("filter").addEventListener("submit", (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    // Action names are lower case; someone typing "Session.Login" means session.login.
    const input = $("action-filter");
    const action = input.value.trim().toLowerCase();
    input.value = action;
    if (action && !ACTION_NAME.test(action)) {
      // What the server would refuse, said before asking it; the entries shown stay.
      input.setAttribute("aria-invalid", "true");
      showAlert(
        "An action name has no spaces: lower-case letters, digits and the characters " +
          ". _ : - only, for example hearing.create.",
      );
      input.focus();
      return;
    }
    input.removeAttribute("aria-invalid");
    restart(action);
  });
  $("show-all-button").addEventListener("click", () => {
    $("action-filter").value = "";
    $("action-filter").removeAttribute("aria-invalid");
    restart("");
    $("action-filter").focus();
  });
  // The entries' times are the court's: its zone first, then the entries (the default
  // zone if the server cannot say, which the next page load corrects).
  loadCourt()
    .catch(() => null)
    .then(() => {
      $("audit-time-heading").textContent = `Time (${courtZone()})`;
      loadPage();
    });
}

start();
