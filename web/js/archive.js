// Entry of /archive: find a hearing in the record archive.
//
// Nothing of the archive is shown or asked for before the archivist has said why they
// consult it (archive-page.js ReasonGate). The last search of the browsing session is run
// again on coming back (Back from a record), with the reason in force.

import { archive, CRITERIA, keepSearch, lastSearch } from "./archive-api.js";
import {
  archivist,
  clock,
  dateTime,
  isRefusal,
  plural,
  ReasonGate,
  retentionText,
  say,
  showError,
  showRefused,
} from "./archive-page.js";
import { fillTable } from "./console-dom.js";
import { byRoleThenName, STATE_LABELS } from "./lib/terms.js";
import { $, el } from "./lib/dom.js";

const page = {
  gate: null,
  searches: 0, // a slow answer to an earlier search never overwrites a newer one
};

function form() {
  return $("search-form");
}

function criteriaOf(theForm) {
  const criteria = {};
  for (const name of CRITERIA) {
    const control = theForm.elements.namedItem(name);
    const value = control.value.trim();
    if (value) {
      criteria[name] = value;
    }
  }
  return criteria;
}

function fillForm(criteria) {
  for (const name of CRITERIA) {
    form().elements.namedItem(name).value = criteria[name] || "";
  }
}

// The last search's criteria, only those the form knows, as text.
function keptCriteria() {
  const kept = lastSearch();
  if (!kept) {
    return null;
  }
  const criteria = {};
  for (const name of CRITERIA) {
    if (typeof kept[name] === "string" && kept[name].trim()) {
      criteria[name] = kept[name].trim();
    }
  }
  return criteria;
}

// What the server would refuse, said before asking it.
function criteriaProblem(criteria) {
  if (criteria.from && criteria.to && criteria.from > criteria.to) {
    return { field: "to", text: "“Recorded until” is before “Recorded from”." };
  }
  return null;
}

// The search in words, e.g. "case number containing “2-123”, recorded from 2026-01-05".
const SAID = {
  case_number: (v) => `case number containing “${v}”`,
  participant: (v) => `a participant named like “${v}”`,
  court: (v) => `court containing “${v}”`,
  state: (v) => `state “${STATE_LABELS[v] || v}”`,
  from: (v) => `recorded from ${v}`,
  to: (v) => `recorded until ${v}`,
};

function describe(criteria) {
  return CRITERIA.filter((name) => criteria[name])
    .map((name) => SAID[name](criteria[name]))
    .join(", ");
}

// ---- the search -----------------------------------------------------------------------------

async function search(criteria, { focusResults = true } = {}) {
  const reason = page.gate.reason;
  if (!reason) {
    page.gate.ask(); // never sent without a reason
    return;
  }
  const problem = criteriaProblem(criteria);
  if (problem) {
    const control = form().elements.namedItem(problem.field);
    control.setAttribute("aria-invalid", "true");
    showError("search-error", new Error(problem.text));
    control.focus();
    return;
  }
  showError("search-error", null);
  keepSearch(criteria);

  const submit = form().querySelector('button[type="submit"]');
  submit.disabled = true;
  const load = ++page.searches;
  $("results").hidden = false;
  say("results-status", "Searching the archive…");
  try {
    const found = await archive.search(reason, criteria);
    if (load !== page.searches) {
      return;
    }
    render(found.hearings || [], criteria);
    if (focusResults) {
      $("results-heading").focus();
    }
  } catch (err) {
    if (load !== page.searches) {
      return;
    }
    if (isRefusal(err)) {
      showRefused(err);
      return;
    }
    say("results-status", "");
    $("results-table").hidden = true;
    $("results-empty").hidden = true;
    showError("search-error", err);
  } finally {
    if (load === page.searches) {
      submit.disabled = false;
    }
  }
}

function caseCell(hearing) {
  const link = el("a", {
    className: "case-link",
    text: hearing.case_number,
    attrs: { href: `/archive/hearings/${encodeURIComponent(hearing.id)}` },
  });
  return el("th", { attrs: { scope: "row" } }, [link]);
}

function placeCell(hearing) {
  const cell = el("td", {}, [el("span", { text: hearing.court || "" })]);
  if (hearing.courtroom) {
    cell.append(el("span", { className: "cell-sub", text: hearing.courtroom }));
  }
  return cell;
}

function recordedCell(hearing) {
  const cell = el("td", { className: "cell-time", text: clock(hearing.recorded_s) });
  if (hearing.recordings > 1) {
    const count = plural(hearing.recordings, "recording", "recordings");
    cell.append(el("span", { className: "cell-sub", text: count }));
  }
  return cell;
}

function participantsCell(hearing) {
  const people = [...(hearing.participants || [])].sort(byRoleThenName);
  if (!people.length) {
    return el("td", { className: "muted", text: "None listed" });
  }
  const list = el(
    "ul",
    { className: "archive__people" },
    people.map((person) =>
      el("li", {}, [
        el("span", { text: person.name }),
        el("span", { className: "archive__role", text: ` (${person.role_label || person.role})` }),
      ]),
    ),
  );
  return el("td", {}, [list]);
}

function retentionCell(hearing) {
  const retention = hearing.retention;
  const cell = el("td", {});
  if (retention && retention.retain_until) {
    cell.append(el("span", { text: retentionText({ ...retention, legal_hold: false }) }));
  } else {
    cell.append(el("span", { className: "muted", text: "Not set" }));
  }
  if (retention && retention.legal_hold) {
    cell.append(" ", el("span", { className: "tag tag--hold", text: "Legal hold" }));
  }
  return cell;
}

function stateCell(hearing) {
  // The console's words for a state (lib/terms.js), else the server's.
  const label = STATE_LABELS[hearing.state] || hearing.state_label || hearing.state;
  return el("td", {}, [el("span", { className: `badge badge--${hearing.state}`, text: label })]);
}

function render(hearings, criteria) {
  const rows = hearings.map((hearing) => {
    const row = el("tr", {}, [
      caseCell(hearing),
      el("td", { text: hearing.title || "" }),
      placeCell(hearing),
      el("td", { className: "cell-date", text: dateTime(hearing.scheduled_start) }),
      stateCell(hearing),
      recordedCell(hearing),
      participantsCell(hearing),
      retentionCell(hearing),
    ]);
    row.dataset.hearingId = hearing.id;
    return row;
  });
  fillTable($("results-body"), rows);
  $("results-table").hidden = rows.length === 0;
  const what = describe(criteria);
  const empty = $("results-empty");
  empty.hidden = rows.length > 0;
  if (rows.length === 0) {
    empty.textContent = what
      ? `No archived hearing matches this search (${what}). Only hearings with a sealed ` +
        "recording are in the archive; try fewer or shorter search terms."
      : "The archive holds no recorded hearing yet.";
    say("results-status", "No hearing found.");
  } else {
    const count = plural(rows.length, "hearing", "hearings");
    say(
      "results-status",
      what ? `${count} found with ${what}.` : `${count} found, most recently recorded first.`,
    );
  }
}

// ---- start -----------------------------------------------------------------------------------

function stateOptions() {
  const any = el("option", { text: "Any state", attrs: { value: "" } });
  const options = Object.entries(STATE_LABELS).map(([value, label]) =>
    el("option", { text: label, attrs: { value } }),
  );
  $("sf-state").replaceChildren(any, ...options);
}

function bind() {
  stateOptions();
  form().addEventListener("submit", (event) => {
    event.preventDefault();
    search(criteriaOf(form()));
  });
  form().addEventListener("input", (event) => {
    event.target.removeAttribute("aria-invalid");
  });
  $("search-clear").addEventListener("click", () => {
    fillForm({});
    showError("search-error", null);
    for (const control of form().querySelectorAll('[aria-invalid="true"]')) {
      control.removeAttribute("aria-invalid");
    }
    form().elements.namedItem("case_number").focus();
  });
}

function onReason(_reason, changed) {
  $("search-section").hidden = false;
  if (changed) {
    return; // the next search carries the new reason
  }
  const criteria = keptCriteria();
  if (criteria) {
    // Back from a record: the same search again, with the reason in force.
    fillForm(criteria);
    search(criteria, { focusResults: false });
  } else {
    form().elements.namedItem("case_number").focus();
  }
}

async function main() {
  bind();
  const account = await archivist();
  $("archive-loading").hidden = true;
  if (!account) {
    return;
  }
  page.gate = new ReasonGate(onReason);
  page.gate.start();
}

main();
