// What a join link invites to (POST /api/v1/invitation), in words for the person holding it:
// as whom they join, which case, when it is scheduled, and, if they are early, when to come
// back. Every time is the court's (lib/wall-time.js), with the zone named: the person may be
// anywhere. Pure: Node's tests import it.

import { clock, dayOf, formatDay, zoneLabel } from "./lib/wall-time.js";

/** @typedef {import("./lib/rest-types.js").Invitation} Invitation */

// Earlier than this before the start, a person on the right day is told the time again.
const EARLY_MS = 30 * 60 * 1000;

/**
 * The lines of the invitation card: label and value, in reading order.
 * @param {Invitation} invitation
 * @returns {[string, string][]}
 */
export function invitationLines(invitation) {
  const { participant, hearing } = invitation;
  /** @type {[string, string][]} */
  const lines = [
    ["You are joining as", `${participant.name}, ${participant.role_label}`],
    ["Case", [hearing.case_number, hearing.title].filter(Boolean).join(": ")],
  ];
  const place = [hearing.court, hearing.courtroom].filter(Boolean).join(", ");
  if (place) {
    lines.push(["Court", place]);
  }
  lines.push(["Scheduled", scheduled(hearing.scheduled_start, hearing.scheduled_end)]);
  return lines;
}

/**
 * "Tuesday, 8 December 2026, 14:00–15:00 (Asia/Baku)".
 * @param {string | null} start
 * @param {string | null} end
 */
export function scheduled(start, end) {
  if (!start) {
    return "The court has not set a time yet";
  }
  const until = end && dayOf(end) === dayOf(start) ? `–${clock(end)}` : "";
  return `${formatDay(dayOf(start))}, ${clock(start)}${until} ${zoneLabel()}`;
}

/**
 * What to tell someone who arrives before the hearing: on another day, the day and hour and
 * that the link will still work then; on the day, well before, the hour. Null when they
 * are on time, the hearing has no time, or it is already under way.
 * @param {Invitation} invitation
 * @param {number} now epoch milliseconds
 * @returns {string | null}
 */
export function earlyNotice(invitation, now) {
  const { scheduled_start: start, state } = invitation.hearing;
  if (!start || state !== "scheduled" && state !== "open") {
    return null;
  }
  const startsAt = Date.parse(start);
  if (!(startsAt - now > EARLY_MS)) {
    return null;
  }
  const time = `${clock(start)} ${zoneLabel()}`;
  if (dayOf(now) !== dayOf(start)) {
    return (
      `You are early: the hearing is on ${formatDay(dayOf(start))}, at ${time}. ` +
      "Please come back with the same link shortly before then."
    );
  }
  return `You are early: the hearing starts today at ${time}.`;
}
