// The protocol drawn as the court document (server/protocol_document lays out the exported
// one the same way): court, case, date, composition of the court, participants, and the
// numbered entries with their record times, kinds and speakers. Corrections are appended
// entries, shown apart; nothing in an entry is ever rewritten.
//
// Everything here was typed by people (names, case numbers, entries) and may hold HTML or
// script: it is only ever set as text.

import { $, el } from "/static/js/console-dom.js";
import { roleLabel } from "/static/js/court-terms.js";
import { authorName, kindLabel, recordClock } from "/static/js/protocol-terms.js";

const ROLE_ORDER = ["judge", "clerk", "prosecutor", "defence", "defendant", "victim", "witness", "expert", "interpreter", "observer"];
const COURT_ROLES = ["judge", "clerk"];
const NOT_GIVEN = "—";

function line(term, value) {
  return el("div", { className: "sheet__line" }, [el("dt", { text: term }), el("dd", { text: value })]);
}

function fillLines(id, lines) {
  $(id).replaceChildren(...(lines.length ? lines : [line(NOT_GIVEN, "")]));
}

// One line: a line break smuggled into a name must not start what looks like another line.
function oneLine(text) {
  return String(text || "").split(/\s+/).filter(Boolean).join(" ");
}

function ordered(participants) {
  return [...participants].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
}

function hearingDay(hearing) {
  if (!hearing.scheduled_start) {
    return NOT_GIVEN;
  }
  return new Intl.DateTimeFormat("en-GB", { dateStyle: "long" }).format(new Date(hearing.scheduled_start));
}

export function drawSheet(view) {
  const hearing = view.hearing || {};
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
  $("entries-body").replaceChildren(...entries.map((entry) => row(entry, byId)));
  $("entries-empty").hidden = entries.length > 0;
}

function who(person) {
  return `${oneLine(person.name)} (${person.role_label || roleLabel(person.role)})`;
}

function row(entry, byId) {
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
    el("td", { className: "sheet__time", text: recordClock(entry.hearing_record_ms) }),
    el("td", { className: "sheet__kind", text: kindLabel(entry.kind) }),
    el("td", { className: "sheet__speaker", text: by }),
    el("td", { className: "sheet__text", text }),
  ]);
  tr.dataset.number = String(entry.number);
  return tr;
}
