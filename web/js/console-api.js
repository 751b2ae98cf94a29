// The REST API as the staff console calls it (requests and errors: lib/http.js).

import { request } from "./lib/http.js";

const enc = encodeURIComponent;

export const api = {
  session: () => request("GET", "/api/v1/session"),
  logout: () => request("DELETE", "/api/v1/session"),

  hearings: ({ from, to }) =>
    request("GET", `/api/v1/hearings?${new URLSearchParams({ from, to, limit: "500" })}`),
  hearing: (id) => request("GET", `/api/v1/hearings/${enc(id)}`),
  hearingsOfCase: (caseNumber) =>
    request("GET", `/api/v1/hearings?${new URLSearchParams({ case_number: caseNumber })}`),
  bench: () => request("GET", "/api/v1/court/bench"),
  updateHearing: (id, body) => request("PATCH", `/api/v1/hearings/${enc(id)}`, body),
  createHearing: (body) => request("POST", "/api/v1/hearings", body),
  reschedule: (id, body) => request("POST", `/api/v1/hearings/${enc(id)}/reschedule`, body),
  cancel: (id, body) => request("POST", `/api/v1/hearings/${enc(id)}/cancel`, body),

  participants: (id) => request("GET", `/api/v1/hearings/${enc(id)}/participants`),
  addParticipant: (id, body) => request("POST", `/api/v1/hearings/${enc(id)}/participants`, body),
  removeParticipant: (id, pid) =>
    request("DELETE", `/api/v1/hearings/${enc(id)}/participants/${enc(pid)}`),

  // The signed-in judge or clerk of the hearing joins its bench: a join token bound to this
  // session (no bench member gets a join link).
  joinBench: (id) => request("POST", `/api/v1/hearings/${enc(id)}/bench`, {}),

  links: (id) => request("GET", `/api/v1/hearings/${enc(id)}/links`),
  issueLink: (id, pid) =>
    request("POST", `/api/v1/hearings/${enc(id)}/participants/${enc(pid)}/links`, {}),
  revokeLink: (id, linkId) =>
    request("DELETE", `/api/v1/hearings/${enc(id)}/links/${enc(linkId)}`),
};
