// What each server notification changes in the join page's state: one reducer per server
// event (signaling/SIGNALING.md, "Notifications"). A reducer is pure: given the state and the
// event's payload it returns the fields that change ({} for none), and never touches the
// page. notifications.js applies the change (session.js `dispatch`) and says it; the page
// redraws from the store (hearing-drawing.js). The few changes that come from the page's
// own session rather than a notification (a join, the tracks received, the end of a
// session, a recording the page started) are named functions at the end. Node's tests
// import this module.

import { ServerEvent } from "./events.js";

/**
 * A participant as the server describes them (signaling's participant view).
 * @typedef {{id: string, name: string, role: string, role_label?: string,
 *   hand_raised?: boolean, [field: string]: any}} ParticipantView
 */

/**
 * What the page knows of the hearing, the part of its state that server events change
 * (session.js `live`).
 * @typedef {object} LiveState
 * @property {ParticipantView | null} self our participant view, with permissions
 * @property {{state: string, state_label?: string, [field: string]: any} | null} hearing
 * @property {{id: string | null, kind: string, label: string} | null} room
 * @property {string | null} spotlight participant id
 * @property {boolean} locked
 * @property {Map<string, ParticipantView>} present the others in our room, by id
 * @property {Map<string, any>} assignment received tracks, by participant id
 * @property {object | null} recording
 * @property {object | null} lastRoster the court's last roster_changed
 * @property {string | null} leftReason participant_left about ourselves ("released")
 * @property {Map<string, import("./lib/wire-types.js").LinkQualityView>} linkQuality each
 *   participant's connection as last measured (the court's), by participant id
 * @property {Map<string, import("./lib/wire-types.js").VideoHoldChanged>} videoHeld the
 *   participants whose video the relay holds back now (the court's), by participant id
 */

/** @typedef {Partial<LiveState>} Change */

/**
 * @param {LiveState} state
 * @param {string | null | undefined} id
 */
export function isSelf(state, id) {
  return Boolean(state.self && id === state.self.id);
}

/**
 * @template V
 * @param {Map<string, V>} map
 * @param {string} id
 * @param {V} value
 */
function withEntry(map, id, value) {
  return new Map(map).set(id, value);
}

/**
 * @template V
 * @param {Map<string, V>} map
 * @param {string} id
 */
function without(map, id) {
  const copy = new Map(map);
  copy.delete(id);
  return copy;
}

/** @type {Readonly<Record<string, (state: LiveState, payload: any) => Change>>} */
export const REDUCERS = Object.freeze({
  [ServerEvent.PARTICIPANT_JOINED]: (state, { participant }) => {
    if (!participant || !state.self || isSelf(state, participant.id)) {
      return {};
    }
    return { present: withEntry(state.present, participant.id, participant) };
  },

  [ServerEvent.PARTICIPANT_LEFT]: (state, { participant_id: id, reason }) => {
    if (isSelf(state, id)) {
      return { leftReason: reason }; // "released": the disconnect that follows is the court's
    }
    return { present: without(state.present, id), assignment: without(state.assignment, id) };
  },

  [ServerEvent.PARTICIPANT_UPDATED]: (state, { participant }) => {
    if (!participant || !state.self || isSelf(state, participant.id)) {
      return {}; // our own flags are the controls' (participant-controls.js)
    }
    const before = state.present.get(participant.id);
    if (!before) {
      return {};
    }
    return { present: withEntry(state.present, participant.id, { ...before, ...participant }) };
  },

  [ServerEvent.HEARING_STATE_CHANGED]: (state, { hearing }) =>
    hearing ? { hearing: { ...state.hearing, ...hearing } } : {},

  [ServerEvent.ROOM_CHANGED]: (state, { room, participants }) => {
    if (!room || !state.self) {
      return {};
    }
    /** @type {ParticipantView[]} */
    const people = participants || [];
    return { room, present: new Map(people.map((p) => [p.id, p])) };
  },

  [ServerEvent.SPOTLIGHT_CHANGED]: (_state, { participant_id: id }) => ({ spotlight: id || null }),

  [ServerEvent.ROSTER_CHANGED]: (_state, roster) => ({ lastRoster: roster }),

  [ServerEvent.LOCK_CHANGED]: (_state, { locked }) => ({ locked: Boolean(locked) }),

  [ServerEvent.RECORDING_STARTED]: (_state, { recording }) => ({ recording }),

  [ServerEvent.RECORDING_STOPPED]: () => ({ recording: null }),

  // Each notice replaces the last: a participant not on it is not measured (yet, or any more).
  [ServerEvent.CONNECTION_QUALITY_MEASURED]: (_state, { participants }) => ({
    linkQuality: new Map(
      /** @type {import("./lib/wire-types.js").LinkQualityView[]} */ (participants || []).map(
        (view) => [view.participant_id, view],
      ),
    ),
  }),

  [ServerEvent.VIDEO_HOLD_CHANGED]: (state, hold) => {
    if (!hold.participant_id) {
      return {};
    }
    return {
      videoHeld: hold.held
        ? withEntry(state.videoHeld, hold.participant_id, hold)
        : without(state.videoHeld, hold.participant_id),
    };
  },
});

/**
 * The change a server event makes to the state ({} for an event that changes none of it).
 * @param {LiveState} state
 * @param {string} event a ServerEvent
 * @param {unknown} payload
 * @returns {Change}
 */
export function reduce(state, event, payload) {
  const reducer = REDUCERS[event];
  return reducer ? reducer(state, payload || {}) : {};
}

// ---- the page's own changes to what it knows: not notifications, but named all the same ----

/**
 * The join acknowledgement: who we are, the hearing, our room and who is in it.
 * @param {{participant: ParticipantView, hearing: LiveState["hearing"],
 *   room?: LiveState["room"], spotlight?: string | null, locked?: boolean,
 *   participants?: ParticipantView[], recording?: object | null, roster?: object | null}} data
 * @returns {Change}
 */
export function joinAccepted(data) {
  /** @type {Change} */
  const change = {
    self: data.participant,
    hearing: data.hearing,
    room: data.room || { id: null, kind: "hearing", label: "Hearing room" },
    spotlight: data.spotlight || null,
    locked: Boolean(data.locked),
    present: new Map((data.participants || []).map((p) => [p.id, p])),
    recording: data.recording || null,
  };
  if (data.roster) {
    change.lastRoster = data.roster; // the court's ack carries the roster as it is now
  }
  return change;
}

/**
 * The session's peer connection is gone: nothing is received, and who is in the room, how
 * their connections are and whose video is held back are known again only from the next
 * join and the notices after it (a hold that began before is not said again: a page that
 * joins later does not know it either).
 * @returns {Change}
 */
export function sessionClosed() {
  return {
    assignment: new Map(),
    present: new Map(),
    linkQuality: new Map(),
    videoHeld: new Map(),
  };
}

/**
 * The tracks our peer connection receives now, by participant id (media.js).
 * @param {Map<string, any>} assignment
 * @returns {Change}
 */
export function tracksReceived(assignment) {
  return { assignment };
}

/**
 * The recording as the court's own start or stop acknowledged it (the notification that
 * follows says the same).
 * @param {object | null} recording
 * @returns {Change}
 */
export function recordingIs(recording) {
  return { recording };
}
