// What each server notification changes in the join page's state: one reducer per server
// event (signaling/SIGNALING.md, "Notifications"). A reducer is pure: given the state and the
// event's payload it returns the fields that change ({} for none), and never touches the
// page. notifications.js applies the change (session.js `dispatch`) and then draws and
// announces it. Node's tests import this module.

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
