// The small store (web/js/lib/store.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { createStore } from "../js/lib/store.js";

test("an update replaces the state with the change merged in", () => {
  const store = createStore({ phase: "connecting", locked: false });
  const before = store.state;
  assert.deepEqual(store.update({ locked: true }), { locked: true });
  assert.deepEqual(store.state, { phase: "connecting", locked: true });
  assert.notEqual(store.state, before);
  assert.deepEqual(before, { phase: "connecting", locked: false });
});

test("a change may be a function of the state", () => {
  const store = createStore({ count: 1 });
  store.update((state) => ({ count: state.count + 1 }));
  assert.equal(store.state.count, 2);
});

test("the state cannot be changed behind the store's back", () => {
  const store = createStore({ locked: false });
  assert.throws(() => {
    "use strict";
    store.state.locked = true;
  }, TypeError);
});

test("subscribers hear every change with the state before it, and not an empty one", () => {
  const store = createStore({ spotlight: null });
  const seen = [];
  const stop = store.subscribe((state, before) => seen.push([before.spotlight, state.spotlight]));
  store.update({ spotlight: "prt_1" });
  assert.deepEqual(store.update(() => ({})), {});
  stop();
  store.update({ spotlight: "prt_2" });
  assert.deepEqual(seen, [[null, "prt_1"]]);
});
