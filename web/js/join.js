// Entry of /join: read the link's token, check camera and microphone, join the hearing, and
// take part from the room the court puts the person in (waiting, hearing, consultation).

import { Chat } from "./chat.js";
import { Consultations } from "./consultation.js";
import { PUBLISHING_ROLES } from "./lib/terms.js";
import { DeviceCheck } from "./device-check.js";
import { ClientEvent } from "./events.js";
import { request } from "./lib/http.js";
import { setCourtZone } from "./lib/wall-time.js";
import { readLink, roleInToken } from "./link.js";
import { listen } from "./notifications.js";
import { ParticipantControls } from "./participant-controls.js";
import { ScreenShare } from "./screen-share.js";
import {
  app,
  endSession,
  renderOwnFlags,
  reportError,
  roomKind,
  setRecording,
  startSession,
} from "./session.js";
import { Signaling } from "./signaling.js";
import { TileGrid } from "./tiles.js";
import * as view from "./view.js";

const HEARTBEAT_MS = 1000;

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

// The court sees a participant whose heartbeat stops for three seconds as connection lost.
function startHeartbeat() {
  window.setInterval(() => {
    if (app.phase === "joined" && app.signaling.connected) {
      const sentAt = performance.now();
      app.signaling
        .command(ClientEvent.HEARTBEAT, {})
        .then((data) => app.recordClock.observe(sentAt, performance.now(), data))
        .catch(() => {});
    }
  }, HEARTBEAT_MS);
}

// ---- as whom, which case, when ----------------------------------------------------------

// Told before the device check, so that a person knows they have the right link and, if
// early, when to come; kept up to date while they wait (the "early" notice goes at the time).
async function readInvitation() {
  try {
    app.invitation = await request("POST", "/api/v1/invitation", { token: app.link.token });
  } catch (err) {
    // The link was just accepted by the connection; without the card the page still works.
    console.warn("the invitation could not be read", err);
    return;
  }
  setCourtZone(app.invitation.court.time_zone);
  view.setHearing(app.invitation.hearing);
  const show = () => {
    const state = app.hearing ? app.hearing.state : app.invitation.hearing.state;
    view.showInvitation(
      { ...app.invitation, hearing: { ...app.invitation.hearing, state } },
      Date.now(),
    );
  };
  show();
  window.setInterval(show, 30_000);
}

// ---- the camera and microphone check before joining -------------------------------------

async function checkDevices() {
  app.phase = "device-check";
  view.setState("Check your camera and microphone");
  app.deviceCheck = new DeviceCheck({ rawAudio: app.link.rawAudio });
  const { stream, report } = await app.deviceCheck.run();
  app.localStream = stream;
  app.withoutMedia = !stream;
  app.deviceReport = report;
}

// ---- test and diagnostics hook ---------------------------------------------------------

/** @type {any} */ (window).courtroom = {
  state: () => ({
    phase: app.phase,
    participant: app.self,
    hearing: app.hearing,
    hearingState: app.hearing ? app.hearing.state : null,
    room: app.room,
    roomKind: app.self ? roomKind() : null,
    spotlight: app.spotlight,
    present: [...app.present.values()],
    publishing: app.publishing,
    recording: app.recording,
    tiles: app.grid ? app.grid.describe() : [],
    screens: app.grid ? app.grid.describeScreens() : [],
    screenShare: app.screen ? app.screen.describe() : null,
    controls: app.controls ? app.controls.describe() : null,
    consultation: app.consultations ? app.consultations.describe() : null,
    chat: app.chat ? app.chat.describe() : [],
    deviceReport: app.deviceReport,
    roster: app.lastRoster, // the court's last roster_changed (judge and clerk only)
    courtPanel: app.courtPanel,
    invitation: app.invitation,
    joins: app.joins,
    marks: { ...app.marks },
  }),
  deviceCheck: () => (app.deviceCheck ? app.deviceCheck.describe() : null),
  get signaling() {
    return app.signaling;
  },
  selectedPair: () => (app.session ? app.session.media.selectedPair() : Promise.resolve(null)),
  sendEncodings: () => (app.session ? app.session.media.sendEncodings() : []),
  inbound: () => (app.session ? app.session.media.inbound() : Promise.resolve([])),
  // What the browser's own "Stop sharing" bar does to a shared screen: its track ends.
  endScreenCapture: () => {
    if (app.screen && app.screen.track) {
      app.screen.track.dispatchEvent(new Event("ended"));
    }
  },
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
  app.controls = new ParticipantControls({
    signaling: app.signaling,
    onChange: () => renderOwnFlags(),
    onError: reportError,
  });
  app.consultations = new Consultations({
    signaling: app.signaling,
    getSelf: () => app.self,
    getPresent: () => app.present,
    onError: reportError,
  });
  app.chat = new Chat({ signaling: app.signaling, getSelf: () => app.self });
  app.screen = new ScreenShare({
    signaling: app.signaling,
    media: () => (app.session ? app.session.media : null),
    onError: reportError,
  });

  view.setState("Connecting to the court…");
  try {
    // Connecting checks the link, so a revoked one is refused before the device check.
    await app.signaling.connect();
  } catch (err) {
    app.phase = "invalid";
    view.showInvalidLink(err.message);
    return;
  }
  listen(app.signaling);
  startHeartbeat();
  await readInvitation();

  const role = roleInToken(app.link.token);
  if (!app.link.skipCheck && (role === null || PUBLISHING_ROLES.includes(role))) {
    await checkDevices();
  } else if (app.link.skipCheck && PUBLISHING_ROLES.includes(role)) {
    app.deviceReport = { camera: "skipped", microphone: "skipped", speaker: "skipped" };
  }
  try {
    await startSession();
  } catch (err) {
    reportError(err);
  }
}

main();
