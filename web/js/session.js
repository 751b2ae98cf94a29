// The page's part in the hearing: its state, one session (a Socket.IO connection's join, peer
// connection and publishing), and drawing the room the person is in.

import { ClientEvent } from "./events.js";
import { getLocalMedia, MediaAccessError, MediaSession } from "./media.js";
import { exhibitsJoined } from "./exhibit-register.js";
import { protocolJoined } from "./protocol-editor.js";
import { RecordClock } from "./record-clock.js";
import { suggestionsJoined } from "./protocol-suggestions.js";
import { setHearingState, showRoom, WHERE } from "./room-view.js";
import { SignalingError } from "./signaling.js";
import * as view from "./view.js";
import { BENCH } from "./lib/terms.js";
import { reduce } from "./hearing-reducers.js";
import { createStore } from "./lib/store.js";

// What the page knows of the hearing: the server's word on the hearing, our room and the
// people in it. Server events change it through their reducers (`dispatch`), a join and the
// end of a session through `live.update`; nothing else writes it.
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
  }),
);

// The page itself: its phase, its connection and media, and the parts it is drawn with.
const page = {
  // connecting, device-check, joined, reconnecting, left, ended, disconnected, invalid, no-link
  phase: "connecting",
  link: null,
  signaling: null,
  session: null, // {media: MediaSession}
  localStream: null,
  publishing: null, // {audio, video} once published, or null
  withoutMedia: false, // the person chose to take part without camera and microphone
  deviceReport: null, // {camera, microphone, speaker} from the device check
  leaving: false,
  ended: false, // the court ended this page's part (removed, replaced, closed, released)
  deviceCheck: null, // the DeviceCheck while and after it runs
  joinChat: [], // the conversation so far, from the join acknowledgement
  joins: 0,
  marks: {},
  grid: null,
  controls: null,
  screen: null, // the own screen share (ScreenShare)
  consultations: null,
  chat: null,
  courtPanel: "none", // none, loading, mounted, failed
  recordClock: new RecordClock(), // the record time, in step with the server's (heartbeat)
  invitation: null, // POST /api/v1/invitation: as whom, which case, when (invitation.js)
};

// `app` is the page with the live state's fields on it: `app.hearing` reads `live.state`, and
// `app.hearing = …` is a `live.update`, so no write bypasses the store.
export const app = /** @type {typeof page & import("./hearing-reducers.js").LiveState} */ (page);
for (const key of Object.keys(live.state)) {
  Object.defineProperty(app, key, {
    enumerable: true,
    get: () => live.state[/** @type {keyof typeof live.state} */ (key)],
    set: (value) => {
      live.update({ [key]: value });
    },
  });
}

/**
 * Apply a server event's change to the page's state (one reducer per event:
 * hearing-reducers.js) and return the change ({} when the event changed nothing).
 * @param {string} event a ServerEvent
 * @param {unknown} payload
 */
export function dispatch(event, payload) {
  return live.update((state) => reduce(state, event, payload));
}

export function can(permission) {
  return Boolean(app.self && (app.self.permissions || []).includes(permission));
}

export function canPublish() {
  return can("publish_audio") || can("publish_video");
}

export function roomKind() {
  return app.room ? app.room.kind : "hearing";
}

// ---- rendering -----------------------------------------------------------------------

export function renderTiles() {
  const shown = new Set();
  const screens = new Set();
  if (roomKind() !== "waiting") {
    for (const [id, tracks] of app.assignment) {
      const participant = app.present.get(id);
      if (!participant) {
        continue;
      }
      if (tracks.screen) {
        app.grid.upsertScreen(participant, tracks.screen);
        screens.add(id);
      }
      if (!tracks.audio && !tracks.video) {
        continue;
      }
      app.grid.upsert(participant, tracks);
      shown.add(id);
    }
  }
  app.grid.retain(shown);
  app.grid.retainScreens(screens);
  view.setEmpty(app.phase === "joined" && roomKind() !== "waiting" && shown.size === 0);
}

export function renderPresence() {
  const others = [...app.present.values()];
  view.renderRoster(selfWithFlags(), others);
  view.setObservers(others.filter((p) => p.role === "observer").length);
}

function selfWithFlags() {
  if (!app.self) {
    return null;
  }
  const own = app.controls ? app.controls.describe() : {};
  return { ...app.self, muted: Boolean(own.muted), hand_raised: Boolean(own.handRaised) };
}

let shownSelf = { stream: undefined, into: undefined };

// The own tile: in the waiting room's place while waiting, first in the grid elsewhere.
function renderSelf(kind) {
  const stream = app.localStream || null;
  if (!canPublish() || (!stream && !app.withoutMedia && !app.publishing)) {
    // An observer sends nothing: there is no own picture to show.
    app.grid.removeSelf();
    shownSelf = { stream: undefined, into: undefined };
    return;
  }
  const into = kind === "waiting" ? document.getElementById("waiting-self") : null;
  if (!app.grid.hasSelf || shownSelf.stream !== stream || shownSelf.into !== into) {
    app.grid.showSelf(app.self, stream, { into });
    shownSelf = { stream, into };
  }
  app.grid.updateSelf(selfWithFlags());
}

export function renderSpotlight() {
  const id = roomKind() === "hearing" ? app.spotlight : null;
  app.grid.setSpotlight(id && app.self && id === app.self.id ? "self" : id);
}

// Everything that depends on the room: the view, the own camera, the buttons.
let renderedKind = null;

export function renderRoom() {
  const kind = roomKind();
  if (kind !== renderedKind) {
    // When the person entered this room (tests time the first picture from admission).
    app.marks[`entered_${kind}`] = performance.now();
    renderedKind = kind;
  }
  showRoom(kind, { self: app.self });
  setHearingState(app.hearing);
  view.setState(WHERE[kind] || "In the hearing");
  renderSelf(kind);
  renderSpotlight();
  const audio = app.publishing && app.publishing.audio && app.localStream;
  app.controls.configure({
    track: audio ? app.localStream.getAudioTracks()[0] : null,
    canRaiseHand: kind === "hearing" && canPublish() && !BENCH.includes(app.self.role),
  });
  app.consultations.configure({ room: app.room });
  app.screen.configure({ visible: kind !== "waiting" && can("publish_screen") });
  app.chat.configure({ self: app.self });
  setRecording(app.recording);
  renderPresence();
  renderTiles();
}

// The own flags changed (muted, hand): tiles, roster and waiting preview show them.
export function renderOwnFlags() {
  if (!app.self || app.phase !== "joined") {
    return;
  }
  renderSelf(roomKind());
  renderPresence();
}

// The badge says "Recording" where the person is recorded: the hearing room only (the
// recorder never hears the waiting room or a consultation).
//
// While the court sits (in session, paused, suspended) the recorder runs by rule and the
// server refuses to stop it, so the court gets no start/stop button then: only before the
// hearing starts may the judge or clerk record (or stop recording) by hand.
const SITTING = ["in_session", "paused", "suspended"];

export function setRecording(recording) {
  live.update({ recording });
  const sitting = Boolean(app.hearing && SITTING.includes(app.hearing.state));
  view.setRecording(Boolean(recording), can("control_recording") && !sitting, {
    badge: roomKind() === "hearing",
  });
}

// ---- the session: one Socket.IO connection's join, peer connection and publishing ----

export function endSession() {
  renderedKind = null;
  if (app.screen) {
    app.screen.reset(); // a share lives and ends with its session on the server
  }
  if (app.session) {
    app.session.media.close();
    app.session = null;
  }
  live.update({ assignment: new Map(), present: new Map() });
  app.publishing = null;
  if (app.grid) {
    app.grid.retain(new Set());
  }
}

export async function startSession({ reconnected = false } = {}) {
  endSession();
  const media = new MediaSession({
    iceServers: [],
    onRemoteTracks: (assignment) => {
      if (app.session && app.session.media === media) {
        live.update({ assignment });
        renderTiles();
      }
    },
    onConnectionState: (state) => {
      if (app.session && app.session.media === media && state === "failed") {
        view.showAlert(
          "The media connection to the court failed. Use “Leave” and open your link again.",
        );
      }
    },
  });
  app.session = { media };
  app.phase = "connecting";
  view.setState(reconnected ? "Reconnecting…" : "Joining the hearing…");

  app.marks.joinSent = performance.now();
  const join = (takeOver) => {
    const joining = app.signaling.command(ClientEvent.JOIN, takeOver ? { take_over: true } : {});
    media.configureIceFrom(joining);
    return joining;
  };
  let data;
  try {
    // This page reconnecting takes its own seat back; a new page of a judge or clerk who is
    // in the hearing elsewhere is refused until the person says to continue here.
    data = await join(reconnected).catch(async (err) => {
      if (!(err instanceof SignalingError && err.code === "bench_already_connected")) {
        throw err;
      }
      if (!(await view.askTakeOver())) {
        refuseJoin("You stayed in the hearing in your other window.");
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
      refuseJoin(err.message);
      return;
    }
    throw err;
  }
  if (app.session === null || app.session.media !== media || app.ended) {
    return; // left, ended or reconnected again while the join was on its way
  }
  app.marks.joined = performance.now();
  live.update({
    self: data.participant,
    hearing: data.hearing,
    room: data.room || { id: null, kind: "hearing", label: "Hearing room" },
    spotlight: data.spotlight || null,
    locked: Boolean(data.locked),
    present: new Map((data.participants || []).map((p) => [p.id, p])),
  });
  app.phase = "joined";
  app.joins += 1;
  view.setHearing(app.hearing);
  view.showLive();
  setRecording(data.recording || null);
  view.setRecordingBusy(false);
  app.controls.afterJoin(app.self);
  app.consultations.restore(data.consultations || [], app.room);
  app.joinChat = data.chat || [];
  if (data.roster) {
    live.update({ lastRoster: data.roster }); // the court's ack carries the roster as it is now
  }
  for (const message of app.joinChat) {
    app.chat.add(message);
  }
  renderRoom();
  mountCourtPanelOnce(); // judge and clerk; once per page, not per reconnect
  // The protocol editor (write_protocol), every join; it suggests who is speaking.
  const editor = protocolJoined(app, data.protocol, data.active_speaker || null);
  exhibitsJoined(app, editor, data.exhibits); // the exhibit register, under the editor
  suggestionsJoined(app, editor, data.speech_to_text); // speech to text, or why it is off
  if (reconnected) {
    view.flashState("Reconnected");
    view.announce("Reconnected.");
  }
  if (data.replaced_previous) {
    view.showNotice(
      "Your link was open in another window or device; that one has left the hearing.",
    );
  }

  if (!canPublish()) {
    view.showNotice(
      "You are following this hearing as an observer. Others cannot see or hear you.",
    );
  } else if (app.localStream) {
    // The device check's camera and microphone, or those kept from before a reconnect.
    await publish(app.localStream);
  } else if (!app.withoutMedia) {
    await acquireAndPublish({ audio: can("publish_audio"), video: can("publish_video") });
  }
  if (app.deviceReport) {
    app.signaling.command(ClientEvent.REPORT_DEVICE_CHECK, app.deviceReport).catch((err) => {
      console.warn("the device check was not reported", err);
    });
  }
}

async function publish(stream) {
  if (!app.session) {
    return;
  }
  const audio = Boolean(stream && stream.getAudioTracks().length) && can("publish_audio");
  const video = Boolean(stream && stream.getVideoTracks().length) && can("publish_video");
  app.session.media.setLocalStream(stream);
  if (!audio && !video) {
    renderRoom();
    return;
  }
  await app.signaling.command(ClientEvent.PUBLISH, { audio, video });
  app.publishing = { audio, video };
  renderRoom();
}

async function acquireAndPublish({ audio, video }) {
  let stream = null;
  try {
    stream = await getLocalMedia({ audio, video, rawAudio: app.link.rawAudio });
  } catch (err) {
    if (!(err instanceof MediaAccessError)) {
      throw err;
    }
    // What to offer the person: this failure, or the microphone-only retry's own.
    let problem = err;
    if (video && audio && (err.kind === "missing" || err.kind === "busy")) {
      // No usable camera: carry on with the microphone and say so.
      try {
        stream = await getLocalMedia({ audio: true, video: false, rawAudio: app.link.rawAudio });
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
      offerMediaChoices(problem, { audio, video });
      return;
    }
  }
  if (app.localStream && app.localStream !== stream) {
    app.localStream.getTracks().forEach((track) => track.stop());
  }
  app.localStream = stream;
  view.hidePanel();
  await publish(stream);
}

function offerMediaChoices(err, wanted) {
  view.showMediaProblem(err.kind, {
    retry: () => acquireAndPublish(wanted).catch(reportError),
    audioOnly: wanted.audio
      ? () => acquireAndPublish({ audio: true, video: false }).catch(reportError)
      : null,
    withoutMedia: () => {
      app.withoutMedia = true; // and do not ask again after a reconnect
      view.hidePanel();
      renderRoom();
      view.showNotice(
        "You are in the hearing without camera or microphone. Others cannot see or hear you.",
      );
    },
  });
}

function refuseJoin(message) {
  app.ended = true;
  app.phase = "ended";
  app.signaling.close();
  endSession();
  if (app.localStream) {
    app.localStream.getTracks().forEach((track) => track.stop());
    app.localStream = null;
  }
  app.grid.clear();
  view.showJoinRefused(message);
}

// ---- the court panel (judge and clerk) -------------------------------------------------

export async function mountCourtPanelOnce() {
  if (app.courtPanel !== "none" || !can("moderate")) {
    return;
  }
  app.courtPanel = "loading";
  try {
    const { mountCourtPanel } = await import("./court-panel.js");
    mountCourtPanel({
      root: document.getElementById("court-panel"),
      signaling: app.signaling,
      self: app.self,
      hearing: app.hearing,
      // What came before the panel could listen: the roster is sent during the join.
      roster: app.lastRoster,
      spotlight: app.spotlight,
      locked: app.locked,
      chat: app.joinChat,
      // When the hearing is scheduled (invitation.js): opening it on another day asks.
      scheduledStart: app.invitation ? app.invitation.hearing.scheduled_start : null,
    });
    app.courtPanel = "mounted";
  } catch (err) {
    app.courtPanel = "failed";
    console.warn("the court panel could not be loaded", err);
  }
}

export function reportError(err) {
  console.error(err);
  if (err instanceof SignalingError) {
    view.showAlert(`The court server refused this: ${err.message}`);
  } else {
    view.showAlert(`Something went wrong: ${err && err.message ? err.message : err}`);
  }
}
