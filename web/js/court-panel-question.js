// The question the court panel's hearing-state section asks before a move (a reason, a
// confirmation: "Close the hearing?"), and what ends it. Pure: Node's tests import it.
//
// The state reaches the panel twice for every move the panel makes: the notification
// (hearing_state_changed) and, a moment later, the command's acknowledgement. A question
// opened between the two must outlive the second: so a question ends only when the hearing's
// state really differs from the one it was asked in, or when the move it asked for is
// acknowledged; never because an earlier move's answer came in after it was asked.

/**
 * @template E
 * @typedef {object} Asked
 * @property {string} to the state the question leads to
 * @property {string | null} askedIn the hearing's state when it was asked
 * @property {E} element the form that asks it
 */

/** @template E */
export class StateQuestion {
  /** @type {Asked<E> | null} */
  open = null;

  /**
   * @param {string} to
   * @param {string | null} state the hearing's state now
   * @param {E} element
   * @returns {Asked<E>}
   */
  ask(to, state, element) {
    this.open = { to, askedIn: state, element };
    return this.open;
  }

  /** @returns {Asked<E> | null} the question that was open */
  dismiss() {
    const had = this.open;
    this.open = null;
    return had;
  }

  /**
   * Whether the hearing, as just told, ends the open question: only a state other than the
   * one it was asked in does (a late word of the same state is no reason to stop asking).
   * @param {string} state
   */
  endedBy(state) {
    return this.open !== null && this.open.askedIn !== state;
  }

  /**
   * Whether a move's acknowledgement ends the open question: only if the move was sent from
   * it (`asked`, the question open when the move was sent).
   * @param {Asked<E> | null} asked
   */
  answeredBy(asked) {
    return asked !== null && this.open === asked;
  }
}
