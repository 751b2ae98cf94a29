// The court's words for a participant's connection (web/js/link-quality-words.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { degradation, FIGURE_TERMS, figures, gradeWords, percent, VIDEO_HELD } from "../js/link-quality-words.js";

/** @type {import("../js/lib/wire-types.js").LinkQualityView} */
const READING = {
  participant_id: "prt_d",
  path: "relayed",
  round_trip_ms: 84.6,
  loss_up: 0.1234,
  loss_down: 0.031,
  kbit_s_up: 812.4,
  kbit_s_down: 1499.6,
  grade: "bad",
};

test("each grade has its plain words and a tone: never the colour alone", () => {
  assert.deepEqual(
    ["good", "poor", "bad"].map((grade) => {
      const words = gradeWords(/** @type {"good" | "poor" | "bad"} */ (grade));
      return [words.label, words.tone];
    }),
    [
      ["Good connection", "ok"],
      ["Poor connection", "warning"],
      ["Very poor connection", "danger"],
    ],
  );
});

test("the figures: loss each way in %, round trip in ms, kbit/s each way, the path", () => {
  const values = figures(READING);
  assert.deepEqual(
    FIGURE_TERMS.map((term, index) => [term, values[index]]),
    [
      ["Loss from them", "12.3\u00a0%"],
      ["Loss to them", "3.1\u00a0%"],
      ["Round trip", "85\u00a0ms"],
      ["From them", "812\u00a0kbit/s"],
      ["To them", "1500\u00a0kbit/s"],
      ["Connection", "Relayed through TURN"],
    ],
  );
});

test("what is not measured yet says so rather than showing a zero", () => {
  const early = figures({ ...READING, path: null, round_trip_ms: null, loss_up: null });
  assert.deepEqual(early.filter((value) => /not/i.test(value)), [
    "not known yet",
    "not measured yet",
    "Not known yet",
  ]);
  assert.equal(percent(0), "0.0\u00a0%");
  assert.equal(figures({ ...READING, path: "direct" })[5], "Direct");
});

test("only a connection that got worse is said aloud", () => {
  const good = { ...READING, grade: /** @type {const} */ ("good") };
  const poor = { ...READING, grade: /** @type {const} */ ("poor") };
  assert.equal(degradation("Elvin", good, poor), "Elvin: poor connection.");
  assert.equal(degradation("Elvin", undefined, READING), "Elvin: very poor connection.");
  assert.equal(degradation("Elvin", poor, READING), "Elvin: very poor connection.");
  assert.equal(degradation("Elvin", poor, poor), null);
  assert.equal(degradation("Elvin", READING, good), null);
  assert.equal(degradation("Elvin", undefined, good), null);
});

test("held video is named for the bench, without the operator's setting", () => {
  assert.equal(VIDEO_HELD, "Video held back: over the court's bitrate limit");
  assert.doesNotMatch(VIDEO_HELD, /COURTROOM|kbps|MAX_/);
});
