// The protocol drawn as the court document (server/protocol_document lays out the exported
// one the same way): court, case, date, composition of the court, participants, and the
// numbered entries with their record times, kinds and speakers. Corrections are appended
// entries, shown apart; nothing in an entry is rewritten once signed. An entry edited
// before signing says how often, with a control that opens its history (`onHistory`).
//
// Everything here was typed by people (names, case numbers, entries) and may hold HTML or
// script: it is only ever set as text.

import { kindLabel, ROLE_ORDER, roleLabel } from "./lib/terms.js";
import { authorName } from "./protocol-terms.js";
import { recordTime } from "./lib/record-time.js";
import { $, el } from "./lib/dom.js";
import { dayOf, formatDate } from "./lib/wall-time.js";

/** @typedef {import("./lib/rest-types.js").Protocol} Protocol */
/** @typedef {import("./lib/rest-types.js").ProtocolEntry} ProtocolEntry */
/** @typedef {import("./lib/rest-types.js").ProtocolEntryRevision} ProtocolEntryRevision */
/** @typedef {import("./lib/rest-types.js").Participant} Participant */
/** @typedef {import("./lib/rest-types.js").Hearing} Hearing */
/**
 * The entry's history was asked for, from its row and its control.
 * @typedef {(entry: ProtocolEntry, row: HTMLTableRowElement, button: HTMLButtonElement) => void} OnHistory
 */

/** @type {string[]} */
const COURT_ROLES = ["judge", "clerk"];
const NOT_GIVEN = "—";

/**
 * @param {string} term
 * @param {string} value
 */
function line(term, value) {
  return el("div", { className: "sheet__line" }, [el("dt", { text: term }), el("dd", { text: value })]);
}

/**
 * @param {string} id
 * @param {HTMLElement[]} lines
 */
function fillLines(id, lines) {
  $(id).replaceChildren(...(lines.length ? lines : [line(NOT_GIVEN, "")]));
}

// One line: a line break smuggled into a name must not start what looks like another line.
/** @param {string | null | undefined} text */
function oneLine(text) {
  return String(text || "").split(/\s+/).filter(Boolean).join(" ");
}

/** @param {Participant[]} participants */
function ordered(participants) {
  return [...participants].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

/** @param {Hearing} hearing */
function hearingDay(hearing) {
  if (!hearing.scheduled_start) {
    return NOT_GIVEN;
  }
  return formatDate(dayOf(hearing.scheduled_start)); // the court's day, not the browser's
}

// "Edited once", "Edited 3 times": an entry's saved versions after its first.
/** @param {number} revisions */
export function editedTimes(revisions) {
  const edits = Number(revisions) - 1;
  return edits === 1 ? "Edited once" : `Edited ${edits} times`;
}

// `onHistory(entry, row, button)`: the entry's history was asked for.
/**
 * @param {Protocol} view
 * @param {{onHistory?: OnHistory | null}} [options]
 */
export function drawSheet(view, { onHistory = null } = {}) {
  const hearing = view.hearing;
  const people = ordered(view.participants || []);
  const byId = Object.fromEntries(people.map((p) => [p.id, p]));
  $("sheet-court").textContent = oneLine(hearing.court);
  $("sheet-case").textContent = `Case No. ${oneLine(hearing.case_number)}`;
  $("sheet-case-title").textContent = oneLine(hearing.title);
  fillLines("sheet-facts", [
    line("Date", hearingDay(hearing)),
    line("Courtroom", oneLine(hearing.courtroom) || NOT_GIVEN),
  ]);

  const judges = people.filter((p) => p.role === "judge");
  const composition = [];
  if (judges.length) {
    composition.push(line("Presiding judge", oneLine(judges[0].name)));
    composition.push(...judges.slice(1).map((p) => line(roleLabel("judge"), oneLine(p.name))));
  } else if (hearing.presiding_judge) {
    composition.push(line("Presiding judge", oneLine(hearing.presiding_judge)));
  }
  composition.push(
    ...people.filter((p) => p.role === "clerk").map((p) => line(roleLabel("clerk"), oneLine(p.name))),
  );
  fillLines("sheet-composition", composition);
  fillLines(
    "sheet-participants",
    people
      .filter((p) => !COURT_ROLES.includes(p.role))
      .map((p) =>
        line(p.role_label || roleLabel(p.role), oneLine(p.name) + (p.in_custody ? " (in custody)" : "")),
      ),
  );

  const entries = [...(view.entries || [])].sort((a, b) => a.number - b.number);
  $("entries-body").replaceChildren(...entries.map((entry) => row(entry, byId, onHistory)));
  $("entries-empty").hidden = entries.length > 0;
}

/** @param {Participant} person */
function who(person) {
  return `${oneLine(person.name)} (${person.role_label || roleLabel(person.role)})`;
}

// The control of an entry's history says whether it is open (heard as "Show the history
// of entry 3", so that one among many is told apart).
/**
 * @param {HTMLElement} button
 * @param {number} number
 * @param {boolean} shown
 */
export function showingHistory(button, number, shown) {
  button.setAttribute("aria-expanded", String(shown));
  button.setAttribute("aria-label", `${shown ? "Hide" : "Show"} the history of entry ${number}`);
  button.textContent = shown ? "Hide its history" : "Show its history";
}

// "Edited 2 times [Show its history]" under an entry's text, if it was edited.
/**
 * @param {ProtocolEntry} entry
 * @param {HTMLTableRowElement} tr
 * @param {OnHistory | null} onHistory
 */
function edits(entry, tr, onHistory) {
  if (!(Number(entry.revisions) > 1)) {
    return [];
  }
  const note = el("span", { className: "sheet__edits", text: editedTimes(entry.revisions) });
  if (onHistory) {
    const toggle = el("button", {
      className: "button button--small sheet__history-toggle",
      attrs: { type: "button", "aria-controls": `history-${entry.number}` },
    });
    showingHistory(toggle, entry.number, false);
    toggle.addEventListener("click", () => onHistory(entry, tr, toggle));
    note.append(" ", toggle);
  }
  return [note];
}

/**
 * @param {ProtocolEntry} entry
 * @param {Record<string, Participant>} byId
 * @param {OnHistory | null} onHistory
 */
function row(entry, byId, onHistory) {
  const event = entry.automatic || entry.kind === "event";
  const corrected = entry.kind === "correction";
  const person = entry.speaker_id ? byId[entry.speaker_id] : null;
  const speaker = person ? who(person) : entry.speaker_id ? oneLine(entry.speaker_id) : NOT_GIVEN;
  // A correction is written after the hearing by whoever corrects it (its text names the
  // entry it corrects); an event's speaker is its subject, said in its text.
  const by = corrected || event ? authorName(entry.author, byId) : speaker;
  const text = event && person ? `${who(person)}: ${entry.text}` : entry.text;
  const tr = el("tr", {
    className: `sheet__entry${event ? " sheet__entry--event" : ""}${corrected ? " sheet__entry--correction" : ""}`,
  }, [
    el("td", { className: "sheet__number", text: String(entry.number) }),
    el("td", { className: "sheet__time", text: recordTime(entry.hearing_record_ms) }),
    el("td", { className: "sheet__kind", text: kindLabel(entry.kind) }),
    el("td", { className: "sheet__speaker", text: by }),
  ]);
  const said = el("td", { className: "sheet__text" }, [el("span", { className: "sheet__said", text })]);
  said.append(...edits(entry, tr, onHistory));
  tr.append(said);
  tr.dataset.number = String(entry.number);
  return tr;
}

// Where a version of `entry` lay in the hearing's record: its own record time, moved by the
// offset of the entry's recording (the same for every version). Before the archive holds
// the recording, its offset is not known: the time within the recording, said so.
/**
 * @param {ProtocolEntry} entry
 * @param {ProtocolEntryRevision} revision
 */
function revisionClock(entry, revision) {
  const at = revision.record_ms;
  if (at === null || at === undefined) {
    return recordTime(null);
  }
  if (entry.record_ms === null || entry.hearing_record_ms === null || entry.hearing_record_ms === undefined) {
    return `${recordTime(at)} into its recording`;
  }
  return recordTime(at + (entry.hearing_record_ms - entry.record_ms));
}

// The row under an entry that lists its versions, oldest first: who saved each and when
// (`moment` formats the time), its kind, speaker and record time, and what it said.
/**
 * @param {ProtocolEntry} entry
 * @param {ProtocolEntryRevision[]} revisions
 * @param {Protocol} view
 * @param {(unixSeconds: number) => string} moment
 */
export function historyRow(entry, revisions, view, moment) {
  const byId = Object.fromEntries((view.participants || []).map((p) => [p.id, p]));
  const items = revisions.map((revision) => {
    const person = revision.speaker_id ? byId[revision.speaker_id] : null;
    const speaker = person ? who(person) : revision.speaker_id ? oneLine(revision.speaker_id) : NOT_GIVEN;
    const item = el("li", { className: "sheet__revision" }, [
      el("p", {
        className: "sheet__revision-who",
        text: `Revision ${revision.revision}, saved by ${authorName(revision.saved_by, byId)} on ${moment(revision.saved_at)}`,
      }),
      el("p", {
        className: "sheet__revision-what",
        text: `${kindLabel(revision.kind)} · ${speaker} · ${revisionClock(entry, revision)}`,
      }),
      el("p", { className: "sheet__revision-text", text: revision.text }),
    ]);
    item.dataset.revision = String(revision.revision);
    return item;
  });
  const cell = el("td", {}, [
    el("p", { className: "sheet__history-title", text: `History of entry ${entry.number}, as saved before signing` }),
    el("ol", { className: "sheet__revisions" }, items),
  ]);
  cell.colSpan = 5;
  return el("tr", { className: "sheet__history", attrs: { id: `history-${entry.number}` } }, [cell]);
}
