// What the server tells the page (signaling/PROTOCOL.md, "Notifications"), and what the page
// does about the connection itself coming and going.

import { ClientEvent, ServerEvent } from "./events.js";
import {
  app,
  can,
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

function isSelf(id) {
  return Boolean(app.self && id === app.self.id);
}

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

  signaling.on(ServerEvent.PARTICIPANT_JOINED, ({ participant }) => {
    if (!participant || !app.self || isSelf(participant.id)) {
      return;
    }
    app.present.set(participant.id, participant);
    renderPresence();
    renderTiles();
    if (roomKind() !== "waiting") {
      view.announce(`${participant.name}, ${participant.role_label}, joined.`);
    }
  });

  signaling.on(ServerEvent.PARTICIPANT_LEFT, ({ participant_id: id, reason }) => {
    if (isSelf(id)) {
      app.leftReason = reason; // "released": the disconnect that follows is the court's
      return;
    }
    const participant = app.present.get(id);
    app.present.delete(id);
    app.assignment.delete(id);
    app.grid.remove(id);
    renderPresence();
    renderTiles();
    if (participant && roomKind() !== "waiting") {
      view.announce(`${participant.name}, ${participant.role_label}, left.`);
    }
  });

  signaling.on(ServerEvent.PARTICIPANT_UPDATED, ({ participant }) => {
    if (!participant || !app.self) {
      return;
    }
    if (isSelf(participant.id)) {
      app.controls.onSelfUpdated(participant);
      return;
    }
    const before = app.present.get(participant.id);
    if (!before) {
      return;
    }
    app.present.set(participant.id, { ...before, ...participant });
    app.grid.update(app.present.get(participant.id));
    renderPresence();
    if (participant.hand_raised && !before.hand_raised && can("moderate")) {
      view.announce(`${participant.name} raised their hand.`);
    }
  });

  signaling.on(ServerEvent.RECORDING_STARTED, ({ recording }) => {
    setRecording(recording);
    view.announce("Recording started.");
  });

  signaling.on(ServerEvent.RECORDING_STOPPED, () => {
    setRecording(null);
    view.announce("Recording stopped.");
  });

  signaling.on(ServerEvent.HEARING_STATE_CHANGED, ({ hearing }) => {
    if (!hearing) {
      return;
    }
    app.hearing = { ...app.hearing, ...hearing };
    setHearingState(app.hearing);
    view.setHearing(app.hearing);
    setRecording(app.recording);
    if (hearing.state === "closed") {
      endForGood(() => view.showHearingClosed());
      return;
    }
    view.announce(app.hearing.state_label || "");
  });

  signaling.on(ServerEvent.ROOM_CHANGED, ({ room, participants, reason }) => {
    if (!room || !app.self) {
      return;
    }
    app.room = room;
    app.present = new Map((participants || []).map((p) => [p.id, p]));
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
  });

  signaling.on(ServerEvent.SPOTLIGHT_CHANGED, ({ participant_id: id }) => {
    app.spotlight = id || null;
    renderSpotlight();
  });

  signaling.on(ServerEvent.ROSTER_CHANGED, (roster) => {
    app.lastRoster = roster;
  });

  signaling.on(ServerEvent.LOCK_CHANGED, ({ locked }) => {
    app.locked = Boolean(locked);
  });

  signaling.on(ServerEvent.MUTED, ({ reason }) => app.controls.onMuted(reason || ""));
  signaling.on(ServerEvent.UNMUTE_REQUESTED, () => app.controls.onUnmuteRequested());

  // A released witness is told with `removed` and `released: true`: thanked, not removed.
  signaling.on(ServerEvent.REMOVED, ({ reason, released }) => {
    endForGood(() => (released ? view.showReleased() : view.showRemoved(reason || "")));
  });

  signaling.on(ServerEvent.SESSION_REPLACED, () => {
    endForGood(() => view.showReplaced(() => window.location.reload()));
  });

  signaling.on(ServerEvent.CHAT_MESSAGE, ({ message }) => app.chat.add(message));

  // The screen tile itself comes and goes with the offers; these say who and why.
  signaling.on(ServerEvent.SCREEN_SHARE_STARTED, ({ participant_id: id }) => {
    const participant = app.present.get(id);
    if (participant) {
      view.announce(`${participant.name} is sharing a screen.`);
    }
  });
  signaling.on(ServerEvent.SCREEN_SHARE_STOPPED, ({ participant_id: id, reason }) => {
    if (isSelf(id)) {
      app.screen.onStopped(reason || "");
      return;
    }
    const participant = app.present.get(id);
    if (participant) {
      view.announce(`${participant.name} stopped sharing a screen.`);
    }
  });

  signaling.on(ServerEvent.CONSULTATION_REQUESTED, ({ consultation }) => {
    if (consultation) {
      app.consultations.onRequested(consultation);
    }
  });
  signaling.on(ServerEvent.CONSULTATION_STARTED, ({ consultation }) => {
    if (consultation) {
      app.consultations.onStarted(consultation);
    }
  });
  signaling.on(ServerEvent.CONSULTATION_ENDED, ({ consultation, reason }) => {
    if (consultation) {
      app.consultations.onEnded(consultation, reason);
    }
  });

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
