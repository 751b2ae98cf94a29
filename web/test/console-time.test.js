// Days and times of the staff console (web/js/console-time.js), in a time zone with summer
// time, where a day is not always 24 hours long. The zone is set before the module loads.
import assert from "node:assert/strict";
import { before, test } from "node:test";

process.env.TZ = "Europe/Berlin";

/** @type {typeof import("../js/console-time.js")} */
let time;
before(async () => {
  time = await import("../js/console-time.js");
});

test("a day and a time of day make a local date", () => {
  const date = time.localDate("2026-11-24", "07:30");
  assert.equal(time.rfc3339(date), "2026-11-24T06:30:00Z");
  assert.equal(time.rfc3339(time.localDate("2026-07-01")), "2026-06-30T22:00:00Z");
});

test("a day or time that is not well formed is no date", () => {
  assert.equal(time.localDate("24.11.2026"), null);
  assert.equal(time.localDate("2026-11-24", "7:30"), null);
  assert.equal(time.localDate(""), null);
  assert.equal(time.isDay("2026-11-24"), true);
  assert.equal(time.isDay("tomorrow"), false);
});

test("days are added on the calendar, across months and years", () => {
  assert.equal(time.addDays("2026-12-31", 1), "2027-01-01");
  assert.equal(time.addDays("2026-03-01", -1), "2026-02-28");
});

test("a day's hearings run from its local midnight to the next, 23 hours on the spring day", () => {
  const { from, to } = time.dayRange("2026-03-29");
  assert.equal(from, "2026-03-28T23:00:00Z");
  assert.equal(to, "2026-03-29T22:00:00Z");
});

test("an instant gives back the day and time a form shows for it", () => {
  assert.deepEqual(time.localParts("2026-11-24T06:30:00Z"), { day: "2026-11-24", time: "07:30" });
  assert.equal(time.dayOf("2026-11-24T23:30:00Z"), "2026-11-25");
});
