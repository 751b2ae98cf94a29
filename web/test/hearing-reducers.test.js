// One reducer per server event (web/js/hearing-reducers.js): what each changes in the state.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ServerEvent } from "../js/events.js";
import {
  joinAccepted,
  recordingIs,
  reduce,
  REDUCERS,
  sessionClosed,
  tracksReceived,
} from "../js/hearing-reducers.js";

const SELF = { id: "prt_self", name: "Leyla", role: "clerk" };
const WITNESS = { id: "prt_w", name: "Anar", role: "witness", hand_raised: false };

function state(fields = {}) {
  return {
    self: SELF,
    hearing: { id: "hrg_1", state: "open", state_label: "Waiting room open" },
    room: { id: "room_1", kind: "hearing", label: "Hearing room" },
    spotlight: null,
    locked: false,
    present: new Map(),
    assignment: new Map(),
    recording: null,
    lastRoster: null,
    leftReason: null,
    linkQuality: new Map(),
    videoHeld: new Map(),
    ...fields,
  };
}

test("every reducer answers to a server event", () => {
  const events = new Set(Object.values(ServerEvent));
  for (const event of Object.keys(REDUCERS)) {
    assert.ok(events.has(event), event);
  }
});

test("an event that changes nothing in the state gives no change", () => {
  assert.deepEqual(reduce(state(), ServerEvent.CHAT_MESSAGE, { message: {} }), {});
});

test("someone who joins is present, without changing the state they came from", () => {
  const before = state();
  const change = reduce(before, ServerEvent.PARTICIPANT_JOINED, { participant: WITNESS });
  assert.deepEqual([...change.present.keys()], ["prt_w"]);
  assert.equal(before.present.size, 0);
});

test("our own join, or one before we joined, changes nothing", () => {
  assert.deepEqual(reduce(state(), ServerEvent.PARTICIPANT_JOINED, { participant: SELF }), {});
  assert.deepEqual(
    reduce(state({ self: null }), ServerEvent.PARTICIPANT_JOINED, { participant: WITNESS }),
    {},
  );
});

test("someone who leaves is no longer present, nor are their tracks", () => {
  const before = state({
    present: new Map([["prt_w", WITNESS]]),
    assignment: new Map([["prt_w", { audio: {}, video: null, screen: null }]]),
  });
  const change = reduce(before, ServerEvent.PARTICIPANT_LEFT, { participant_id: "prt_w" });
  assert.equal(change.present.size, 0);
  assert.equal(change.assignment.size, 0);
  assert.equal(before.present.size, 1);
});

test("when we are the one who left, the reason is kept for the disconnect that follows", () => {
  const change = reduce(state(), ServerEvent.PARTICIPANT_LEFT, {
    participant_id: "prt_self",
    reason: "released",
  });
  assert.deepEqual(change, { leftReason: "released" });
});

test("an update merges into the participant as we knew them", () => {
  const before = state({ present: new Map([["prt_w", WITNESS]]) });
  const change = reduce(before, ServerEvent.PARTICIPANT_UPDATED, {
    participant: { id: "prt_w", hand_raised: true },
  });
  assert.deepEqual(change.present.get("prt_w"), { ...WITNESS, hand_raised: true });
  assert.deepEqual(
    reduce(before, ServerEvent.PARTICIPANT_UPDATED, { participant: { id: "prt_x" } }),
    {},
  );
});

test("the hearing's new state merges into the hearing", () => {
  const change = reduce(state(), ServerEvent.HEARING_STATE_CHANGED, {
    hearing: { state: "in_session", state_label: "In session" },
  });
  assert.deepEqual(change.hearing, {
    id: "hrg_1",
    state: "in_session",
    state_label: "In session",
  });
  assert.deepEqual(reduce(state(), ServerEvent.HEARING_STATE_CHANGED, {}), {});
});

test("a move to another room brings its people, and only theirs", () => {
  const before = state({ present: new Map([["prt_w", WITNESS]]) });
  const room = { id: "room_w", kind: "waiting", label: "Waiting room" };
  const change = reduce(before, ServerEvent.ROOM_CHANGED, {
    room,
    participants: [{ id: "prt_d", name: "Defendant", role: "defendant" }],
    reason: "sent_back",
  });
  assert.equal(change.room, room);
  assert.deepEqual([...change.present.keys()], ["prt_d"]);
  assert.deepEqual(reduce(state({ self: null }), ServerEvent.ROOM_CHANGED, { room }), {});
});

test("spotlight, lock, roster and recording are taken as the server says them", () => {
  assert.deepEqual(reduce(state(), ServerEvent.SPOTLIGHT_CHANGED, { participant_id: "prt_w" }), {
    spotlight: "prt_w",
  });
  assert.deepEqual(reduce(state(), ServerEvent.SPOTLIGHT_CHANGED, {}), { spotlight: null });
  assert.deepEqual(reduce(state(), ServerEvent.LOCK_CHANGED, { locked: 1 }), { locked: true });
  const roster = { participants: [] };
  assert.equal(reduce(state(), ServerEvent.ROSTER_CHANGED, roster).lastRoster, roster);
  const recording = { id: "rec_1" };
  assert.deepEqual(reduce(state(), ServerEvent.RECORDING_STARTED, { recording }), { recording });
  assert.deepEqual(reduce(state({ recording }), ServerEvent.RECORDING_STOPPED, {}), {
    recording: null,
  });
});

test("a join acknowledgement says who we are, where, with whom, and what is recorded", () => {
  const change = joinAccepted({
    participant: SELF,
    hearing: { id: "hrg_1", state: "in_session" },
    room: { id: "room_w", kind: "waiting", label: "Waiting room" },
    spotlight: "prt_w",
    locked: true,
    participants: [WITNESS],
    recording: { id: "rec_1", started_at: 1 },
    roster: { roster: [] },
  });
  assert.equal(change.self, SELF);
  assert.equal(change.room?.kind, "waiting");
  assert.equal(change.spotlight, "prt_w");
  assert.equal(change.locked, true);
  assert.deepEqual([...(change.present?.keys() ?? [])], ["prt_w"]);
  assert.deepEqual(change.recording, { id: "rec_1", started_at: 1 });
  assert.deepEqual(change.lastRoster, { roster: [] });
});

test("a join acknowledgement without a room puts us in the hearing room and keeps the last roster", () => {
  const change = joinAccepted({ participant: SELF, hearing: { id: "hrg_1", state: "open" } });
  assert.deepEqual(change.room, { id: null, kind: "hearing", label: "Hearing room" });
  assert.equal(change.spotlight, null);
  assert.equal(change.locked, false);
  assert.equal(change.present?.size, 0);
  assert.equal(change.recording, null);
  assert.ok(!("lastRoster" in change), "a join of someone not on the bench carries no roster");
});

test("a closed session forgets who is present and what was received", () => {
  const change = sessionClosed();
  assert.equal(change.present?.size, 0);
  assert.equal(change.assignment?.size, 0);
  assert.equal(change.linkQuality?.size, 0);
  assert.equal(change.videoHeld?.size, 0);
});

test("the tracks received and the recording the page started are changes of their own", () => {
  const assignment = new Map([["prt_w", { audio: null, video: null }]]);
  assert.equal(tracksReceived(assignment).assignment, assignment);
  assert.deepEqual(recordingIs(null), { recording: null });
});

/** @param {string} id @param {"good" | "poor" | "bad"} grade */
function reading(id, grade) {
  return {
    participant_id: id,
    path: "direct",
    round_trip_ms: 40,
    loss_up: grade === "good" ? 0 : 0.12,
    loss_down: 0.01,
    kbit_s_up: 900,
    kbit_s_down: 1100,
    grade,
  };
}

test("a connection-quality notice replaces the last: who is not on it is not measured", () => {
  const before = state({ linkQuality: new Map([["prt_gone", reading("prt_gone", "bad")]]) });
  const change = reduce(before, ServerEvent.CONNECTION_QUALITY_MEASURED, {
    participants: [reading("prt_w", "poor"), reading("prt_self", "good")],
  });
  assert.deepEqual([...(change.linkQuality?.keys() ?? [])], ["prt_w", "prt_self"]);
  assert.equal(change.linkQuality?.get("prt_w")?.grade, "poor");
  assert.equal(before.linkQuality.size, 1);
});

test("a held video is kept until it is released, and only that participant's", () => {
  const hold = { participant_id: "prt_w", name: "Anar", held: true, max_video_kbps: 1500 };
  const other = { participant_id: "prt_x", name: "Vugar", held: true, max_video_kbps: 1500 };
  const held = reduce(state({ videoHeld: new Map([["prt_x", other]]) }), ServerEvent.VIDEO_HOLD_CHANGED, hold);
  assert.deepEqual([...(held.videoHeld?.keys() ?? [])], ["prt_x", "prt_w"]);
  const released = reduce(
    state({ videoHeld: held.videoHeld }),
    ServerEvent.VIDEO_HOLD_CHANGED,
    { ...hold, held: false },
  );
  assert.deepEqual([...(released.videoHeld?.keys() ?? [])], ["prt_x"]);
  assert.equal(held.videoHeld?.size, 2);
});
