// The page's record clock (web/js/record-clock.js): the fastest round trip sets the clock.
import assert from "node:assert/strict";
import { test } from "node:test";

import { RecordClock } from "../js/record-clock.js";

test("a clock that has heard no answer knows no record time", () => {
  assert.equal(new RecordClock().at(1000), null);
});

test("the answer's moment on the page is halfway through its round trip", () => {
  const clock = new RecordClock();
  clock.observe(1000, 1100, { record_ms: 5000, recording_id: "rec_1" });
  // Answered at page time 1050 (halfway), so page time 2050 is record time 6000.
  assert.deepEqual(clock.at(2050), { recording_id: "rec_1", record_ms: 6000 });
});

test("of the recent answers, the fastest round trip sets the clock", () => {
  const clock = new RecordClock();
  clock.observe(0, 400, { record_ms: 1000, recording_id: "rec_1" }); // slow: offset 800
  clock.observe(1000, 1010, { record_ms: 1900, recording_id: "rec_1" }); // fast: offset 895
  clock.observe(2000, 2300, { record_ms: 3000, recording_id: "rec_1" }); // slow: offset 850
  assert.equal(clock.at(3000).record_ms, 3895);
});

test("a new recording starts its own record time", () => {
  const clock = new RecordClock();
  clock.observe(1000, 1002, { record_ms: 90000, recording_id: "rec_1" });
  clock.observe(2000, 2400, { record_ms: 0, recording_id: "rec_2" });
  assert.deepEqual(clock.at(2200), { recording_id: "rec_2", record_ms: 0 });
});

test("an answer without a recording clears the clock", () => {
  const clock = new RecordClock();
  clock.observe(1000, 1002, { record_ms: 90000, recording_id: "rec_1" });
  clock.observe(2000, 2002, {});
  assert.equal(clock.at(3000), null);
});

test("record time is never negative", () => {
  const clock = new RecordClock();
  clock.observe(5000, 5000, { record_ms: 10, recording_id: "rec_1" });
  assert.equal(clock.at(0).record_ms, 0);
});

test("only the last twenty answers count", () => {
  const clock = new RecordClock();
  clock.observe(0, 0, { record_ms: 0, recording_id: "rec_1" }); // perfect, but old
  for (let i = 1; i <= 20; i += 1) {
    clock.observe(i * 1000, i * 1000 + 100, { record_ms: i * 1000 + 5000, recording_id: "rec_1" });
  }
  assert.equal(clock.at(100000).record_ms, 100000 + 5000 - 50);
});
