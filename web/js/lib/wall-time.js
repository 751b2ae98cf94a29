// Wall-clock time as the court reads it: the one formatter of days and times on every page.
//
// Instants travel as RFC 3339 in UTC; a person reads them in the court's time zone (the
// server's COURTROOM_TIME_ZONE, from GET /api/v1/court), on a 24-hour clock, whatever zone
// the browser is set to. A Baku clerk on a laptop left on UTC, or a defendant abroad, must
// never see a hearing four hours off. Forms read a day and a time of day as the court's too.
// Pure: Node's tests import it (lib/court.js fetches the zone and sets it here).

/** The zone until the page has heard the court's: the first court's. */
export const DEFAULT_ZONE = "Asia/Baku";

let zone = DEFAULT_ZONE;

/** @typedef {string | number | Date} Instant an RFC 3339 string, epoch milliseconds or a Date */

/**
 * @typedef {object} WallParts the court's calendar and clock at an instant
 * @property {number} year
 * @property {number} month 1-12
 * @property {number} day
 * @property {number} hour 0-23
 * @property {number} minute
 * @property {number} second
 */

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * One cached formatter per zone and shape: building one costs far more than using it.
 * @param {string} key
 * @param {Intl.DateTimeFormatOptions} options
 * @param {string} [inZone]
 */
function format(key, options, inZone = zone) {
  const cacheKey = `${inZone}|${key}`;
  let found = formats.get(cacheKey);
  if (!found) {
    // en-GB: "8 December 2026", day before month, as Azerbaijani and Russian write it too.
    found = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: inZone });
    formats.set(cacheKey, found);
  }
  return found;
}

/**
 * Set the court's zone; false (and the zone unchanged) if the browser does not know it.
 * @param {string} name an IANA zone, e.g. "Asia/Baku"
 * @returns {boolean}
 */
export function setCourtZone(name) {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: name });
  } catch {
    return false;
  }
  zone = name;
  return true;
}

export function courtZone() {
  return zone;
}

/**
 * @param {Instant} instant
 * @returns {Date | null}
 */
function dateOf(instant) {
  if (instant === null || instant === undefined || instant === "") {
    return null;
  }
  const date = instant instanceof Date ? instant : new Date(instant);
  return Number.isNaN(date.getTime()) ? null : date;
}

const PARTS = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
};

/**
 * The court's calendar and clock at an instant.
 * @param {Date} date
 * @param {string} [inZone]
 * @returns {WallParts}
 */
function wallParts(date, inZone = zone) {
  /** @type {Record<string, number>} */
  const found = {};
  for (const part of format("parts", /** @type {any} */ (PARTS), inZone).formatToParts(date)) {
    if (part.type !== "literal") {
      found[part.type] = Number(part.value);
    }
  }
  return {
    year: found.year,
    month: found.month,
    day: found.day,
    hour: found.hour % 24, // some engines say 24 for midnight even under h23
    minute: found.minute,
    second: found.second,
  };
}

/**
 * How far the zone's clock is ahead of UTC at an instant, in milliseconds.
 * @param {number} ms
 * @param {string} inZone
 */
function offsetAt(ms, inZone) {
  const p = wallParts(new Date(ms), inZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");

/**
 * The instant the court's clock shows a day ("YYYY-MM-DD") and time of day ("HH:MM"); null
 * if either is not well formed. A time the clock skips (spring forward) is read with the
 * offset before the change, so it lands in the hour after, as a browser's local Date does.
 * @param {string | null | undefined} day
 * @param {string | null | undefined} [time]
 * @param {string} [inZone]
 * @returns {Date | null}
 */
export function instantOf(day, time = "00:00", inZone = zone) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  const t = /^(\d{2}):(\d{2})$/.exec(time || "");
  if (!d || !t || +t[1] > 23 || +t[2] > 59) {
    return null;
  }
  const asUtc = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
  const calendar = new Date(asUtc);
  if (calendar.getUTCMonth() !== +d[2] - 1 || calendar.getUTCDate() !== +d[3]) {
    return null; // 31 February
  }
  // Read the wall time as UTC, then take off the zone's offset there; if the offset at the
  // answer differs (a change lies between), take off that one instead.
  const before = offsetAt(asUtc, inZone);
  const first = asUtc - before;
  const after = offsetAt(first, inZone);
  return new Date(after === before ? first : asUtc - after);
}

/**
 * "2026-12-08": the court's calendar day of an instant ("" if it is none).
 * @param {Instant} instant
 */
export function dayOf(instant) {
  const date = dateOf(instant);
  if (!date) {
    return "";
  }
  const p = wallParts(date);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The court's today. */
export function today() {
  return dayOf(Date.now());
}

/**
 * The court's day and time of day of an instant, as <input type="date"> and
 * <input type="time"> hold them.
 * @param {Instant} instant
 */
export function wallInputs(instant) {
  const date = dateOf(instant);
  if (!date) {
    return { day: "", time: "" };
  }
  const p = wallParts(date);
  return { day: `${p.year}-${pad(p.month)}-${pad(p.day)}`, time: `${pad(p.hour)}:${pad(p.minute)}` };
}

/**
 * A calendar day plus or minus whole days ("2026-12-31" + 1 = "2027-01-01").
 * @param {string} day
 * @param {number} days
 */
export function addDays(day, days) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!d) {
    return day;
  }
  const date = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3] + days));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/**
 * "14:30" on the court's 24-hour clock ("" if the instant is none).
 * @param {Instant} instant
 */
export function clock(instant) {
  const date = dateOf(instant);
  if (!date) {
    return "";
  }
  const p = wallParts(date);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * "14:30:05": with seconds, where the order of events within a minute matters (audit).
 * @param {Instant} instant
 */
export function clockSeconds(instant) {
  const date = dateOf(instant);
  if (!date) {
    return "";
  }
  const p = wallParts(date);
  return `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** "(Asia/Baku)": the zone, as a reader elsewhere needs it named. */
export function zoneLabel() {
  return `(${zone})`;
}

/**
 * "14:30 (Asia/Baku)".
 * @param {Instant} instant
 */
export function clockNamed(instant) {
  const time = clock(instant);
  return time && `${time} ${zoneLabel()}`;
}

/**
 * "Tuesday, 8 December 2026" for a calendar day ("YYYY-MM-DD"); the text itself otherwise.
 * @param {string} day
 */
export function formatDay(day) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!d) {
    return String(day || "");
  }
  const noon = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3], 12));
  return format(
    "day",
    { weekday: "long", day: "numeric", month: "long", year: "numeric" },
    "UTC",
  ).format(noon);
}

/**
 * "8 December 2026" for a calendar day, without the weekday.
 * @param {string} day
 */
export function formatDate(day) {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!d) {
    return String(day || "");
  }
  const noon = new Date(Date.UTC(+d[1], +d[2] - 1, +d[3], 12));
  return format("date", { day: "numeric", month: "long", year: "numeric" }, "UTC").format(noon);
}

/**
 * "8 December 2026, 14:30" in the court's zone ("" if the instant is none).
 * @param {Instant} instant
 */
export function formatDateTime(instant) {
  const date = dateOf(instant);
  return date ? `${formatDate(dayOf(date))}, ${clock(date)}` : "";
}

/**
 * "8 December 2026, 14:30 (Asia/Baku)".
 * @param {Instant} instant
 */
export function formatDateTimeNamed(instant) {
  const text = formatDateTime(instant);
  return text && `${text} ${zoneLabel()}`;
}

/**
 * The instants a court day runs between, for a search: its midnight up to the next one
 * (23 or 25 hours on the days a zone with summer time changes its clock).
 * @param {string} day
 */
export function dayRange(day) {
  const from = instantOf(day);
  const to = instantOf(addDays(day, 1));
  return { from: from && rfc3339(from), to: to && rfc3339(to) };
}

/**
 * "2026-11-24T07:30:00Z": the instant in RFC 3339, in UTC, as the API takes it.
 * @param {Date} date
 */
export function rfc3339(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
