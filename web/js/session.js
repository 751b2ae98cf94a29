// The page's part in the hearing: its two stores (what it knows of the hearing, `live`, and
// its own state, `page`), the parts it works with, and one session (a Socket.IO connection's
// join, peer connection and publishing). Drawing is hearing-drawing.js's, from the stores.

import { ClientEvent } from "./events.js";
import { getLocalMedia, MediaAccessError, MediaSession } from "./media.js";
import { exhibitsJoined } from "./exhibit-register.js";
import { protocolJoined } from "./protocol-editor.js";
import { suggestionsJoined } from "./protocol-suggestions.js";
import { SignalingError } from "./signaling.js";
import * as view from "./view.js";
import {
  joinAccepted,
  reduce,
  sessionClosed,
  tracksReceived,
} from "./hearing-reducers.js";
import {
  courtPanelIs,
  ended,
  initialPage,
  joined,
  published,
  sessionEnded,
  sessionStarted,
  streamIs,
  withoutMediaChosen,
} from "./page-state.js";
import { createStore } from "./lib/store.js";

// What the page knows of the hearing: the server's word on the hearing, our room and the
// people in it. Server events change it through their reducers (`dispatch`), the session
// through the named changes at the end of hearing-reducers.js; nothing else writes it.
export const live = createStore(
  /** @type {import("./hearing-reducers.js").LiveState} */ ({
    self: null, // our participant view, with permissions
    hearing: null,
    room: null, // {id, kind, label}
    spotlight: null, // participant id or null
    locked: false,
    present: new Map(), // participant id -> participant view (the others in our room)
    assignment: new Map(), // participant id -> {audio, video, screen} received tracks
    recording: null,
    lastRoster: null, // the court's last roster_changed (for the court panel when it mounts)
    leftReason: null, // participant_left about ourselves ("released")
    linkQuality: new Map(), // participant id -> their connection as last measured (court)
    videoHeld: new Map(), // participant id -> their video held back by the relay (court)
  }),
);

// The page's own state (page-state.js), changed only through its named changes.
export const page = createStore(initialPage());

/**
 * The objects the page works with, made once by join.js (they are not state: each keeps its
 * own, and the page calls them). Handed to every function that needs one.
 * @typedef {object} Parts
 * @property {{token: string, rawAudio: boolean, skipCheck: boolean}} link the join link
 * @property {import("./signaling.js").Signaling} signaling
 * @property {import("./tiles.js").TileGrid} grid
 * @property {import("./participant-controls.js").ParticipantControls} controls
 * @property {import("./consultation.js").Consultations} consultations
 * @property {import("./chat.js").Chat} chat
 * @property {import("./screen-share.js").ScreenShare} screen the own screen share
 * @property {import("./record-clock.js").RecordClock} recordClock the record time, in step
 *   with the server's (heartbeat)
 * @property {import("./device-check.js").DeviceCheck | null} deviceCheck the camera and
 *   microphone check, for a link that has one
 * @property {Record<string, number>} marks when the page reached each step
 *   (performance.now(); diagnostics and tests time the first picture from them). Not store
 *   state: nothing is drawn from it, and drawing writes it (`mark`).
 */

/**
 * Apply a server event's change to the page's state (one reducer per event:
 * hearing-reducers.js) and return the change ({} when the event changed nothing).
 * @param {string} event a ServerEvent
 * @param {unknown} payload
 */
export function dispatch(event, payload) {
  return live.update((state) => reduce(state, event, payload));
}

/**
 * @param {Parts} parts
 * @param {string} name
 */
export function mark(parts, name) {
  parts.marks[name] = performance.now();
}

/** @param {string} permission */
export function can(permission) {
  const self = live.state.self;
  return Boolean(self && (self.permissions || []).includes(permission));
}

export function canPublish() {
  return can("publish_audio") || can("publish_video");
}

export function roomKind() {
  return live.state.room ? live.state.room.kind : "hearing";
}

// ---- the session: one Socket.IO connection's join, peer connection and publishing ----

/** @param {Parts} parts */
export function endSession(parts) {
  parts.screen.reset(); // a share lives and ends with its session on the server
  const media = page.state.media;
  if (media) {
    media.close();
  }
  page.update(sessionEnded());
  live.update(sessionClosed());
}

// The page's part is over (left, ended, refused): the session, the camera and microphone,
// and every tile.
/** @param {Parts} parts */
export function stopTakingPart(parts) {
  endSession(parts);
  const stream = page.state.localStream;
  if (stream) {
    stream.getTracks().forEach((track) => track.stop());
    page.update(streamIs(null));
  }
  parts.grid.clear();
}

/**
 * @param {Parts} parts
 * @param {{reconnected?: boolean}} [options]
 */
export async function startSession(parts, { reconnected = false } = {}) {
  endSession(parts);
  const media = new MediaSession({
    iceServers: [],
    onRemoteTracks: (assignment) => {
      if (page.state.media === media) {
        live.update(tracksReceived(assignment));
      }
    },
    onConnectionState: (state) => {
      if (page.state.media === media && state === "failed") {
        view.showAlert(
          "The media connection to the court failed. Use “Leave” and open your link again.",
        );
      }
    },
  });
  page.update(sessionStarted(media));
  view.setState(reconnected ? "Reconnecting…" : "Joining the hearing…");

  mark(parts, "joinSent");
  const join = (/** @type {boolean} */ takeOver) => {
    const joining = parts.signaling.command(
      ClientEvent.JOIN,
      takeOver ? { take_over: true } : {},
    );
    media.configureIceFrom(joining);
    return joining;
  };
  /** @type {any} */
  let data;
  try {
    // This page reconnecting takes its own seat back; a new page of a judge or clerk who is
    // in the hearing elsewhere is refused until the person says to continue here.
    data = await join(reconnected).catch(async (err) => {
      if (!(err instanceof SignalingError && err.code === "bench_already_connected")) {
        throw err;
      }
      if (!(await view.askTakeOver())) {
        refuseJoin(parts, "You stayed in the hearing in your other window.");
        return null;
      }
      view.setState("Joining the hearing…");
      return join(true);
    });
    if (data === null) {
      return;
    }
  } catch (err) {
    if (err instanceof SignalingError && ["permission_denied", "invalid_state"].includes(err.code)) {
      // Removed earlier, a locked hearing, or one that has ended: no point in retrying.
      refuseJoin(parts, err.message);
      return;
    }
    throw err;
  }
  if (page.state.media !== media || page.state.ended) {
    return; // left, ended or reconnected again while the join was on its way
  }
  mark(parts, "joined");
  // What the page knows first (the hearing and the recording are drawn from it), then the
  // parts that follow the person, and last the join itself, from which the room is drawn.
  live.update(joinAccepted(data));
  view.showLive();
  view.setRecordingBusy(false);
  const self = live.state.self;
  parts.controls.afterJoin(self);
  parts.consultations.restore(data.consultations || [], live.state.room);
  const chat = data.chat || [];
  for (const message of chat) {
    parts.chat.add(message);
  }
  page.update(joined(chat));
  mountCourtPanelOnce(parts); // judge and clerk; once per page, not per reconnect
  // The protocol editor (write_protocol), every join; it suggests who is speaking.
  const writing = { signaling: parts.signaling, recordClock: parts.recordClock, live };
  const editor = protocolJoined(writing, data.protocol, data.active_speaker || null);
  exhibitsJoined(parts.signaling, editor, data.exhibits, data.exhibit_offers); // the exhibit register, under the editor
  suggestionsJoined(parts.signaling, editor, data.speech_to_text); // speech to text, or why it is off
  if (reconnected) {
    view.flashState("Reconnected");
    view.announce("Reconnected.");
  }
  if (data.replaced_previous) {
    view.showNotice(
      "Your link was open in another window or device; that one has left the hearing.",
    );
  }

  const stream = page.state.localStream;
  if (!canPublish()) {
    view.showNotice(
      "You are following this hearing as an observer. Others cannot see or hear you.",
    );
  } else if (stream) {
    // The device check's camera and microphone, or those kept from before a reconnect.
    await publish(parts, stream);
  } else if (!page.state.withoutMedia) {
    await acquireAndPublish(parts, { audio: can("publish_audio"), video: can("publish_video") });
  }
  const report = page.state.deviceReport;
  if (report) {
    parts.signaling.command(ClientEvent.REPORT_DEVICE_CHECK, report).catch((err) => {
      console.warn("the device check was not reported", err);
    });
  }
}

/**
 * @param {Parts} parts
 * @param {MediaStream} stream
 */
async function publish(parts, stream) {
  const media = page.state.media;
  if (!media) {
    return;
  }
  const audio = Boolean(stream && stream.getAudioTracks().length) && can("publish_audio");
  const video = Boolean(stream && stream.getVideoTracks().length) && can("publish_video");
  media.setLocalStream(stream);
  if (!audio && !video) {
    return;
  }
  await parts.signaling.command(ClientEvent.PUBLISH, { audio, video });
  page.update(published({ audio, video }));
}

/**
 * @param {Parts} parts
 * @param {{audio: boolean, video: boolean}} wanted
 */
async function acquireAndPublish(parts, { audio, video }) {
  const rawAudio = parts.link.rawAudio;
  let stream = null;
  try {
    stream = await getLocalMedia({ audio, video, rawAudio });
  } catch (err) {
    if (!(err instanceof MediaAccessError)) {
      throw err;
    }
    // What to offer the person: this failure, or the microphone-only retry's own.
    let problem = err;
    if (video && audio && (err.kind === "missing" || err.kind === "busy")) {
      // No usable camera: carry on with the microphone and say so.
      try {
        stream = await getLocalMedia({ audio: true, video: false, rawAudio });
        view.showNotice(
          err.kind === "busy"
            ? "Your camera is in use by another program, so you joined with your microphone only."
            : "No camera was found, so you joined with your microphone only.",
        );
      } catch (inner) {
        stream = null;
        problem = inner instanceof MediaAccessError ? inner : err;
      }
    }
    if (!stream) {
      offerMediaChoices(parts, problem, { audio, video });
      return;
    }
  }
  const before = page.state.localStream;
  if (before && before !== stream) {
    before.getTracks().forEach((track) => track.stop());
  }
  page.update(streamIs(stream));
  view.hidePanel();
  await publish(parts, stream);
}

/**
 * @param {Parts} parts
 * @param {MediaAccessError} err
 * @param {{audio: boolean, video: boolean}} wanted
 */
function offerMediaChoices(parts, err, wanted) {
  view.showMediaProblem(err.kind, {
    retry: () => acquireAndPublish(parts, wanted).catch(reportError),
    audioOnly: wanted.audio
      ? () => acquireAndPublish(parts, { audio: true, video: false }).catch(reportError)
      : null,
    withoutMedia: () => {
      view.hidePanel();
      page.update(withoutMediaChosen()); // and do not ask again after a reconnect
      view.showNotice(
        "You are in the hearing without camera or microphone. Others cannot see or hear you.",
      );
    },
  });
}

/**
 * @param {Parts} parts
 * @param {string} message
 */
function refuseJoin(parts, message) {
  page.update(ended());
  parts.signaling.close();
  stopTakingPart(parts);
  view.showJoinRefused(message);
}

// ---- the court panel (judge and clerk) -------------------------------------------------

/** @param {Parts} parts */
export async function mountCourtPanelOnce(parts) {
  if (page.state.courtPanel !== "none" || !can("moderate")) {
    return;
  }
  page.update(courtPanelIs("loading"));
  try {
    const { mountCourtPanel } = await import("./court-panel.js");
    const { self, hearing, lastRoster, spotlight, locked } = live.state;
    const { invitation, joinChat } = page.state;
    mountCourtPanel({
      root: document.getElementById("court-panel"),
      signaling: parts.signaling,
      live,
      self,
      hearing,
      // What came before the panel could listen: the roster is sent during the join.
      roster: lastRoster,
      spotlight,
      locked,
      chat: joinChat,
      // When the hearing is scheduled (invitation.js): opening it on another day asks.
      scheduledStart: invitation ? invitation.hearing.scheduled_start : null,
    });
    page.update(courtPanelIs("mounted"));
  } catch (err) {
    page.update(courtPanelIs("failed"));
    console.warn("the court panel could not be loaded", err);
  }
}

/** @param {any} err */
export function reportError(err) {
  console.error(err);
  if (err instanceof SignalingError) {
    view.showAlert(`The court server refused this: ${err.message}`);
  } else {
    view.showAlert(`Something went wrong: ${err && err.message ? err.message : err}`);
  }
}
