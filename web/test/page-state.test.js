// The join page's own state and its named changes (web/js/page-state.js), in the store.
import assert from "node:assert/strict";
import { test } from "node:test";

import { createStore } from "../js/lib/store.js";
import {
  deviceChecked,
  deviceCheckSkipped,
  ended,
  initialPage,
  joined,
  phaseIs,
  published,
  sessionEnded,
  sessionStarted,
  streamIs,
  withoutMediaChosen,
} from "../js/page-state.js";

const STREAM = /** @type {any} */ ({ id: "stream" });
const MEDIA = /** @type {any} */ ({ id: "media" });

test("a page starts connecting, with nothing chosen, published or joined", () => {
  const page = initialPage();
  assert.equal(page.phase, "connecting");
  assert.equal(page.joins, 0);
  assert.equal(page.publishing, null);
  assert.equal(page.ended, false);
  assert.equal(page.courtPanel, "none");
  assert.notEqual(initialPage().joinChat, page.joinChat, "each page has its own");
});

test("each join is counted, with the conversation it brought", () => {
  const page = createStore(initialPage());
  page.update(joined([{ id: "msg_1" }]));
  page.update(phaseIs("reconnecting"));
  page.update(joined([]));
  assert.equal(page.state.phase, "joined");
  assert.equal(page.state.joins, 2);
  assert.deepEqual(page.state.joinChat, []);
});

test("a session starts connecting with its peer connection and ends publishing nothing", () => {
  const page = createStore(initialPage());
  page.update(sessionStarted(MEDIA));
  assert.equal(page.state.media, MEDIA);
  assert.equal(page.state.phase, "connecting");
  page.update(published({ audio: true, video: false }));
  assert.deepEqual(page.state.publishing, { audio: true, video: false });
  page.update(sessionEnded());
  assert.equal(page.state.media, null);
  assert.equal(page.state.publishing, null);
});

test("a device check without a stream means taking part without camera and microphone", () => {
  const report = { camera: "failed", microphone: "failed", speaker: "ok" };
  assert.deepEqual(deviceChecked({ stream: null, report }), {
    localStream: null,
    withoutMedia: true,
    deviceReport: report,
  });
  const kept = deviceChecked({ stream: STREAM, report });
  assert.equal(kept.localStream, STREAM);
  assert.equal(kept.withoutMedia, false);
});

test("a link that skips the check still reports it, as skipped", () => {
  assert.deepEqual(deviceCheckSkipped().deviceReport, {
    camera: "skipped",
    microphone: "skipped",
    speaker: "skipped",
  });
});

test("the person's choices and the court's end are said once, and stay", () => {
  const page = createStore(initialPage());
  page.update(streamIs(STREAM));
  page.update(withoutMediaChosen());
  page.update(ended());
  assert.equal(page.state.localStream, STREAM);
  assert.equal(page.state.withoutMedia, true);
  assert.equal(page.state.ended, true);
  assert.equal(page.state.phase, "ended");
});
