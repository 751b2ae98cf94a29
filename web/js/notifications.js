// What the server tells the page (signaling/SIGNALING.md, "Notifications"), and what the page
// does about the connection itself coming and going.

import { ClientEvent, ServerEvent } from "./events.js";
import { isSelf } from "./hearing-reducers.js";
import { ended, phaseIs } from "./page-state.js";
import {
  can,
  dispatch,
  endSession,
  live,
  page,
  reportError,
  roomKind,
  startSession,
  stopTakingPart,
} from "./session.js";
import * as view from "./view.js";

/** @typedef {import("./session.js").Parts} Parts */

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

/**
 * The court ended this page's part in the hearing: no reconnecting, camera and microphone off.
 * @param {Parts} parts
 * @param {() => void} show
 */
function endForGood(parts, show) {
  if (page.state.ended) {
    return;
  }
  page.update(ended());
  // The server closes the connection itself a moment later; this page never reconnects.
  parts.signaling.stopReconnecting();
  window.setTimeout(() => parts.signaling.close(), ENDED_CLOSE_MS);
  stopTakingPart(parts);
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.remove();
  }
  show();
}

/** @typedef {{participant?: import("./hearing-reducers.js").ParticipantView}} ParticipantPayload */

// ---- server events: each one's change to the state is its reducer's (hearing-reducers.js),
// ---- and the page redraws from the state (hearing-drawing.js); what follows here is what
// ---- the page says about it and what its parts do.

/** @param {ParticipantPayload} payload */
function participantJoined(payload) {
  if (!dispatch(ServerEvent.PARTICIPANT_JOINED, payload).present) {
    return;
  }
  const { participant } = payload;
  if (participant && roomKind() !== "waiting") {
    view.announce(`${participant.name}, ${participant.role_label}, joined.`);
  }
}

/** @param {{participant_id: string, reason?: string}} payload */
function participantLeft(payload) {
  const { participant_id: id } = payload;
  const participant = live.state.present.get(id);
  if (!dispatch(ServerEvent.PARTICIPANT_LEFT, payload).present) {
    return; // we are the one who left: the reason is kept for the disconnect that follows
  }
  if (participant && roomKind() !== "waiting") {
    view.announce(`${participant.name}, ${participant.role_label}, left.`);
  }
}

/**
 * @param {ParticipantPayload} payload
 * @param {Parts} parts
 */
function participantUpdated(payload, parts) {
  const { participant } = payload;
  if (participant && isSelf(live.state, participant.id)) {
    parts.controls.onSelfUpdated(participant);
    return;
  }
  const before = participant ? live.state.present.get(participant.id) : undefined;
  if (!dispatch(ServerEvent.PARTICIPANT_UPDATED, payload).present) {
    return;
  }
  if (participant && before && participant.hand_raised && !before.hand_raised && can("moderate")) {
    view.announce(`${participant.name} raised their hand.`);
  }
}

/** @param {{recording: object}} payload */
function recordingStarted(payload) {
  dispatch(ServerEvent.RECORDING_STARTED, payload);
  view.announce("Recording started.");
}

/** @param {object} payload */
function recordingStopped(payload) {
  dispatch(ServerEvent.RECORDING_STOPPED, payload);
  view.announce("Recording stopped.");
}

/**
 * @param {{hearing?: {state: string}}} payload
 * @param {Parts} parts
 */
function hearingStateChanged(payload, parts) {
  const { hearing } = dispatch(ServerEvent.HEARING_STATE_CHANGED, payload);
  if (!hearing) {
    return;
  }
  if (hearing.state === "closed") {
    endForGood(parts, () => view.showHearingClosed());
    return;
  }
  view.announce(hearing.state_label || "");
}

/** @param {{room?: object, participants?: object[], reason?: string}} payload */
function roomChanged(payload) {
  const notice = /** @type {HTMLElement} */ (document.getElementById("notice"));
  // The last move's notice, now out of date (read before the room is drawn, which does not
  // touch it either).
  const outdated = Object.values(MOVED).includes(notice.textContent || "");
  if (!dispatch(ServerEvent.ROOM_CHANGED, payload).room) {
    return;
  }
  if (outdated) {
    view.hideNotice();
  }
  const { reason } = payload;
  const text = reason ? MOVED[/** @type {keyof typeof MOVED} */ (reason)] : undefined;
  if (text) {
    view.announce(text);
    if (reason === "sent_back" || reason === "dismissed") {
      view.showNotice(text);
    }
  }
  // The view changed around the person: if what had focus is gone, start from the top.
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  if (!active || active === document.body || active.offsetParent === null) {
    /** @type {HTMLElement} */ (document.getElementById("main")).focus({ preventScroll: true });
  }
}

// The screen tile itself comes and goes with the offers; these say who and why.
/** @param {{participant_id: string}} payload */
function screenShareStarted({ participant_id: id }) {
  const participant = live.state.present.get(id);
  if (participant) {
    view.announce(`${participant.name} is sharing a screen.`);
  }
}

/**
 * @param {{participant_id: string, reason?: string}} payload
 * @param {Parts} parts
 */
function screenShareStopped({ participant_id: id, reason }, parts) {
  if (isSelf(live.state, id)) {
    parts.screen.onStopped(reason || "");
    return;
  }
  const participant = live.state.present.get(id);
  if (participant) {
    view.announce(`${participant.name} stopped sharing a screen.`);
  }
}

/**
 * What the page does on each server event, one function each.
 * @type {Readonly<Record<string, (payload: any, parts: Parts) => void>>}
 */
const ON_SERVER_EVENT = Object.freeze({
  [ServerEvent.PARTICIPANT_JOINED]: participantJoined,
  [ServerEvent.PARTICIPANT_LEFT]: participantLeft,
  [ServerEvent.PARTICIPANT_UPDATED]: participantUpdated,
  [ServerEvent.RECORDING_STARTED]: recordingStarted,
  [ServerEvent.RECORDING_STOPPED]: recordingStopped,
  [ServerEvent.HEARING_STATE_CHANGED]: hearingStateChanged,
  [ServerEvent.ROOM_CHANGED]: roomChanged,
  // The spotlight, the roster (kept for the court panel, which reads the last one when it
  // mounts) and the lock: their reducers' change is all there is.
  [ServerEvent.SPOTLIGHT_CHANGED]: (payload) => dispatch(ServerEvent.SPOTLIGHT_CHANGED, payload),
  [ServerEvent.ROSTER_CHANGED]: (payload) => dispatch(ServerEvent.ROSTER_CHANGED, payload),
  [ServerEvent.LOCK_CHANGED]: (payload) => dispatch(ServerEvent.LOCK_CHANGED, payload),
  // The court's: each participant's connection, and whose video the relay holds back. The
  // court panel draws them from the store, and says what got worse.
  [ServerEvent.CONNECTION_QUALITY_MEASURED]: (payload) =>
    dispatch(ServerEvent.CONNECTION_QUALITY_MEASURED, payload),
  [ServerEvent.VIDEO_HOLD_CHANGED]: (payload) => dispatch(ServerEvent.VIDEO_HOLD_CHANGED, payload),
  [ServerEvent.MUTED]: ({ reason }, parts) => parts.controls.onMuted(reason || ""),
  [ServerEvent.UNMUTE_REQUESTED]: (_payload, parts) => parts.controls.onUnmuteRequested(),
  // A released witness is told with `removed` and `released: true`: thanked, not removed.
  [ServerEvent.REMOVED]: ({ reason, released, cause }, parts) =>
    endForGood(parts, () =>
      released ? view.showReleased() : view.showRemoved(reason || "", cause),
    ),
  [ServerEvent.SESSION_REPLACED]: ({ cause }, parts) =>
    endForGood(parts, () => view.showReplaced(() => window.location.reload(), cause)),
  [ServerEvent.CHAT_MESSAGE]: ({ message }, parts) => parts.chat.add(message),
  [ServerEvent.SCREEN_SHARE_STARTED]: screenShareStarted,
  [ServerEvent.SCREEN_SHARE_STOPPED]: screenShareStopped,
  [ServerEvent.CONSULTATION_REQUESTED]: ({ consultation }, parts) =>
    consultation && parts.consultations.onRequested(consultation),
  [ServerEvent.CONSULTATION_STARTED]: ({ consultation }, parts) =>
    consultation && parts.consultations.onStarted(consultation),
  [ServerEvent.CONSULTATION_ENDED]: ({ consultation, reason }, parts) =>
    consultation && parts.consultations.onEnded(consultation, reason),
});

// Server events (ON_SERVER_EVENT), the server's offers, and the connection's own events.
/** @param {Parts} parts */
export function listen(parts) {
  const { signaling } = parts;
  signaling.on(ServerEvent.OFFER, async (offer) => {
    const media = page.state.media;
    if (!media) {
      return;
    }
    try {
      const answer = await media.handleOffer(offer);
      if (page.state.media !== media) {
        return;
      }
      await signaling.command(ClientEvent.ANSWER, {
        revision: offer.revision,
        type: answer.type,
        sdp: answer.sdp,
      });
    } catch (err) {
      if (page.state.media === media) {
        console.error("negotiation failed", err);
        view.showAlert(`The video connection could not be set up: ${err.message}`);
      }
    }
  });

  for (const [event, handler] of Object.entries(ON_SERVER_EVENT)) {
    // The table's keys are ServerEvent values (tests/web keeps ServerEvent and the server's
    // notifications equal); Object.entries only knows them as strings.
    signaling.on(
      /** @type {keyof import("./lib/wire-types.js").ServerPayloads} */ (event),
      (payload) => handler(payload, parts),
    );
  }

  signaling.onConnection("disconnect", (reason) => {
    const { leaving, phase } = page.state;
    if (leaving || page.state.ended) {
      return;
    }
    parts.chat.setConnected(false);
    if (phase === "device-check") {
      // Not joined yet: the check goes on, and the join waits for the connection.
      view.setState("Connection to the court lost. Reconnecting…");
      return;
    }
    endSession(parts); // who is present is drawn again: nobody, until the next join
    view.setEmpty(false);
    view.setRecordingBusy(true); // no commands while there is no connection
    if (reason === "io server disconnect") {
      if (live.state.leftReason === "released") {
        endForGood(parts, () => view.showReleased());
        return;
      }
      page.update(phaseIs("disconnected"));
      view.showClosedByServer(() => window.location.reload());
    } else {
      page.update(phaseIs("reconnecting"));
      view.setState("Connection lost. Reconnecting…");
    }
  });

  // Every reconnect is a fresh session on the server: join and publish again. The server
  // puts the person back in the room they were in (rejoined: true).
  signaling.onConnection("connect", () => {
    parts.chat.setConnected(true);
    const { phase } = page.state;
    if (phase === "reconnecting") {
      startSession(parts, { reconnected: true }).catch(reportError);
    } else if (phase === "device-check") {
      view.setState("Check your camera and microphone");
    }
  });

  signaling.onConnection("connect_error", (err) => {
    if (err && err.data && err.data.code) {
      page.update(phaseIs("invalid"));
      endSession(parts);
      signaling.close();
      view.showInvalidLink(err.message);
    }
  });
}
