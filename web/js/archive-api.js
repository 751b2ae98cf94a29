// The record archive's REST API as the archive pages call it (each answer typed by the
// operation's view, lib/rest-types.js).
//
// Every access to the archive states why it is made: a reading carries ?reason=, a change
// carries "reason" in its JSON body, and the server writes it into the audit log with the
// archivist's name. The reason is asked once per browsing session and kept in
// sessionStorage (gone when the browser closes), so each page of the session reuses it.

import { ApiError, call } from "./lib/http.js";

export { ApiError };

export const REASON_MIN = 3; // as the server checks it
export const REASON_MAX = 500;
const REASON_KEY = "courtroom.archive.reason";
// The last search's criteria, shown again on coming back to the search page. Kept in this
// tab's sessionStorage rather than in the address, so that names searched for stay out of
// the browser's history.
const SEARCH_KEY = "courtroom.archive.search";

/** @param {string} key */
function fromStorage(key) {
  try {
    return window.sessionStorage.getItem(key) || "";
  } catch {
    return ""; // storage disabled: the reason is asked again on each page
  }
}

/**
 * @param {string} key
 * @param {string} value
 */
function toStorage(key, value) {
  try {
    if (value) {
      window.sessionStorage.setItem(key, value);
    } else {
      window.sessionStorage.removeItem(key);
    }
  } catch {
    // Storage disabled: nothing is kept beyond this page.
  }
}

let pageReason = ""; // kept here too, for a browser whose storage refuses to keep it

// A reason as the audit log keeps it: one line, single spaces (a pasted line break or tab
// becomes a space rather than a refusal).
/** @param {unknown} reason */
export function normaliseReason(reason) {
  return String(reason || "")
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .replace(/[\s\u0000-\u001f\u007f]+/g, " ")
    .trim();
}

// The reason stated for this browsing session, or "" if none was (or it is not usable).
export function currentReason() {
  const reason = normaliseReason(fromStorage(REASON_KEY) || pageReason);
  return reasonProblem(reason) ? "" : reason;
}

/** @param {string} reason */
export function keepReason(reason) {
  pageReason = normaliseReason(reason);
  toStorage(REASON_KEY, pageReason);
}

// What is wrong with a reason, in words, or "" if the server would accept it.
/** @param {unknown} reason */
export function reasonProblem(reason) {
  const text = normaliseReason(reason);
  if (!text) {
    return "Say why you are consulting the archive.";
  }
  if (text.length < REASON_MIN) {
    return "Say in a few words why you are consulting the archive.";
  }
  if (text.length > REASON_MAX) {
    return `The reason is ${text.length} characters long; keep it to ${REASON_MAX}.`;
  }
  return "";
}

// The criteria of the last search of this session ({} included), or null if none was made.
/** @returns {Record<string, string> | null} */
export function lastSearch() {
  try {
    const kept = JSON.parse(fromStorage(SEARCH_KEY) || "null");
    return kept && typeof kept === "object" && !Array.isArray(kept) ? kept : null;
  } catch {
    return null;
  }
}

/** @param {Record<string, string>} criteria */
export function keepSearch(criteria) {
  toStorage(SEARCH_KEY, JSON.stringify(criteria));
}

// A URL of the archive (a file, a player's source, a download) with the reason appended.
/**
 * @param {string} url
 * @param {string} reason
 */
export function withReason(url, reason) {
  const target = new URL(url, window.location.origin);
  target.searchParams.set("reason", reason);
  return target.origin === window.location.origin
    ? `${target.pathname}${target.search}`
    : target.href;
}

/** @param {string} reason */
function required(reason) {
  const problem = reasonProblem(reason);
  if (problem) {
    // Never sent without a reason: the server would refuse it anyway (422).
    throw new ApiError(0, { detail: problem, code: "reason_required" });
  }
  return normaliseReason(reason);
}

const BASE = "/api/v1/archive/hearings";

// Search criteria the API knows; empty ones are left out of the query.
export const CRITERIA = ["case_number", "court", "participant", "state", "from", "to"];

/**
 * A reading's parts: the hearing and the stated reason.
 * @param {string} id
 * @param {string} reason
 */
const reading = (id, reason) => ({
  path: { hearing_id: id },
  query: { reason: required(reason) },
});

/**
 * A change's parts: the hearing and the stated reason in the body.
 * @param {string} id
 * @param {string} reason
 */
const change = (id, reason) => ({ path: { hearing_id: id }, body: { reason: required(reason) } });

export const archive = {
  session: () => call("GET /api/v1/session"),

  /**
   * @param {string} reason
   * @param {Record<string, unknown>} criteria
   */
  search: (reason, criteria) => {
    const query = new URLSearchParams({ reason: required(reason) });
    for (const name of CRITERIA) {
      const value = String(criteria[name] || "").trim();
      if (value) {
        query.set(name, value);
      }
    }
    return call("GET /api/v1/archive/hearings", { query });
  },

  /**
   * @param {string} id
   * @param {string} reason
   */
  record: (id, reason) => call("GET /api/v1/archive/hearings/{hearing_id}", reading(id, reason)),

  /** @param {string} id */
  jobs: (id) => call("GET /api/v1/archive/hearings/{hearing_id}/jobs", { path: { hearing_id: id } }),

  // The protocol and who spoke when, both in the joined master's time.
  /**
   * @param {string} id
   * @param {string} reason
   */
  protocol: (id, reason) =>
    call("GET /api/v1/archive/hearings/{hearing_id}/protocol", reading(id, reason)),

  /**
   * @param {string} id
   * @param {string} reason
   */
  speakers: (id, reason) =>
    call("GET /api/v1/archive/hearings/{hearing_id}/speakers", reading(id, reason)),

  /**
   * @param {string} id
   * @param {string} reason
   */
  buildMasterAudio: (id, reason) =>
    call("POST /api/v1/archive/hearings/{hearing_id}/master-audio", change(id, reason)),

  /**
   * @param {string} id
   * @param {string} reason
   */
  buildViewingCopy: (id, reason) =>
    call("POST /api/v1/archive/hearings/{hearing_id}/viewing-copy", change(id, reason)),

  /**
   * @param {string} id
   * @param {string} reason
   */
  exportRecord: (id, reason) =>
    call("POST /api/v1/archive/hearings/{hearing_id}/export", change(id, reason)),

  /**
   * @param {string} id
   * @param {string} reason
   */
  verify: (id, reason) =>
    call("POST /api/v1/archive/hearings/{hearing_id}/verify", change(id, reason)),

  /**
   * @param {string} id
   * @param {string} reason
   * @param {{retainUntil: string | null, legalHold: boolean}} retention
   */
  retention: (id, reason, { retainUntil, legalHold }) =>
    call("PUT /api/v1/archive/hearings/{hearing_id}/retention", {
      path: { hearing_id: id },
      body: { reason: required(reason), retain_until: retainUntil, legal_hold: legalHold },
    }),

  /** @param {string} id */
  masterAudioUrl: (id) => `${BASE}/${encodeURIComponent(id)}/master-audio`,
  /** @param {string} id */
  viewingCopyUrl: (id) => `${BASE}/${encodeURIComponent(id)}/viewing-copy`,
};
