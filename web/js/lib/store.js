// A small store: one state object, changed only by `update`, with subscribers told after
// each change. The state is replaced, never mutated, so a subscriber may compare the state
// before and after by identity. Pure: Node's tests import it.

/**
 * @template {object} S
 * @typedef {object} Store
 * @property {Readonly<S>} state the current state
 * @property {(change: Partial<S> | ((state: Readonly<S>) => Partial<S>)) => Partial<S>} update
 *   apply a change (the fields that change, or a function of the state giving them);
 *   returns the change, {} when nothing changed
 * @property {(subscriber: (state: Readonly<S>, before: Readonly<S>) => void) => () => void} subscribe
 *   call `subscriber` after every change; returns the function that stops it
 */

/**
 * @template {object} S
 * @param {S} initial
 * @returns {Store<S>}
 */
export function createStore(initial) {
  let state = Object.freeze(/** @type {S} */ (Object.assign({}, initial)));
  /** @type {Set<(state: Readonly<S>, before: Readonly<S>) => void>} */
  const subscribers = new Set();
  return {
    get state() {
      return state;
    },
    update(change) {
      const fields = typeof change === "function" ? change(state) : change;
      if (!fields || Object.keys(fields).length === 0) {
        return {};
      }
      const before = state;
      state = Object.freeze({ ...state, ...fields });
      for (const subscriber of [...subscribers]) {
        subscriber(state, before);
      }
      return fields;
    },
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
  };
}
