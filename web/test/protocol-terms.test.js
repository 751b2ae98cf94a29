// The protocol's words (web/js/protocol-terms.js): kinds, record times, signing, authors.
import assert from "node:assert/strict";
import { test } from "node:test";

import { authorName, kindLabel, recordClock, signingState } from "../js/protocol-terms.js";

test("an entry kind is named, and an unknown kind shown as it is", () => {
  assert.equal(kindLabel("off_the_record"), "Off the record");
  assert.equal(kindLabel("something_new"), "something_new");
  assert.equal(kindLabel(undefined), "");
});

test("record time is hh:mm:ss, truncated to the second", () => {
  assert.equal(recordClock(0), "00:00:00");
  assert.equal(recordClock(59_999), "00:00:59");
  assert.equal(recordClock(3_723_000), "01:02:03");
  assert.equal(recordClock(100 * 3600 * 1000), "100:00:00");
});

test("an entry with no place in the record has a dash for its time", () => {
  assert.equal(recordClock(null), "—");
  assert.equal(recordClock(undefined), "—");
  assert.equal(recordClock("soon"), "—");
});

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
