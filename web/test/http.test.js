// The pages' one HTTP client (web/js/lib/http.js), against a fake fetch.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { ApiError, call, request, whenLoggedOut } from "../js/lib/http.js";

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

function answer(status, body, headers = {}) {
  const text = body === undefined ? "" : JSON.stringify(body);
  return {
    ok: status >= 200 && status < 300,
    status,
    text: async () => text,
    headers: { get: (name) => headers[name] ?? null },
  };
}

function serve(respond) {
  const calls = [];
  globalThis.fetch = async (path, init) => {
    calls.push({ path, init });
    return respond(path, init);
  };
  return calls;
}

test("a request sends JSON with the session cookie and returns the answer's JSON", async () => {
  const calls = serve(() => answer(201, { id: "hrg_1" }));
  assert.deepEqual(await request("POST", "/api/v1/hearings", { case_number: "1-2/2026" }), {
    id: "hrg_1",
  });
  const [{ path, init }] = calls;
  assert.equal(path, "/api/v1/hearings");
  assert.equal(init.method, "POST");
  assert.equal(init.credentials, "same-origin");
  assert.equal(init.headers["Content-Type"], "application/json");
  assert.equal(init.body, '{"case_number":"1-2/2026"}');
});

test("an empty answer is null, and a GET sends no body", async () => {
  const calls = serve(() => answer(204));
  assert.equal(await request("GET", "/api/v1/session"), null);
  assert.equal(calls[0].init.body, undefined);
});

test("a problem is an ApiError in the server's words", async () => {
  serve(() => answer(409, { code: "conflict", detail: "The hearing has closed." }));
  await assert.rejects(request("DELETE", "/x"), (err) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.status, 409);
    assert.equal(err.code, "conflict");
    assert.equal(err.message, "The hearing has closed.");
    assert.equal(err.serverDetail, "The hearing has closed.");
    return true;
  });
});

test("a problem without words says the status, and none of the server's", async () => {
  serve(() => answer(500));
  await assert.rejects(request("GET", "/x"), (err) => {
    assert.equal(err.detail, "The court server answered 500.");
    assert.equal(err.serverDetail, "");
    return true;
  });
});

test("too many attempts carry the wait the server asks for", async () => {
  serve(() => answer(429, { detail: "Too many." }, { "Retry-After": "90" }));
  await assert.rejects(request("POST", "/api/v1/session", {}), (err) => err.retryAfter === 90);
});

test("a server that cannot be reached is status 0, said in words", async () => {
  serve(() => {
    throw new TypeError("Failed to fetch");
  });
  await assert.rejects(request("GET", "/x"), (err) => {
    assert.equal(err.status, 0);
    assert.match(err.detail, /could not be reached/);
    return true;
  });
});

test("an ended session (401) is reported to the page once per request", async () => {
  const seen = [];
  whenLoggedOut((err) => seen.push(err.status));
  serve(() => answer(401, { detail: "Log in again." }));
  await assert.rejects(request("GET", "/x"), ApiError);
  assert.deepEqual(seen, [401]);
});

test("an operation is called by its name: the path filled in and encoded, the query added", async () => {
  const calls = serve(() => answer(200, { revisions: [] }));
  await call("GET /api/v1/hearings/{hearing_id}/protocol/entries/{entry_id}/revisions", {
    path: { hearing_id: "hrg_1", entry_id: "a/b c" },
    query: { reason: "review by the bench" },
  });
  const [{ path, init }] = calls;
  assert.equal(
    path,
    "/api/v1/hearings/hrg_1/protocol/entries/a%2Fb%20c/revisions?reason=review+by+the+bench",
  );
  assert.equal(init.method, "GET");
});

test("an operation sends its body with its method", async () => {
  const calls = serve(() => answer(200, { id: "hrg_1" }));
  await call("POST /api/v1/hearings/{hearing_id}/cancel", {
    path: { hearing_id: "hrg_1" },
    body: { reason: "The defendant is ill." },
  });
  assert.equal(calls[0].path, "/api/v1/hearings/hrg_1/cancel");
  assert.equal(calls[0].init.method, "POST");
  assert.equal(calls[0].init.body, '{"reason":"The defendant is ill."}');
});

test("an operation missing a name of its path is refused before anything is sent", async () => {
  const calls = serve(() => answer(200, {}));
  await assert.rejects(call("GET /api/v1/hearings/{hearing_id}", { path: {} }), TypeError);
  assert.deepEqual(calls, []);
});
