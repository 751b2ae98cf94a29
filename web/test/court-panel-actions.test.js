// What the court may do to each participant in the roster (web/js/court-panel-actions.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { actionsFor, consultationPartners } from "../js/court-panel-actions.js";
import { ClientEvent } from "../js/events.js";

const here = (id, role, kind, fields = {}) => ({
  id,
  name: id.toUpperCase(),
  role,
  room: { kind },
  connection: "connected",
  ...fields,
});

const PEOPLE = [
  here("clerk", "clerk", "hearing"),
  here("judge", "judge", "hearing"),
  here("counsel", "defence", "hearing"),
  here("witness", "witness", "waiting"),
  here("defendant", "defendant", "waiting"),
];

function court({ spotlight = null, people = PEOPLE } = {}) {
  const calls = { run: [], forms: [] };
  const ctx = {
    self: { id: "clerk", role: "clerk" },
    data: { spotlight },
    entries: () => people,
    run: (event, payload) => calls.run.push([event, payload]),
    announce: () => {},
    setSpotlight: () => {},
  };
  const forms = { open: (entry, form) => calls.forms.push([entry.id, form]) };
  const actions = (entry) => actionsFor(entry, ctx, forms);
  const names = (entry) => actions(entry).map((a) => a.action);
  return { actions, names, calls, ctx };
}

test("a removed participant may only be re-admitted", () => {
  assert.deepEqual(court().names(here("x", "defendant", "waiting", { removed: true })), [
    "readmit",
  ]);
});

test("from the waiting room a witness is called and anyone else admitted", () => {
  const { names } = court();
  assert.deepEqual(names(here("w", "witness", "waiting")), ["call", "remove"]);
  assert.deepEqual(names(here("v", "victim", "waiting")), ["admit", "remove"]);
});

test("admitting sends the admit command for that participant", () => {
  const { actions, calls } = court();
  actions(here("v", "victim", "waiting"))[0].run();
  assert.deepEqual(calls.run, [[ClientEvent.ADMIT, { participant_id: "v" }]]);
});

test("someone whose connection is lost can be removed, not admitted", () => {
  assert.deepEqual(
    court().names(here("v", "victim", "waiting", { connection: "disconnected" })),
    ["remove"],
  );
});

test("in the hearing room a witness is dismissed or released, others sent back", () => {
  const { names } = court();
  assert.deepEqual(names(here("w", "witness", "hearing")), [
    "dismiss",
    "release",
    "mute",
    "spotlight",
    "remove",
  ]);
  assert.deepEqual(names(here("p", "prosecutor", "hearing", { sharing_screen: true })), [
    "send-back",
    "mute",
    "stop-screen",
    "spotlight",
    "remove",
  ]);
});

test("a muted participant is asked to unmute, and a raised hand can be lowered", () => {
  assert.deepEqual(
    court().names(here("v", "victim", "hearing", { muted: true, hand_raised: true })),
    ["send-back", "ask-unmute", "lower-hand", "spotlight", "remove"],
  );
});

test("the bench is never removed, and the court does nothing to itself but spotlight", () => {
  const { names } = court();
  assert.deepEqual(names(here("judge", "judge", "hearing")), ["spotlight"]);
  assert.deepEqual(names(here("clerk", "clerk", "hearing", { hand_raised: true })), [
    "spotlight",
  ]);
});

test("the spotlight button takes the spotlight away from whoever has it", () => {
  const { actions, calls } = court({ spotlight: "judge" });
  const spotlight = actions(here("judge", "judge", "hearing")).find((a) => a.action === "spotlight");
  assert.equal(spotlight.text, "Remove spotlight");
  spotlight.run();
  assert.deepEqual(calls.run, [[ClientEvent.SPOTLIGHT, { participant_id: null }]]);
});

test("a defendant gets a private consultation when defence counsel is here", () => {
  const { names } = court();
  assert.deepEqual(names(here("defendant", "defendant", "waiting")), [
    "admit",
    "consult",
    "remove",
  ]);
  const alone = court({ people: PEOPLE.filter((p) => p.role !== "defence") });
  assert.deepEqual(alone.names(here("defendant", "defendant", "waiting")), ["admit", "remove"]);
});

test("nobody acts on someone inside a consultation", () => {
  assert.deepEqual(court().names(here("d", "defendant", "consultation")), []);
});

test("consultation partners are counsel and interpreters who are here and free", () => {
  const people = [
    here("defendant", "defendant", "hearing"),
    here("counsel", "defence", "hearing"),
    here("interpreter", "interpreter", "waiting"),
    here("busy", "defence", "consultation"),
    here("gone", "interpreter", "hearing", { connection: "disconnected" }),
    here("banned", "defence", "hearing", { removed: true }),
    here("prosecutor", "prosecutor", "hearing"),
  ];
  const { ctx } = court({ people });
  assert.deepEqual(
    consultationPartners(people[0], ctx).map((p) => p.id),
    ["counsel", "interpreter"],
  );
});
