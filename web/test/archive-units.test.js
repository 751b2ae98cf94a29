// The archive's numbers in human units (web/js/archive-page.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { bytes, clock, plural, span } from "../js/archive-page.js";

test("a position in seconds is shown as record time, cut to the second", () => {
  assert.equal(clock(7.4), "00:00:07");
  assert.equal(clock(3725), "01:02:05");
  assert.equal(clock(0), "00:00:00");
  assert.equal(clock(-3), "00:00:00");
});

test("a position that is not known is a dash", () => {
  assert.equal(clock(null), "—");
  assert.equal(clock(undefined), "—");
  assert.equal(clock("later"), "—");
});

test("a length of time is said in words", () => {
  assert.equal(span(12.4), "12 s");
  assert.equal(span(185), "3 min 5 s");
  assert.equal(span(3725), "1 h 2 min");
  assert.equal(span(null), "0 s");
});

test("sizes are in powers of 1000, one decimal below ten", () => {
  assert.equal(bytes(1), "1 byte");
  assert.equal(bytes(812), "812 bytes");
  assert.equal(bytes(48213), "48 kB");
  assert.equal(bytes(3_500_000), "3.5 MB");
  assert.equal(bytes(2e15), "2,000 TB");
});

test("a count takes the word for one or for many", () => {
  assert.equal(plural(1, "file", "files"), "1 file");
  assert.equal(plural(0, "file", "files"), "0 files");
});
