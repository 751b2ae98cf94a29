// The one HTTP client of the pages: the REST API with JSON in, JSON out, problems (RFC 9457)
// as ApiError. Requests carry the session cookie (same origin only); the browser adds the
// Origin header that the server checks on every unsafe request.

export class ApiError extends Error {
  /**
   * @param {number} status the HTTP status, 0 when the server could not be reached
   * @param {{code?: string, title?: string, detail?: string} | null} problem the RFC 9457
   *   body, or null
   * @param {number | null} [retryAfter] seconds, from a Retry-After header (429, 503)
   */
  constructor(status, problem, retryAfter = null) {
    const detail =
      (problem && (problem.detail || problem.title)) ||
      (status ? `The court server answered ${status}.` : "The request failed.");
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = (problem && problem.code) || "";
    this.detail = detail;
    // The server's own words, if it gave any (a caller may prefer its own to `detail`'s
    // generic fallback).
    this.serverDetail = (problem && problem.detail) || "";
    this.retryAfter = retryAfter;
  }
}

const UNREACHABLE =
  "The court server could not be reached. Check the network connection and try again.";

/** @type {((error: ApiError) => void) | null} */
let onUnauthenticated = null;

/**
 * Called with the ApiError when any request answers 401 (the session has ended).
 * @param {(error: ApiError) => void} callback
 */
export function whenLoggedOut(callback) {
  onUnauthenticated = callback;
}

/** @param {Response} response */
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

/**
 * One request: JSON in, JSON out (null for an empty body), an ApiError for anything but 2xx.
 * @param {"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function request(method, path, body = undefined) {
  /** @type {RequestInit & {headers: Record<string, string>}} */
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
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, { detail: UNREACHABLE });
  }
  const data = await readJson(response);
  if (!response.ok) {
    const seconds = Number.parseInt(response.headers.get("Retry-After") || "", 10);
    const retryAfter = Number.isFinite(seconds) && seconds > 0 ? seconds : null;
    const error = new ApiError(response.status, data, retryAfter);
    if (response.status === 401 && onUnauthenticated) {
      onUnauthenticated(error);
    }
    throw error;
  }
  return data;
}
