// The court's words (web/js/lib/terms.js) and the court panel's hearing-state moves.
import assert from "node:assert/strict";
import { test } from "node:test";

import { movesFor, STATE_CHANGERS, TRANSITIONS } from "../js/court-panel-state.js";
import {
  BENCH,
  byRoleThenName,
  kindLabel,
  roleLabel,
  ROLE_LABELS,
  ROLE_ORDER,
  stateLabel,
  STATE_LABELS,
} from "../js/lib/terms.js";
import { ClientEvent, ServerEvent } from "../js/events.js";

test("every role and hearing state has a label, and an unknown one is shown as it is", () => {
  for (const [role, label] of Object.entries(ROLE_LABELS)) {
    assert.equal(roleLabel(role), label);
  }
  for (const [state, label] of Object.entries(STATE_LABELS)) {
    assert.equal(stateLabel(state), label);
  }
  assert.equal(roleLabel("usher"), "usher");
});

test("people are listed in role order, then by name", () => {
  const people = [
    { role: "witness", name: "Zaur" },
    { role: "judge", name: "Leyla" },
    { role: "witness", name: "Anar" },
  ];
  assert.deepEqual(
    people.sort(byRoleThenName).map((p) => p.name),
    ["Leyla", "Anar", "Zaur"],
  );
  assert.deepEqual(ROLE_ORDER.slice(0, 2), BENCH);
});

test("an entry kind is named, and an unknown kind shown as it is", () => {
  assert.equal(kindLabel("off_the_record"), "Off the record");
  assert.equal(kindLabel("something_new"), "something_new");
  assert.equal(kindLabel(undefined), "");
});

test("the judge may start a hearing from the waiting room, the clerk may not", () => {
  assert.deepEqual(movesFor("judge", "open").mine, ["in_session", "closed"]);
  assert.deepEqual(movesFor("clerk", "open").mine, []);
  assert.deepEqual(movesFor("clerk", "open").judges, ["in_session", "closed"]);
});

test("nobody in the live court may cancel a hearing", () => {
  for (const role of Object.keys(ROLE_LABELS)) {
    for (const state of Object.keys(TRANSITIONS)) {
      assert.ok(!movesFor(role, state).mine.includes("cancelled"), `${role} in ${state}`);
    }
  }
});

test("every state a changer may reach is a state of the table", () => {
  for (const to of Object.keys(STATE_CHANGERS)) {
    assert.ok(to in TRANSITIONS, to);
  }
  assert.deepEqual(movesFor("judge", "closed"), { mine: [], judges: [] });
  assert.deepEqual(movesFor("judge", "no such state"), { mine: [], judges: [] });
});

test("no two events share a name", () => {
  for (const events of [ClientEvent, ServerEvent]) {
    const names = Object.values(events);
    assert.equal(new Set(names).size, names.length);
  }
});
