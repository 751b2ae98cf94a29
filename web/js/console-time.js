// Days and times in the console: shown in the browser's own time zone, sent as RFC 3339.
//
// A day is named "YYYY-MM-DD" (what <input type="date"> holds); its hearings are those that
// start from its local midnight up to the next one, which is not always 24 hours later.

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");

/** @param {Date} date */
function isoDay(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

// A local Date from "YYYY-MM-DD" and optional "HH:MM"; null if either is not well formed.
/**
 * @param {string | null | undefined} day
 * @param {string | null | undefined} [time]
 * @returns {Date | null}
 */
export function localDate(day, time = "00:00") {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  const t = /^(\d{2}):(\d{2})$/.exec(time || "");
  if (!d || !t) {
    return null;
  }
  const date = new Date(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function today() {
  return isoDay(new Date());
}

/** @param {string | null | undefined} day */
export function isDay(day) {
  return localDate(day) !== null;
}

// The local midnight of a day the caller has checked (isDay).
/** @param {string} day */
function dayDate(day) {
  return /** @type {Date} */ (localDate(day));
}

/**
 * @param {string} day
 * @param {number} days
 */
export function addDays(day, days) {
  const date = dayDate(day);
  date.setDate(date.getDate() + days);
  return isoDay(date);
}

// "2026-11-24T07:30:00Z": the instant in RFC 3339, in UTC. UTC rather than the local offset
// because it is the same instant either way and every database keeps it unchanged.
/** @param {Date} date */
export function rfc3339(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** @param {string} day */
export function dayRange(day) {
  return { from: rfc3339(dayDate(day)), to: rfc3339(dayDate(addDays(day, 1))) };
}

// The value for <input type="date"> and <input type="time"> of an RFC 3339 instant.
/** @param {string | number | Date} instant */
export function localParts(instant) {
  const date = new Date(instant);
  return { day: isoDay(date), time: `${pad(date.getHours())}:${pad(date.getMinutes())}` };
}

// "09:30" where the clock has 24 hours, "9:30 AM" where it has 12.
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "numeric" }).resolvedOptions();
const HOUR = ["h23", "h24"].includes(CLOCK.hourCycle || "") ? "2-digit" : "numeric";
const TIME = new Intl.DateTimeFormat(undefined, { hour: HOUR, minute: "2-digit" });
const DAY = new Intl.DateTimeFormat(undefined, {
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const DATE_TIME = new Intl.DateTimeFormat(undefined, {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: HOUR,
  minute: "2-digit",
});

/** @typedef {string | number | Date} Instant an RFC 3339 string, epoch milliseconds or a Date */

export const formatTime = (/** @type {Instant} */ instant) => TIME.format(new Date(instant));
export const formatDay = (/** @type {string} */ day) => DAY.format(dayDate(day));
export const formatDateTime = (/** @type {Instant} */ instant) =>
  DATE_TIME.format(new Date(instant));
export const dayOf = (/** @type {Instant} */ instant) => isoDay(new Date(instant));

export function timeZoneName() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "your computer's time zone";
}
