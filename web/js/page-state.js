// The join page's own state, beside what it knows of the hearing (hearing-reducers.js): where
// the page is in its life (the phase), the person's camera and microphone, this connection's
// peer connection, how the page's part ended. It is one store (session.js `page`), changed
// only through the named changes below, each the fields it sets. Pure: Node's tests import it.

/**
 * connecting: to the court, or joining; device-check: before the first join; joined: in the
 * hearing; reconnecting: the connection dropped and comes back by itself; left: the person
 * left; ended: the court ended the page's part (removed, replaced, released, closed, refused);
 * disconnected: the server closed the connection; invalid: the link was refused; no-link.
 * @typedef {"connecting" | "device-check" | "joined" | "reconnecting" | "left" | "ended"
 *   | "disconnected" | "invalid" | "no-link"} Phase
 */

/**
 * What the person's camera, microphone and speaker did in the device check (the court's
 * roster shows it): the payload of `report_device_check`.
 * @typedef {import("./lib/wire-types.js").DeviceCheck} DeviceReport
 */

/** @typedef {"none" | "loading" | "mounted" | "failed"} CourtPanelState */

/**
 * @typedef {object} PageState
 * @property {Phase} phase
 * @property {MediaStream | null} localStream the camera and microphone the person chose (from
 *   the device check, or asked for at the join), kept across reconnects
 * @property {import("./media.js").MediaSession | null} media this connection's peer connection
 *   (one per join; a reconnect makes a new one)
 * @property {{audio: boolean, video: boolean} | null} publishing what we send, once the
 *   server has it
 * @property {boolean} withoutMedia the person chose to take part without camera and
 *   microphone: not asked again after a reconnect
 * @property {DeviceReport | null} deviceReport
 * @property {boolean} leaving the person chose to leave
 * @property {boolean} ended the court ended this page's part: it never reconnects
 * @property {object[]} joinChat the conversation so far, from the last join acknowledgement
 * @property {number} joins successful joins of this page (a reconnect joins again)
 * @property {CourtPanelState} courtPanel the judge's and clerk's panel, loaded once per page
 * @property {import("./invitation.js").Invitation | null} invitation as whom, which case, when
 */

/** @typedef {Partial<PageState>} PageChange */

/** @returns {PageState} */
export function initialPage() {
  return {
    phase: "connecting",
    localStream: null,
    media: null,
    publishing: null,
    withoutMedia: false,
    deviceReport: null,
    leaving: false,
    ended: false,
    joinChat: [],
    joins: 0,
    courtPanel: "none",
    invitation: null,
  };
}

/**
 * @param {Phase} phase a phase that needs nothing else said ("device-check", "left",
 *   "disconnected", "reconnecting", "invalid", "no-link")
 * @returns {PageChange}
 */
export function phaseIs(phase) {
  return { phase };
}

/**
 * A new connection's join begins, with its own peer connection.
 * @param {import("./media.js").MediaSession} media
 * @returns {PageChange}
 */
export function sessionStarted(media) {
  return { media, phase: "connecting" };
}

/**
 * The session's peer connection is closed: nothing is published any more.
 * @returns {PageChange}
 */
export function sessionEnded() {
  return { media: null, publishing: null };
}

/**
 * The server accepted the join.
 * @param {object[]} chat the conversation so far
 * @returns {(state: Readonly<PageState>) => PageChange}
 */
export function joined(chat) {
  return (state) => ({ phase: "joined", joins: state.joins + 1, joinChat: chat });
}

/**
 * @param {{audio: boolean, video: boolean}} publishing
 * @returns {PageChange}
 */
export function published(publishing) {
  return { publishing: { ...publishing } };
}

/**
 * The camera and microphone to send from now on, or none (stopped).
 * @param {MediaStream | null} stream
 * @returns {PageChange}
 */
export function streamIs(stream) {
  return { localStream: stream };
}

/**
 * The device check's outcome: the stream the person kept (none: they go on without) and what
 * worked.
 * @param {{stream: MediaStream | null, report: DeviceReport | null}} outcome
 * @returns {PageChange}
 */
export function deviceChecked({ stream, report }) {
  return { localStream: stream, withoutMedia: !stream, deviceReport: report };
}

/**
 * A link that skips the device check (diagnostics) still tells the court so.
 * @returns {PageChange}
 */
export function deviceCheckSkipped() {
  return { deviceReport: { camera: "skipped", microphone: "skipped", speaker: "skipped" } };
}

/** @returns {PageChange} */
export function withoutMediaChosen() {
  return { withoutMedia: true };
}

/** @returns {PageChange} */
export function leaving() {
  return { leaving: true };
}

/**
 * The court ended the page's part (removed, replaced, released, closed) or refused its join.
 * @returns {PageChange}
 */
export function ended() {
  return { ended: true, phase: "ended" };
}

/**
 * @param {CourtPanelState} courtPanel
 * @returns {PageChange}
 */
export function courtPanelIs(courtPanel) {
  return { courtPanel };
}

/**
 * @param {import("./invitation.js").Invitation} invitation
 * @returns {PageChange}
 */
export function invited(invitation) {
  return { invitation };
}
