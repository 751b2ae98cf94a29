// The court's words as people read them, the one table of each: roles, hearing states and
// protocol entry kinds, and the rules about them that the pages need.
// Mirrors court/roles.py, court/hearing_state.py and court/protocol.py;
// tests/web/test_court_terms.py and test_protocol_terms.py keep them equal.
// Pure: Node's tests import it.

// In the order a clerk thinks of them: the bench, the parties, the others.
/** @type {Readonly<Record<string, string>>} */
export const ROLE_LABELS = Object.freeze({
  judge: "Judge",
  clerk: "Court clerk",
  prosecutor: "Prosecutor",
  defence: "Defence counsel",
  defendant: "Defendant",
  victim: "Victim",
  witness: "Witness",
  expert: "Expert",
  interpreter: "Interpreter",
  observer: "Observer",
});

/** @type {Readonly<Record<string, string>>} */
export const STATE_LABELS = Object.freeze({
  scheduled: "Scheduled",
  open: "Waiting room open",
  in_session: "In session",
  paused: "Paused",
  suspended: "Suspended",
  closed: "Closed",
  cancelled: "Cancelled",
});

// The court's rule tables (who publishes, consults, sits on the bench; which states may
// still be rescheduled or cancelled, or have ended) are generated from court/ into
// court-rules.js; they are re-exported here for the pages that know them as terms.
export { PUBLISHING_ROLES, CONSULTING_ROLES, RESCHEDULABLE, CANCELLABLE, ENDED, BENCH } from "./court-rules.js";

/** @param {string} role */
export function roleLabel(role) {
  return ROLE_LABELS[role] || role;
}

/** @param {string} state */
export function stateLabel(state) {
  return STATE_LABELS[state] || state;
}

// The roles in the order a clerk thinks of them (ROLE_LABELS' order).
export const ROLE_ORDER = Object.freeze(Object.keys(ROLE_LABELS));


/**
 * People in role order, then by name.
 * @param {{role: string, name: string}} a
 * @param {{role: string, name: string}} b
 */
export function byRoleThenName(a, b) {
  return ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.name.localeCompare(b.name);
}

// Protocol entry kinds (court/protocol.py KIND_LABELS).
/** @type {Readonly<Record<string, string>>} */
export const KIND_LABELS = Object.freeze({
  statement: "Statement",
  question: "Question",
  answer: "Answer",
  motion: "Motion",
  objection: "Objection",
  ruling: "Ruling",
  note: "Note",
  exhibit: "Exhibit",
  off_the_record: "Off the record",
  event: "Event",
  correction: "Correction",
});

/** @param {string | null | undefined} kind */
export function kindLabel(kind) {
  return (kind && KIND_LABELS[kind]) || String(kind || "");
}
