// Entry of /join: read the link's token, join the hearing, send and show media.

import { ClientEvent, ServerEvent } from "/static/js/events.js";
import { readLink } from "/static/js/link.js";
import { getLocalMedia, MediaAccessError, MediaSession } from "/static/js/media.js";
import { Signaling, SignalingError } from "/static/js/signaling.js";
import { TileGrid } from "/static/js/tiles.js";
import * as view from "/static/js/view.js";

const app = {
  phase: "connecting",
  link: null,
  signaling: null,
  self: null, // our participant view, with permissions
  hearing: null,
  present: new Map(), // participant id -> participant view (the others)
  assignment: new Map(), // participant id -> {audio, video} received tracks
  session: null, // {media: MediaSession}
  localStream: null,
  publishing: null, // {audio, video} once published, or null
  withoutMedia: false, // the person chose to take part without camera and microphone
  recording: null,
  leaving: false,
  marks: {},
  grid: null,
};

function can(permission) {
  return Boolean(app.self && (app.self.permissions || []).includes(permission));
}

function canPublish() {
  return can("publish_audio") || can("publish_video");
}

// ---- rendering -----------------------------------------------------------------------

function renderTiles() {
  const shown = new Set();
  for (const [id, tracks] of app.assignment) {
    const participant = app.present.get(id);
    if (!participant || (!tracks.audio && !tracks.video)) {
      continue;
    }
    app.grid.upsert(participant, tracks);
    shown.add(id);
  }
  app.grid.retain(shown);
  view.setEmpty(app.phase === "joined" && shown.size === 0);
}

function renderPresence() {
  view.renderRoster(app.self, [...app.present.values()]);
  const observers = [...app.present.values()].filter((p) => p.role === "observer").length;
  view.setObservers(observers);
}

function setRecording(recording) {
  app.recording = recording;
  view.setRecording(Boolean(recording), can("control_recording"));
}

// ---- the session: one Socket.IO connection's join, peer connection and publishing ----

function endSession() {
  if (app.session) {
    app.session.media.close();
    app.session = null;
  }
  app.assignment = new Map();
  app.present = new Map();
  app.publishing = null;
  if (app.grid) {
    app.grid.retain(new Set());
  }
}

async function startSession() {
  endSession();
  const media = new MediaSession({
    iceServers: [],
    onRemoteTracks: (assignment) => {
      if (app.session && app.session.media === media) {
        app.assignment = assignment;
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
  view.setState("Joining the hearing…");

  app.marks.joinSent = performance.now();
  const data = await app.signaling.command(ClientEvent.JOIN, {});
  app.marks.joined = performance.now();
  app.self = data.participant;
  app.hearing = data.hearing;
  app.present = new Map((data.participants || []).map((p) => [p.id, p]));
  app.phase = "joined";
  view.setHearing(app.hearing);
  view.showHearing();
  view.setState("In the hearing");
  setRecording(data.recording || null);
  view.setRecordingBusy(false);
  renderPresence();
  renderTiles();

  if (!canPublish()) {
    view.showNotice(
      "You are following this hearing as an observer. Others cannot see or hear you.",
    );
    return;
  }
  if (app.localStream) {
    // A rejoin after a lost connection: keep the camera and microphone we already have.
    await publish(app.localStream);
  } else if (app.withoutMedia) {
    app.grid.showSelf(app.self, null);
  } else {
    await acquireAndPublish({ audio: can("publish_audio"), video: can("publish_video") });
  }
}

async function publish(stream) {
  if (!app.session) {
    return;
  }
  const audio = Boolean(stream && stream.getAudioTracks().length) && can("publish_audio");
  const video = Boolean(stream && stream.getVideoTracks().length) && can("publish_video");
  app.session.media.setLocalStream(stream);
  app.grid.showSelf(app.self, stream);
  if (!audio && !video) {
    return;
  }
  await app.signaling.command(ClientEvent.PUBLISH, { audio, video });
  app.publishing = { audio, video };
}

async function acquireAndPublish({ audio, video }) {
  let stream = null;
  try {
    stream = await getLocalMedia({ audio, video, rawAudio: app.link.rawAudio });
  } catch (err) {
    if (!(err instanceof MediaAccessError)) {
      throw err;
    }
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
        err = inner instanceof MediaAccessError ? inner : err;
      }
    }
    if (!stream) {
      offerMediaChoices(err, { audio, video });
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
      app.grid.showSelf(app.self, null);
      view.showNotice(
        "You are in the hearing without camera or microphone. Others cannot see or hear you.",
      );
    },
  });
}

// ---- notifications ---------------------------------------------------------------------

function listen(signaling) {
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
    if (!participant || !app.self || participant.id === app.self.id) {
      return;
    }
    app.present.set(participant.id, participant);
    renderPresence();
    renderTiles();
    view.announce(`${participant.name}, ${participant.role_label}, joined.`);
  });

  signaling.on(ServerEvent.PARTICIPANT_LEFT, ({ participant_id: id }) => {
    const participant = app.present.get(id);
    app.present.delete(id);
    app.assignment.delete(id);
    app.grid.remove(id);
    renderPresence();
    renderTiles();
    if (participant) {
      view.announce(`${participant.name}, ${participant.role_label}, left.`);
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

  signaling.onConnection("disconnect", (reason) => {
    if (app.leaving) {
      return;
    }
    endSession();
    renderPresence();
    view.setEmpty(false);
    view.setRecordingBusy(true); // no commands while there is no connection
    if (reason === "io server disconnect") {
      app.phase = "disconnected";
      view.showClosedByServer(() => window.location.reload());
    } else {
      app.phase = "reconnecting";
      view.setState("Connection lost. Reconnecting…");
    }
  });

  // Every reconnect is a fresh session on the server: join and publish again.
  signaling.onConnection("connect", () => {
    if (app.phase === "reconnecting") {
      startSession().catch(reportError);
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

// ---- commands from the buttons --------------------------------------------------------

async function toggleRecording() {
  const starting = !app.recording;
  view.setRecordingBusy(true);
  try {
    const data = await app.signaling.command(
      starting ? ClientEvent.START_RECORDING : ClientEvent.STOP_RECORDING,
      {},
    );
    setRecording(starting ? data.recording : null);
  } catch (err) {
    view.showAlert(
      `The recording could not be ${starting ? "started" : "stopped"}: ${err.message}`,
    );
  } finally {
    view.setRecordingBusy(false);
    setRecording(app.recording);
  }
}

async function leave() {
  if (app.leaving) {
    return;
  }
  app.leaving = true;
  view.setState("Leaving…");
  try {
    await app.signaling.command(ClientEvent.LEAVE, {});
  } catch (err) {
    // Leaving goes ahead regardless: closing the connection removes us too.
    console.warn("leave was not acknowledged", err);
  }
  app.signaling.close();
  endSession();
  if (app.localStream) {
    app.localStream.getTracks().forEach((track) => track.stop());
    app.localStream = null;
  }
  app.grid.clear();
  app.phase = "left";
  view.showLeft(() => window.location.reload());
}

function reportError(err) {
  console.error(err);
  if (err instanceof SignalingError) {
    view.showAlert(`The court server refused this: ${err.message}`);
  } else {
    view.showAlert(`Something went wrong: ${err && err.message ? err.message : err}`);
  }
}

// ---- test and diagnostics hook ---------------------------------------------------------

window.courtroom = {
  state: () => ({
    phase: app.phase,
    participant: app.self,
    hearing: app.hearing,
    present: [...app.present.values()],
    publishing: app.publishing,
    recording: app.recording,
    tiles: app.grid ? app.grid.describe() : [],
    marks: { ...app.marks },
  }),
  selectedPair: () => (app.session ? app.session.media.selectedPair() : Promise.resolve(null)),
  sendEncodings: () => (app.session ? app.session.media.sendEncodings() : []),
};

// ---- start ------------------------------------------------------------------------------

async function main() {
  view.bindControls({
    leave: () => leave().catch(reportError),
    toggleRecording: () => toggleRecording(),
    enableSound: () => {
      app.grid.enableSound();
      view.setSoundButton(false);
    },
  });
  app.grid = new TileGrid(document.getElementById("tiles"), {
    onAutoplayBlocked: () => view.setSoundButton(true),
  });

  app.link = readLink();
  if (!app.link) {
    app.phase = "no-link";
    view.showNoLink();
    return;
  }
  app.signaling = new Signaling(app.link.token);
  view.setState("Connecting to the court…");
  try {
    await app.signaling.connect();
  } catch (err) {
    app.phase = "invalid";
    view.showInvalidLink(err.message);
    return;
  }
  listen(app.signaling);
  try {
    await startSession();
  } catch (err) {
    reportError(err);
  }
}

main();
