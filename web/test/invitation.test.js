// The invitation card of the device check and the waiting room (web/js/invitation.js): who,
// which case, when, in the court's zone whatever the machine's; and the early arrival.
import assert from "node:assert/strict";
import { before, test } from "node:test";

process.env.TZ = "UTC"; // a kiosk left on UTC: the court's time must still be Baku's

/** @type {typeof import("../js/invitation.js")} */
let invitation;
before(async () => {
  invitation = await import("../js/invitation.js");
  (await import("../js/lib/wall-time.js")).setCourtZone("Asia/Baku");
});

const INVITED = {
  participant: { name: "Rashad Huseynov", role: "defendant", role_label: "Defendant" },
  hearing: {
    case_number: "1-42/2026",
    title: "State v. Huseynov",
    court: "Baku Court of Grave Crimes",
    courtroom: "Room 3",
    state: "scheduled",
    scheduled_start: "2026-12-08T10:00:00Z",
    scheduled_end: "2026-12-08T11:30:00Z",
  },
  court: { name: "Baku Court of Grave Crimes", time_zone: "Asia/Baku" },
};

test("the card says as whom, which case, where and when, in the court's time", () => {
  assert.deepEqual(invitation.invitationLines(INVITED), [
    ["You are joining as", "Rashad Huseynov, Defendant"],
    ["Case", "1-42/2026: State v. Huseynov"],
    ["Court", "Baku Court of Grave Crimes, Room 3"],
    ["Scheduled", "Tuesday, 8 December 2026, 14:00–15:30 (Asia/Baku)"],
  ]);
});

test("a hearing without a time says so", () => {
  assert.equal(invitation.scheduled(null, null), "The court has not set a time yet");
});

test("a day early, the day and the hour are said, and that the link will work then", () => {
  const dayBefore = Date.parse("2026-12-07T09:00:00Z");
  assert.equal(
    invitation.earlyNotice(INVITED, dayBefore),
    "You are early: the hearing is on Tuesday, 8 December 2026, at 14:00 (Asia/Baku). " +
      "Please come back with the same link shortly before then.",
  );
});

test("early on the day (the court's day, not UTC's), the hour is said", () => {
  // 06:00 in Baku is 02:00 UTC, the same day in both; 23:30 UTC the day before is 03:30
  // in Baku on the hearing's day.
  assert.equal(
    invitation.earlyNotice(INVITED, Date.parse("2026-12-07T23:30:00Z")),
    "You are early: the hearing starts today at 14:00 (Asia/Baku).",
  );
});

test("on time, or once the hearing is under way, there is no notice", () => {
  assert.equal(invitation.earlyNotice(INVITED, Date.parse("2026-12-08T09:45:00Z")), null);
  assert.equal(invitation.earlyNotice(INVITED, Date.parse("2026-12-08T10:20:00Z")), null);
  const running = { ...INVITED, hearing: { ...INVITED.hearing, state: "in_session" } };
  assert.equal(invitation.earlyNotice(running, Date.parse("2026-12-07T09:00:00Z")), null);
});
