// Entry of /join: read the link's token, check camera and microphone, join the hearing, and
// take part from the room the court puts the person in (waiting, hearing, consultation).

import { Chat } from "./chat.js";
import { Consultations } from "./consultation.js";
import { PUBLISHING_ROLES } from "./lib/terms.js";
import { DeviceCheck } from "./device-check.js";
import { ClientEvent } from "./events.js";
import { drawOnChange, drawOwnFlags } from "./hearing-drawing.js";
import { recordingIs } from "./hearing-reducers.js";
import { call } from "./lib/http.js";
import { setCourtZone } from "./lib/wall-time.js";
import { readLink, roleInToken } from "./link.js";
import { listen } from "./notifications.js";
import {
  deviceChecked,
  deviceCheckSkipped,
  invited,
  leaving,
  phaseIs,
} from "./page-state.js";
import { ParticipantControls } from "./participant-controls.js";
import { RecordClock } from "./record-clock.js";
import { ScreenShare } from "./screen-share.js";
import {
  live,
  page,
  reportError,
  roomKind,
  startSession,
  stopTakingPart,
} from "./session.js";
import { Signaling } from "./signaling.js";
import { TileGrid } from "./tiles.js";
import * as view from "./view.js";

/** @typedef {import("./session.js").Parts} Parts */

const HEARTBEAT_MS = 1000;

// ---- commands from the buttons --------------------------------------------------------

/** @param {Parts} parts */
async function toggleRecording(parts) {
  const starting = !live.state.recording;
  view.setRecordingBusy(true);
  try {
    const data = await parts.signaling.command(
      starting ? ClientEvent.START_RECORDING : ClientEvent.STOP_RECORDING,
      {},
    );
    live.update(recordingIs(starting ? data.recording : null));
  } catch (err) {
    view.showAlert(
      `The recording could not be ${starting ? "started" : "stopped"}: ${err.message}`,
    );
  } finally {
    view.setRecordingBusy(false);
  }
}

/** @param {Parts} parts */
async function leave(parts) {
  if (page.state.leaving) {
    return;
  }
  page.update(leaving());
  view.setState("Leaving…");
  try {
    await parts.signaling.command(ClientEvent.LEAVE, {});
  } catch (err) {
    // Leaving goes ahead regardless: closing the connection removes us too.
    console.warn("leave was not acknowledged", err);
  }
  parts.signaling.close();
  page.update(phaseIs("left"));
  stopTakingPart(parts);
  view.showLeft(() => window.location.reload());
}

// The court sees a participant whose heartbeat stops for three seconds as connection lost.
/** @param {Parts} parts */
function startHeartbeat(parts) {
  const { signaling, recordClock } = parts;
  window.setInterval(() => {
    if (page.state.phase === "joined" && signaling.connected) {
      const sentAt = performance.now();
      signaling
        .command(ClientEvent.HEARTBEAT, {})
        .then((data) => recordClock.observe(sentAt, performance.now(), data))
        .catch(() => {});
    }
  }, HEARTBEAT_MS);
}

// ---- as whom, which case, when ----------------------------------------------------------

// Told before the device check, so that a person knows they have the right link and, if
// early, when to come; kept up to date while they wait (the "early" notice goes at the time).
/** @param {Parts} parts */
async function readInvitation(parts) {
  let invitation;
  try {
    invitation = await call("POST /api/v1/invitation", { body: { token: parts.link.token } });
  } catch (err) {
    // The link was just accepted by the connection; without the card the page still works.
    console.warn("the invitation could not be read", err);
    return;
  }
  page.update(invited(invitation));
  setCourtZone(invitation.court.time_zone);
  view.setHearing(invitation.hearing);
  const show = () => {
    // The live hearing's state, once joined, is newer; it is one of the same states.
    const hearing = live.state.hearing;
    const state = hearing
      ? /** @type {import("./lib/rest-types.js").HearingState} */ (hearing.state)
      : invitation.hearing.state;
    view.showInvitation({ ...invitation, hearing: { ...invitation.hearing, state } }, Date.now());
  };
  show();
  window.setInterval(show, 30_000);
}

// ---- the camera and microphone check before joining -------------------------------------

/** @param {DeviceCheck} deviceCheck */
async function checkDevices(deviceCheck) {
  page.update(phaseIs("device-check"));
  view.setState("Check your camera and microphone");
  page.update(deviceChecked(await deviceCheck.run()));
}

// ---- test and diagnostics hook ---------------------------------------------------------

/** @param {Parts | null} parts none without a link */
function exposeForTests(parts) {
  /** @type {any} */ (window).courtroom = {
    state: () => {
      const { self, hearing, room, spotlight, present, recording, lastRoster } = live.state;
      const { phase, publishing, deviceReport, courtPanel, invitation, joins } = page.state;
      return {
        phase,
        participant: self,
        hearing,
        hearingState: hearing ? hearing.state : null,
        room,
        roomKind: self ? roomKind() : null,
        spotlight,
        present: [...present.values()],
        publishing,
        recording,
        tiles: parts ? parts.grid.describe() : [],
        screens: parts ? parts.grid.describeScreens() : [],
        screenShare: parts ? parts.screen.describe() : null,
        controls: parts ? parts.controls.describe() : null,
        consultation: parts ? parts.consultations.describe() : null,
        chat: parts ? parts.chat.describe() : [],
        deviceReport,
        roster: lastRoster, // the court's last roster_changed (judge and clerk only)
        courtPanel,
        invitation,
        joins,
        marks: parts ? { ...parts.marks } : {},
      };
    },
    deviceCheck: () => (parts && parts.deviceCheck ? parts.deviceCheck.describe() : null),
    get signaling() {
      return parts ? parts.signaling : null;
    },
    selectedPair: () => {
      const media = page.state.media;
      return media ? media.selectedPair() : Promise.resolve(null);
    },
    sendEncodings: () => {
      const media = page.state.media;
      return media ? media.sendEncodings() : [];
    },
    inbound: () => {
      const media = page.state.media;
      return media ? media.inbound() : Promise.resolve([]);
    },
    // What the browser's own "Stop sharing" bar does to a shared screen: its track ends.
    endScreenCapture: () => {
      if (parts && parts.screen.track) {
        parts.screen.track.dispatchEvent(new Event("ended"));
      }
    },
  };
}

// ---- start ------------------------------------------------------------------------------

/**
 * The page's parts, made once: the link decides the connection and whether the person
 * checks camera and microphone first (a publishing role, or a link that does not say).
 * @param {{token: string, rawAudio: boolean, skipCheck: boolean}} link
 * @param {import("./tiles.js").TileGrid} grid
 * @returns {Parts}
 */
function makeParts(link, grid) {
  const signaling = new Signaling(link.token);
  const role = roleInToken(link.token);
  const checks = !link.skipCheck && (role === null || PUBLISHING_ROLES.includes(role));
  /** @type {Parts} */
  const parts = {
    link,
    signaling,
    grid,
    controls: new ParticipantControls({
      signaling,
      onChange: () => drawOwnFlags(parts),
      onError: reportError,
    }),
    consultations: new Consultations({
      signaling,
      getSelf: () => live.state.self,
      getPresent: () => live.state.present,
      onError: reportError,
    }),
    chat: new Chat({ signaling, getSelf: () => live.state.self }),
    screen: new ScreenShare({
      signaling,
      media: () => page.state.media,
      onError: reportError,
    }),
    recordClock: new RecordClock(),
    deviceCheck: checks ? new DeviceCheck({ rawAudio: link.rawAudio }) : null,
    marks: {},
  };
  return parts;
}

async function main() {
  /** @type {Parts | null} */
  let parts = null;
  view.bindControls({
    leave: () => parts && leave(parts).catch(reportError),
    toggleRecording: () => parts && toggleRecording(parts),
    enableSound: () => {
      grid.enableSound();
      view.setSoundButton(false);
    },
  });
  const grid = new TileGrid(document.getElementById("tiles"), {
    onAutoplayBlocked: () => view.setSoundButton(true),
  });

  const link = readLink();
  if (!link) {
    exposeForTests(null);
    page.update(phaseIs("no-link"));
    view.showNoLink();
    return;
  }
  parts = makeParts(link, grid);
  exposeForTests(parts);
  drawOnChange(parts);

  view.setState("Connecting to the court…");
  try {
    // Connecting checks the link, so a revoked one is refused before the device check.
    await parts.signaling.connect();
  } catch (err) {
    page.update(phaseIs("invalid"));
    view.showInvalidLink(err.message);
    return;
  }
  listen(parts);
  startHeartbeat(parts);
  await readInvitation(parts);

  if (parts.deviceCheck) {
    await checkDevices(parts.deviceCheck);
  } else if (link.skipCheck && PUBLISHING_ROLES.includes(roleInToken(link.token))) {
    page.update(deviceCheckSkipped());
  }
  try {
    await startSession(parts);
  } catch (err) {
    reportError(err);
  }
}

main();
