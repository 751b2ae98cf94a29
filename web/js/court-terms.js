// The court's words as people read them: roles and hearing states.
// Mirrors court/roles.py and court/hearing_state.py; tests/web/test_court_terms.py keeps
// them equal.

// In the order a clerk thinks of them: the bench, the parties, the others.
export const ROLE_LABELS = Object.freeze({
  judge: "Judge",
  clerk: "Court clerk",
  prosecutor: "Prosecutor",
  defence: "Defence counsel",
  defendant: "Defendant",
  victim: "Victim",
  witness: "Witness",
  expert: "Expert",
  interpreter: "Interpreter",
  observer: "Observer",
});

export const STATE_LABELS = Object.freeze({
  scheduled: "Scheduled",
  open: "Waiting room open",
  in_session: "In session",
  paused: "Paused",
  suspended: "Suspended",
  closed: "Closed",
  cancelled: "Cancelled",
});

// Roles that send camera and microphone (court/permissions.py: publish_audio or publish_video);
// the join page offers them the camera and microphone check before they join.
export const PUBLISHING_ROLES = Object.freeze(["judge", "clerk", "prosecutor", "defence", "defendant", "victim", "witness", "expert", "interpreter"]);
// Roles that may ask for a private consultation with each other (court/rooms.py).
export const CONSULTING_ROLES = Object.freeze(["defendant", "defence", "interpreter"]);

// States in which the schedule may still change (court.hearing_state.RESCHEDULABLE) and
// in which a hearing may still be cancelled (the states that may become "cancelled").
export const RESCHEDULABLE = Object.freeze(["scheduled"]);
export const CANCELLABLE = Object.freeze(["scheduled", "open"]);
// A hearing in these states takes no more participants or links (server/api/states.py).
export const ENDED = Object.freeze(["closed", "cancelled"]);

export function roleLabel(role) {
  return ROLE_LABELS[role] || role;
}

export function stateLabel(state) {
  return STATE_LABELS[state] || state;
}
