// Record time as people read it: the one formatter of the page (DESIGN.md: record time is
// milliseconds since the recording of the hearing began). Pure: Node's tests import it.

/** What a time with no place in the record is shown as, unless the caller says otherwise. */
export const NO_RECORD_TIME = "—";

/** How the live page's protocol says an entry has no record time. */
export const OFF_THE_RECORD = "off the record";

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");

/**
 * hh:mm:ss of a record time in milliseconds, truncated as the exported document does (an
 * entry at 59.9 s was made in the 59th second; a position is never said to be later than
 * it is). `missing` for null, undefined or anything that is not a finite number.
 * @param {number | null | undefined} ms
 * @param {string} [missing]
 * @returns {string}
 */
export function recordTime(ms, missing = NO_RECORD_TIME) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) {
    return missing;
  }
  const seconds = Math.floor(Math.max(0, Number(ms)) / 1000);
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
}
