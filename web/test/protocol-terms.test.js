// The protocol's words (web/js/protocol-terms.js): its state of signing and its authors.
import assert from "node:assert/strict";
import { test } from "node:test";

import { authorName, signingState } from "../js/protocol-terms.js";

test("the protocol is final once both the judge and the clerk have signed", () => {
  assert.equal(signingState([]).key, "draft");
  assert.equal(signingState(null).key, "draft");
  assert.equal(signingState([{ role: "judge" }]).key, "judge");
  assert.equal(signingState([{ role: "clerk" }]).key, "clerk");
  assert.equal(signingState([{ role: "clerk" }, { role: "judge" }]).key, "locked");
});

test("an author is named as a person would say it", () => {
  assert.equal(authorName("system"), "The court system");
  assert.equal(authorName("staff:alice"), "alice");
  assert.equal(authorName("token:e-court:1"), "e-court:1");
  const people = { prt_1: { name: "Aysel", role: "clerk", role_label: "Court clerk" } };
  assert.equal(authorName("participant:prt_1 (clerk)", people), "Aysel (Court clerk)");
  assert.equal(authorName("participant:prt_9 (judge)", people), "participant:prt_9 (judge)");
});
