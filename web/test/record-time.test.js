// Record time as people read it (web/js/lib/record-time.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { NO_RECORD_TIME, OFF_THE_RECORD, recordTime } from "../js/lib/record-time.js";

test("record time is hh:mm:ss, truncated to the second", () => {
  assert.equal(recordTime(0), "00:00:00");
  assert.equal(recordTime(999), "00:00:00");
  assert.equal(recordTime(59_999), "00:00:59");
  assert.equal(recordTime(3_723_000), "01:02:03");
  assert.equal(recordTime(100 * 3600 * 1000), "100:00:00");
});

test("a record time before the recording began is shown as its start", () => {
  assert.equal(recordTime(-5000), "00:00:00");
});

test("a time with no place in the record is a dash, or the caller's words", () => {
  for (const missing of [null, undefined, "soon", NaN, Infinity]) {
    assert.equal(recordTime(missing), NO_RECORD_TIME);
    assert.equal(recordTime(missing, OFF_THE_RECORD), "off the record");
  }
});

test("a record time sent as a numeric string is read as its number", () => {
  assert.equal(recordTime("61000"), "00:01:01");
});
