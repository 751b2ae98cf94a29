// The court's wall-clock time (web/js/lib/wall-time.js): read in the court's zone, on a
// 24-hour clock, whatever zone the machine running the browser is set to. The process runs
// in New York so that a formatter falling back to the machine's zone would be caught.
import assert from "node:assert/strict";
import { before, test } from "node:test";

process.env.TZ = "America/New_York";

/** @type {typeof import("../js/lib/wall-time.js")} */
let wall;
before(async () => {
  wall = await import("../js/lib/wall-time.js");
});

test("the court's zone is Baku until the court says otherwise", () => {
  assert.equal(wall.courtZone(), "Asia/Baku");
  assert.equal(wall.clock("2026-12-08T10:30:00Z"), "14:30");
  assert.equal(wall.clockNamed("2026-12-08T10:30:00Z"), "14:30 (Asia/Baku)");
});

test("times are on a 24-hour clock, midnight as 00", () => {
  wall.setCourtZone("Asia/Baku");
  assert.equal(wall.clock("2026-12-08T20:00:00Z"), "00:00");
  assert.equal(wall.clock("2026-12-08T13:05:00Z"), "17:05");
  assert.equal(wall.clockSeconds("2026-12-08T13:05:09Z"), "17:05:09");
});

test("the court's day is its own: 01:30 in Baku is the day after in UTC", () => {
  wall.setCourtZone("Asia/Baku");
  assert.equal(wall.dayOf("2026-12-07T21:30:00Z"), "2026-12-08");
  assert.equal(wall.formatDay("2026-12-08"), "Tuesday, 8 December 2026");
  assert.equal(wall.formatDateTime("2026-12-07T21:30:00Z"), "8 December 2026, 01:30");
  assert.equal(
    wall.formatDateTimeNamed("2026-12-07T21:30:00Z"),
    "8 December 2026, 01:30 (Asia/Baku)",
  );
});

test("a form's day and time are read as the court's, not the browser's", () => {
  wall.setCourtZone("Asia/Baku");
  assert.equal(wall.rfc3339(wall.instantOf("2026-12-08", "14:30")), "2026-12-08T10:30:00Z");
  assert.deepEqual(wall.wallInputs("2026-12-08T10:30:00Z"), { day: "2026-12-08", time: "14:30" });
});

test("a day or time that is not well formed is no instant", () => {
  assert.equal(wall.instantOf("08.12.2026", "14:30"), null);
  assert.equal(wall.instantOf("2026-12-08", "2:30"), null);
  assert.equal(wall.instantOf("2026-02-31", "10:00"), null);
  assert.equal(wall.instantOf("2026-12-08", "24:00"), null);
  assert.equal(wall.clock("not a time"), "");
  assert.equal(wall.formatDateTime(null), "");
});

test("in a zone with summer time, a day runs from midnight to midnight, 23 hours in spring", () => {
  assert.equal(wall.setCourtZone("Europe/Berlin"), true);
  assert.deepEqual(wall.dayRange("2026-03-29"), {
    from: "2026-03-28T23:00:00Z",
    to: "2026-03-29T22:00:00Z",
  });
  assert.equal(wall.rfc3339(wall.instantOf("2026-07-01", "09:00")), "2026-07-01T07:00:00Z");
  assert.equal(wall.rfc3339(wall.instantOf("2026-12-01", "09:00")), "2026-12-01T08:00:00Z");
  // 02:30 on the spring day does not exist; it is read as the hour after.
  assert.equal(wall.rfc3339(wall.instantOf("2026-03-29", "02:30")), "2026-03-29T01:30:00Z");
  wall.setCourtZone("Asia/Baku");
});

test("an unknown zone is refused and the court's stays", () => {
  wall.setCourtZone("Asia/Baku");
  assert.equal(wall.setCourtZone("Mars/Olympus"), false);
  assert.equal(wall.courtZone(), "Asia/Baku");
});

test("days are added on the calendar, across months and years", () => {
  assert.equal(wall.addDays("2026-12-31", 1), "2027-01-01");
  assert.equal(wall.addDays("2026-03-01", -1), "2026-02-28");
});
