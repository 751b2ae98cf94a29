// What the server tells the page (signaling/SIGNALING.md, "Notifications"), and what the page
// does about the connection itself coming and going.

import { ClientEvent, ServerEvent } from "./events.js";
import { isSelf } from "./hearing-reducers.js";
import {
  app,
  can,
  dispatch,
  endSession,
  renderPresence,
  renderRoom,
  renderSpotlight,
  renderTiles,
  reportError,
  roomKind,
  setRecording,
  startSession,
} from "./session.js";
import { setHearingState } from "./room-view.js";
import * as view from "./view.js";

const ENDED_CLOSE_MS = 3000;

// Why the court moved the person, in the words they read.
const MOVED = {
  admitted: "The court clerk admitted you to the hearing room.",
  called: "The court has called you into the hearing room.",
  sent_back: "The court sent you back to the waiting room.",
  dismissed:
    "Thank you. The court has finished hearing you for now, and you are back in the waiting room.",
  consultation_started: "You are in a private consultation. It is not recorded.",
  consultation_ended: "The private consultation has ended. You are back in the hearing.",
};

// The court ended this page's part in the hearing: no reconnecting, camera and microphone off.
export function endForGood(show) {
  if (app.ended) {
    return;
  }
  app.ended = true;
  app.phase = "ended";
  // The server closes the connection itself a moment later; this page never reconnects.
  app.signaling.stopReconnecting();
  window.setTimeout(() => app.signaling.close(), ENDED_CLOSE_MS);
  endSession();
  if (app.localStream) {
    app.localStream.getTracks().forEach((track) => track.stop());
    app.localStream = null;
  }
  app.grid.clear();
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.remove();
  }
  show();
}

/** @typedef {{participant?: import("./hearing-reducers.js").ParticipantView}} ParticipantPayload */

// ---- server events: each one's change to the state is its reducer's (hearing-reducers.js);
// ---- what follows here is drawing and saying it.

/** @param {ParticipantPayload} payload */
function participantJoined(payload) {
  if (!dispatch(ServerEvent.PARTICIPANT_JOINED, payload).present) {
    return;
  }
  const { participant } = payload;
  renderPresence();
  renderTiles();
  if (roomKind() !== "waiting") {
    view.announce(`${participant.name}, ${participant.role_label}, joined.`);
  }
}

/** @param {{participant_id: string, reason?: string}} payload */
function participantLeft(payload) {
  const { participant_id: id } = payload;
  const participant = app.present.get(id);
  if (!dispatch(ServerEvent.PARTICIPANT_LEFT, payload).present) {
    return; // we are the one who left: the reason is kept for the disconnect that follows
  }
  app.grid.remove(id);
  renderPresence();
  renderTiles();
  if (participant && roomKind() !== "waiting") {
    view.announce(`${participant.name}, ${participant.role_label}, left.`);
  }
}

/** @param {ParticipantPayload} payload */
function participantUpdated(payload) {
  const { participant } = payload;
  if (participant && app.self && isSelf(app, participant.id)) {
    app.controls.onSelfUpdated(participant);
    return;
  }
  const before = participant ? app.present.get(participant.id) : undefined;
  if (!dispatch(ServerEvent.PARTICIPANT_UPDATED, payload).present) {
    return;
  }
  app.grid.update(app.present.get(participant.id));
  renderPresence();
  if (participant.hand_raised && !before.hand_raised && can("moderate")) {
    view.announce(`${participant.name} raised their hand.`);
  }
}

/** @param {{recording: object}} payload */
function recordingStarted(payload) {
  dispatch(ServerEvent.RECORDING_STARTED, payload);
  setRecording(app.recording);
  view.announce("Recording started.");
}

/** @param {object} payload */
function recordingStopped(payload) {
  dispatch(ServerEvent.RECORDING_STOPPED, payload);
  setRecording(app.recording);
  view.announce("Recording stopped.");
}

/** @param {{hearing?: {state: string}}} payload */
function hearingStateChanged(payload) {
  if (!dispatch(ServerEvent.HEARING_STATE_CHANGED, payload).hearing) {
    return;
  }
  setHearingState(app.hearing);
  view.setHearing(app.hearing);
  setRecording(app.recording);
  if (payload.hearing.state === "closed") {
    endForGood(() => view.showHearingClosed());
    return;
  }
  view.announce(app.hearing.state_label || "");
}

/** @param {{room?: object, participants?: object[], reason?: string}} payload */
function roomChanged(payload) {
  if (!dispatch(ServerEvent.ROOM_CHANGED, payload).room) {
    return;
  }
  const { reason } = payload;
  const notice = document.getElementById("notice");
  if (Object.values(MOVED).includes(notice.textContent)) {
    view.hideNotice(); // the last move's notice, now out of date
  }
  renderRoom();
  const text = MOVED[reason];
  if (text) {
    view.announce(text);
    if (reason === "sent_back" || reason === "dismissed") {
      view.showNotice(text);
    }
  }
  // The view changed around the person: if what had focus is gone, start from the top.
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  if (!active || active === document.body || active.offsetParent === null) {
    document.getElementById("main").focus({ preventScroll: true });
  }
}

/** @param {{participant_id?: string}} payload */
function spotlightChanged(payload) {
  dispatch(ServerEvent.SPOTLIGHT_CHANGED, payload);
  renderSpotlight();
}

// Kept for the court panel, which reads the last roster when it mounts.
/** @param {object} roster */
function rosterChanged(roster) {
  dispatch(ServerEvent.ROSTER_CHANGED, roster);
}

/** @param {{locked: boolean}} payload */
function lockChanged(payload) {
  dispatch(ServerEvent.LOCK_CHANGED, payload);
}

// The screen tile itself comes and goes with the offers; these say who and why.
/** @param {{participant_id: string}} payload */
function screenShareStarted({ participant_id: id }) {
  const participant = app.present.get(id);
  if (participant) {
    view.announce(`${participant.name} is sharing a screen.`);
  }
}

/** @param {{participant_id: string, reason?: string}} payload */
function screenShareStopped({ participant_id: id, reason }) {
  if (isSelf(app, id)) {
    app.screen.onStopped(reason || "");
    return;
  }
  const participant = app.present.get(id);
  if (participant) {
    view.announce(`${participant.name} stopped sharing a screen.`);
  }
}

/**
 * What the page does on each server event, one function each.
 * @type {Readonly<Record<string, (payload: any) => void>>}
 */
const ON_SERVER_EVENT = Object.freeze({
  [ServerEvent.PARTICIPANT_JOINED]: participantJoined,
  [ServerEvent.PARTICIPANT_LEFT]: participantLeft,
  [ServerEvent.PARTICIPANT_UPDATED]: participantUpdated,
  [ServerEvent.RECORDING_STARTED]: recordingStarted,
  [ServerEvent.RECORDING_STOPPED]: recordingStopped,
  [ServerEvent.HEARING_STATE_CHANGED]: hearingStateChanged,
  [ServerEvent.ROOM_CHANGED]: roomChanged,
  [ServerEvent.SPOTLIGHT_CHANGED]: spotlightChanged,
  [ServerEvent.ROSTER_CHANGED]: rosterChanged,
  [ServerEvent.LOCK_CHANGED]: lockChanged,
  [ServerEvent.MUTED]: ({ reason }) => app.controls.onMuted(reason || ""),
  [ServerEvent.UNMUTE_REQUESTED]: () => app.controls.onUnmuteRequested(),
  // A released witness is told with `removed` and `released: true`: thanked, not removed.
  [ServerEvent.REMOVED]: ({ reason, released, cause }) =>
    endForGood(() => (released ? view.showReleased() : view.showRemoved(reason || "", cause))),
  [ServerEvent.SESSION_REPLACED]: ({ cause }) =>
    endForGood(() => view.showReplaced(() => window.location.reload(), cause)),
  [ServerEvent.CHAT_MESSAGE]: ({ message }) => app.chat.add(message),
  [ServerEvent.SCREEN_SHARE_STARTED]: screenShareStarted,
  [ServerEvent.SCREEN_SHARE_STOPPED]: screenShareStopped,
  [ServerEvent.CONSULTATION_REQUESTED]: ({ consultation }) =>
    consultation && app.consultations.onRequested(consultation),
  [ServerEvent.CONSULTATION_STARTED]: ({ consultation }) =>
    consultation && app.consultations.onStarted(consultation),
  [ServerEvent.CONSULTATION_ENDED]: ({ consultation, reason }) =>
    consultation && app.consultations.onEnded(consultation, reason),
});

// Server events (ON_SERVER_EVENT), the server's offers, and the connection's own events.
/** @param {import("./signaling.js").Signaling} signaling */
export function listen(signaling) {
  signaling.on(ServerEvent.OFFER, async (offer) => {
    const session = app.session;
    if (!session) {
      return;
    }
    try {
      const answer = await session.media.handleOffer(offer);
      if (app.session !== session) {
        return;
      }
      await signaling.command(ClientEvent.ANSWER, {
        revision: offer.revision,
        type: answer.type,
        sdp: answer.sdp,
      });
    } catch (err) {
      if (app.session === session) {
        console.error("negotiation failed", err);
        view.showAlert(`The video connection could not be set up: ${err.message}`);
      }
    }
  });

  for (const [event, handler] of Object.entries(ON_SERVER_EVENT)) {
    // The table's keys are ServerEvent values (tests/web keeps ServerEvent and the server's
    // notifications equal); Object.entries only knows them as strings.
    signaling.on(/** @type {keyof import("./lib/wire-types.js").ServerPayloads} */ (event), handler);
  }

  signaling.onConnection("disconnect", (reason) => {
    if (app.leaving || app.ended) {
      return;
    }
    app.chat.setConnected(false);
    if (app.phase === "device-check") {
      // Not joined yet: the check goes on, and the join waits for the connection.
      view.setState("Connection to the court lost. Reconnecting…");
      return;
    }
    endSession();
    renderPresence();
    view.setEmpty(false);
    view.setRecordingBusy(true); // no commands while there is no connection
    if (reason === "io server disconnect") {
      if (app.leftReason === "released") {
        endForGood(() => view.showReleased());
        return;
      }
      app.phase = "disconnected";
      view.showClosedByServer(() => window.location.reload());
    } else {
      app.phase = "reconnecting";
      view.setState("Connection lost. Reconnecting…");
    }
  });

  // Every reconnect is a fresh session on the server: join and publish again. The server
  // puts the person back in the room they were in (rejoined: true).
  signaling.onConnection("connect", () => {
    app.chat.setConnected(true);
    if (app.phase === "reconnecting") {
      startSession({ reconnected: true }).catch(reportError);
    } else if (app.phase === "device-check") {
      view.setState("Check your camera and microphone");
    }
  });

  signaling.onConnection("connect_error", (err) => {
    if (err && err.data && err.data.code) {
      app.phase = "invalid";
      endSession();
      signaling.close();
      view.showInvalidLink(err.message);
    }
  });
}
