// The REST API as the staff console calls it (requests and errors: lib/http.js; each answer
// typed by the operation's view, lib/rest-types.js).

import { call } from "./lib/http.js";

/** @typedef {import("./lib/rest-types.js").RestBodies} RestBodies */

export const api = {
  session: () => call("GET /api/v1/session"),
  logout: () => call("DELETE /api/v1/session"),

  /** @param {{from: string, to: string}} range */
  hearings: ({ from, to }) => call("GET /api/v1/hearings", { query: { from, to, limit: "500" } }),
  /** @param {string} id */
  hearing: (id) => call("GET /api/v1/hearings/{hearing_id}", { path: { hearing_id: id } }),
  /** @param {string} caseNumber */
  hearingsOfCase: (caseNumber) =>
    call("GET /api/v1/hearings", { query: { case_number: caseNumber } }),
  bench: () => call("GET /api/v1/court/bench"),
  /**
   * @param {string} id
   * @param {RestBodies["PATCH /api/v1/hearings/{hearing_id}"]} body
   */
  updateHearing: (id, body) =>
    call("PATCH /api/v1/hearings/{hearing_id}", { path: { hearing_id: id }, body }),
  /** @param {RestBodies["POST /api/v1/hearings"]} body */
  createHearing: (body) => call("POST /api/v1/hearings", { body }),
  /**
   * @param {string} id
   * @param {RestBodies["POST /api/v1/hearings/{hearing_id}/cancel"]} body
   */
  cancel: (id, body) =>
    call("POST /api/v1/hearings/{hearing_id}/cancel", { path: { hearing_id: id }, body }),

  /** @param {string} id */
  participants: (id) =>
    call("GET /api/v1/hearings/{hearing_id}/participants", { path: { hearing_id: id } }),
  /**
   * @param {string} id
   * @param {RestBodies["POST /api/v1/hearings/{hearing_id}/participants"]} body
   */
  addParticipant: (id, body) =>
    call("POST /api/v1/hearings/{hearing_id}/participants", { path: { hearing_id: id }, body }),
  /**
   * @param {string} id
   * @param {string} pid
   */
  removeParticipant: (id, pid) =>
    call("DELETE /api/v1/hearings/{hearing_id}/participants/{participant_id}", {
      path: { hearing_id: id, participant_id: pid },
    }),

  // The signed-in judge or clerk of the hearing joins its bench: a join token bound to this
  // session (no bench member gets a join link).
  /** @param {string} id */
  joinBench: (id) =>
    call("POST /api/v1/hearings/{hearing_id}/bench", { path: { hearing_id: id }, body: {} }),

  /** @param {string} id */
  links: (id) => call("GET /api/v1/hearings/{hearing_id}/links", { path: { hearing_id: id } }),
  /**
   * @param {string} id
   * @param {string} pid
   */
  issueLink: (id, pid) =>
    call("POST /api/v1/hearings/{hearing_id}/participants/{participant_id}/links", {
      path: { hearing_id: id, participant_id: pid },
      body: {},
    }),
  /**
   * @param {string} id
   * @param {string} linkId
   */
  revokeLink: (id, linkId) =>
    call("DELETE /api/v1/hearings/{hearing_id}/links/{link_id}", {
      path: { hearing_id: id, link_id: linkId },
    }),
};
