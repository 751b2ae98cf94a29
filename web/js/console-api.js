// The REST API as the staff console calls it: JSON in, JSON out, problems as ApiError.
//
// Requests carry the session cookie (same origin only); the browser adds the Origin header
// that the server checks on every unsafe request.

export class ApiError extends Error {
  // problem: the RFC 9457 body {status, code, title, detail}, or null.
  constructor(status, problem) {
    const detail =
      (problem && (problem.detail || problem.title)) ||
      (status ? `The court server answered ${status}.` : "The request failed.");
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = (problem && problem.code) || "";
    this.detail = detail;
  }
}

const UNREACHABLE =
  "The court server could not be reached. Check the network connection and try again.";

let onUnauthenticated = null;

// Called once with the ApiError when any request answers 401 (the session has ended).
export function whenLoggedOut(callback) {
  onUnauthenticated = callback;
}

async function readJson(response) {
  const text = await response.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function request(method, path, body = undefined) {
  const init = {
    method,
    credentials: "same-origin",
    cache: "no-store",
    headers: { Accept: "application/json, application/problem+json" },
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, /** @type {RequestInit} */ (init));
  } catch {
    throw new ApiError(0, { detail: UNREACHABLE });
  }
  const data = await readJson(response);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && onUnauthenticated) {
      onUnauthenticated(error);
    }
    throw error;
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  session: () => request("GET", "/api/v1/session"),
  logout: () => request("DELETE", "/api/v1/session"),

  hearings: ({ from, to }) =>
    request("GET", `/api/v1/hearings?${new URLSearchParams({ from, to, limit: "500" })}`),
  hearing: (id) => request("GET", `/api/v1/hearings/${enc(id)}`),
  createHearing: (body) => request("POST", "/api/v1/hearings", body),
  reschedule: (id, body) => request("POST", `/api/v1/hearings/${enc(id)}/reschedule`, body),
  cancel: (id, body) => request("POST", `/api/v1/hearings/${enc(id)}/cancel`, body),

  participants: (id) => request("GET", `/api/v1/hearings/${enc(id)}/participants`),
  addParticipant: (id, body) => request("POST", `/api/v1/hearings/${enc(id)}/participants`, body),
  removeParticipant: (id, pid) =>
    request("DELETE", `/api/v1/hearings/${enc(id)}/participants/${enc(pid)}`),

  links: (id) => request("GET", `/api/v1/hearings/${enc(id)}/links`),
  issueLink: (id, pid) =>
    request("POST", `/api/v1/hearings/${enc(id)}/participants/${enc(pid)}/links`, {}),
  revokeLink: (id, linkId) =>
    request("DELETE", `/api/v1/hearings/${enc(id)}/links/${enc(linkId)}`),
};
