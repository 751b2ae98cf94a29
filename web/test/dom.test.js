// The shared DOM helpers' pure part (web/js/lib/dom.js): a server's message as a sentence.
import assert from "node:assert/strict";
import { test } from "node:test";

import { sentence } from "../js/lib/dom.js";

test("a message gets a capital and a full stop", () => {
  assert.equal(sentence("the witness is not present"), "The witness is not present.");
  assert.equal(sentence("  Done!  "), "Done!");
  assert.equal(sentence("Why?"), "Why?");
});

test("no message is an empty sentence", () => {
  assert.equal(sentence(""), "");
  assert.equal(sentence(null), "");
  assert.equal(sentence(undefined), "");
  assert.equal(sentence("   "), "");
});
