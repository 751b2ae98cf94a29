// The one HTTP client of the pages: the REST API with JSON in, JSON out, problems (RFC 9457)
// as ApiError. Requests carry the session cookie (same origin only); the browser adds the
// Origin header that the server checks on every unsafe request.
//
// A page calls an operation by its name in the OpenAPI document ("GET /api/v1/hearings/
// {hearing_id}"): `call` fills in the path, and tsc types the answer as the view the server
// builds and the body as the model it validates (lib/rest-types.js, generated from both).

/** @typedef {import("./rest-types.js").RestAnswers} RestAnswers */
/** @typedef {import("./rest-types.js").RestBodies} RestBodies */
/** @typedef {keyof RestAnswers} Operation */
/** @typedef {"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} Method */

/**
 * The names in a path's braces: `PathNames<"/a/{b}/c/{d}">` is `"b" | "d"`.
 * @template {string} P
 * @typedef {P extends `${string}{${infer Name}}${infer Rest}` ? Name | PathNames<Rest> : never} PathNames
 */

/**
 * What a call sends besides its operation: the values of the path's names, the query, the
 * body the operation takes.
 * @template {Operation} O
 * @typedef {{
 *   path?: Record<PathNames<O>, string>,
 *   query?: URLSearchParams | Record<string, string>,
 *   body?: O extends keyof RestBodies ? RestBodies[O] : undefined,
 * }} Parts
 */

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
 * One operation of the REST API, by its name in the OpenAPI document; its answer is the
 * operation's view (null for 204).
 * @template {Operation} O
 * @param {O} operation "METHOD /api/v1/path/{name}"
 * @param {Parts<O>} [parts]
 * @returns {Promise<RestAnswers[O]>}
 */
export async function call(operation, { path, query, body } = {}) {
  const [method, template] = operation.split(" ");
  /** @type {Record<string, string>} */
  const values = path || {};
  const filled = template.replace(/\{(\w+)\}/g, (_, name) => {
    if (values[name] === undefined) {
      // A page's mistake, not the server's answer: never sent with a hole in its path.
      throw new TypeError(`${operation} needs its ${name}.`);
    }
    return encodeURIComponent(values[name]);
  });
  const search = query === undefined ? "" : `?${new URLSearchParams(query)}`;
  return request(/** @type {Method} */ (method), filled + search, body);
}

/**
 * One request: JSON in, JSON out (null for an empty body), an ApiError for anything but 2xx.
 * Its answer is whatever the caller takes it to be: `call` names the operation instead, so
 * tsc knows it.
 * @template T
 * @param {Method} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<T>}
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
