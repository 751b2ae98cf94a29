// Drawing the join page from its two stores (session.js `live` and `page`): one subscription
// to each compares the state before and after a change by identity and redraws what depends
// on the fields that changed: the hearing's name and state, the room the person is in (view,
// own camera, buttons), who is present, the tiles, the spotlight and the recording badge.
// Nothing else draws these; a change to the state is enough.

import { mark, live, page, can, canPublish, roomKind } from "./session.js";
import { setHearingState, showRoom, WHERE } from "./room-view.js";
import * as view from "./view.js";
import { BENCH } from "./lib/terms.js";

/** @typedef {import("./session.js").Parts} Parts */
/** @typedef {import("./hearing-reducers.js").LiveState} LiveState */
/** @typedef {import("./page-state.js").PageState} PageState */

/**
 * Both stores' states at one moment.
 * @typedef {{live: Readonly<LiveState>, page: Readonly<PageState>}} Moment
 */

/**
 * Redraw from every change of either store, from now on.
 * @param {Parts} parts
 */
export function drawOnChange(parts) {
  live.subscribe((state, before) =>
    redraw(parts, { live: state, page: page.state }, { live: before, page: page.state }),
  );
  page.subscribe((state, before) =>
    redraw(parts, { live: live.state, page: state }, { live: live.state, page: before }),
  );
}

/**
 * @param {Parts} parts
 * @param {Moment} now
 * @param {Moment} was
 */
function redraw(parts, now, was) {
  const changed = (/** @type {keyof LiveState} */ field) => now.live[field] !== was.live[field];
  const pageChanged = (/** @type {keyof PageState} */ field) => now.page[field] !== was.page[field];
  if (changed("hearing")) {
    view.setHearing(now.live.hearing);
    setHearingState(now.live.hearing);
  }
  // The room, and everything in it, is drawn once joined: at each join, on entering another
  // room, and when what the person sends changes (publishing, or the choice to send nothing).
  const joined = now.page.phase === "joined";
  if (
    joined &&
    (pageChanged("joins") ||
      pageChanged("phase") ||
      changed("room") ||
      changed("self") ||
      (pageChanged("publishing") && now.page.publishing !== null) ||
      pageChanged("withoutMedia"))
  ) {
    drawRoom(parts);
    return;
  }
  if (changed("recording") || changed("hearing") || changed("room") || changed("self")) {
    drawRecording();
  }
  if (changed("present") || changed("self")) {
    drawPresence(parts);
  }
  if (changed("present") || changed("assignment") || changed("room")) {
    drawTiles(parts);
  }
  if (changed("spotlight")) {
    drawSpotlight(parts);
  }
}

/** @param {Parts} parts */
function drawTiles(parts) {
  const { grid } = parts;
  const { assignment, present } = live.state;
  const shown = new Set();
  const screens = new Set();
  if (roomKind() !== "waiting") {
    for (const [id, tracks] of assignment) {
      const participant = present.get(id);
      if (!participant) {
        continue;
      }
      if (tracks.screen) {
        grid.upsertScreen(participant, tracks.screen);
        screens.add(id);
      }
      if (!tracks.audio && !tracks.video) {
        continue;
      }
      grid.upsert(participant, tracks);
      shown.add(id);
    }
  }
  grid.retain(shown);
  grid.retainScreens(screens);
  view.setEmpty(page.state.phase === "joined" && roomKind() !== "waiting" && shown.size === 0);
}

/** @param {Parts} parts */
function drawPresence(parts) {
  const others = [...live.state.present.values()];
  view.renderRoster(selfWithFlags(parts), others);
  view.setObservers(others.filter((p) => p.role === "observer").length);
}

/** @param {Parts} parts */
function selfWithFlags(parts) {
  const self = live.state.self;
  if (!self) {
    return null;
  }
  const own = parts.controls.describe();
  return { ...self, muted: Boolean(own.muted), hand_raised: Boolean(own.handRaised) };
}

/** @type {{stream: MediaStream | null | undefined, into: HTMLElement | null | undefined}} */
let shownSelf = { stream: undefined, into: undefined };

// The own tile: in the waiting room's place while waiting, first in the grid elsewhere.
/**
 * @param {Parts} parts
 * @param {string} kind
 */
function drawSelf(parts, kind) {
  const { grid } = parts;
  const { localStream, withoutMedia, publishing } = page.state;
  const stream = localStream || null;
  if (!canPublish() || (!stream && !withoutMedia && !publishing)) {
    // An observer sends nothing: there is no own picture to show.
    grid.removeSelf();
    shownSelf = { stream: undefined, into: undefined };
    return;
  }
  const into = kind === "waiting" ? document.getElementById("waiting-self") : null;
  if (!grid.hasSelf || shownSelf.stream !== stream || shownSelf.into !== into) {
    grid.showSelf(live.state.self, stream, { into });
    shownSelf = { stream, into };
  }
  grid.updateSelf(selfWithFlags(parts));
}

/** @param {Parts} parts */
function drawSpotlight(parts) {
  const { spotlight, self } = live.state;
  const id = roomKind() === "hearing" ? spotlight : null;
  parts.grid.setSpotlight(id && self && id === self.id ? "self" : id);
}

// Which join and room the person was last seen entering (for the `entered_<kind>` marks).
let entered = { joins: 0, kind: "" };

// Everything that depends on the room: the view, the own camera, the buttons.
/** @param {Parts} parts */
function drawRoom(parts) {
  const kind = roomKind();
  const { self, hearing, room } = live.state;
  const { joins, publishing, localStream } = page.state;
  if (joins !== entered.joins || kind !== entered.kind) {
    // When the person entered this room (tests time the first picture from admission).
    mark(parts, `entered_${kind}`);
    entered = { joins, kind };
  }
  showRoom(kind, { self });
  setHearingState(hearing);
  view.setState(WHERE[/** @type {keyof typeof WHERE} */ (kind)] || "In the hearing");
  drawSelf(parts, kind);
  drawSpotlight(parts);
  const audio = publishing && publishing.audio && localStream;
  parts.controls.configure({
    track: audio ? localStream.getAudioTracks()[0] : null,
    canRaiseHand: kind === "hearing" && canPublish() && !BENCH.includes(self.role),
  });
  parts.consultations.configure({ room });
  parts.screen.configure({ visible: kind !== "waiting" && can("publish_screen") });
  parts.chat.configure({ self });
  drawRecording();
  drawPresence(parts);
  drawTiles(parts);
}

// The own flags changed (muted, hand): tiles, roster and waiting preview show them. The
// controls keep these flags themselves (they are not the store's), and say when they change.
/** @param {Parts} parts */
export function drawOwnFlags(parts) {
  if (!live.state.self || page.state.phase !== "joined") {
    return;
  }
  drawSelf(parts, roomKind());
  drawPresence(parts);
}

// The badge says "Recording" where the person is recorded: the hearing room only (the
// recorder never hears the waiting room or a consultation).
//
// While the court sits (in session, paused, suspended) the recorder runs by rule and the
// server refuses to stop it, so the court gets no start/stop button then: only before the
// hearing starts may the judge or clerk record (or stop recording) by hand.
const SITTING = ["in_session", "paused", "suspended"];

function drawRecording() {
  const { recording, hearing } = live.state;
  const sitting = Boolean(hearing && SITTING.includes(hearing.state));
  view.setRecording(Boolean(recording), can("control_recording") && !sitting, {
    badge: roomKind() === "hearing",
  });
}
