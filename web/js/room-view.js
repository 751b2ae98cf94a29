// Which room a person is in decides what the page shows (signaling/SIGNALING.md, "Rooms"):
// the waiting room (the hearing's state and one's own camera, nobody else), the hearing room
// (everyone's tiles), or a private consultation (its members' tiles under a heading that says
// it is private and not recorded). The hearing's state is always shown, in words.

import { stateLabel } from "./lib/terms.js";
import { $ } from "./lib/dom.js";

export const WHERE = Object.freeze({
  waiting: "In the waiting room",
  hearing: "In the hearing room",
  consultation: "In a private consultation",
});

const CONSULTATION_HEADING =
  "Private consultation — not recorded, nobody else can see or hear you";

/**
 * @param {{state: string, state_label?: string, case_number?: string, title?: string}
 *   | null | undefined} hearing
 */
export function setHearingState(hearing) {
  if (!hearing) {
    return;
  }
  const text = hearing.state_label || stateLabel(hearing.state);
  const banner = $("hearing-state");
  banner.textContent = text;
  banner.dataset.state = hearing.state;
  banner.hidden = false;
  // Paused or suspended: said large above the tiles, not only in the state line.
  const interrupted = ["paused", "suspended"].includes(hearing.state);
  $("hearing-banner").hidden = !interrupted;
  $("hearing-banner").dataset.state = hearing.state;
  $("hearing-banner-title").textContent = text;
  $("waiting-state").textContent = text;
  $("waiting-state").dataset.state = hearing.state;
  $("waiting-case").textContent = [
    hearing.case_number ? `Case ${hearing.case_number}` : "",
    hearing.title || "",
  ]
    .filter(Boolean)
    .join(": ");
}

/**
 * @param {string} kind the room's kind: waiting, hearing or consultation
 * @param {{self: {role: string} | null}} options
 */
export function showRoom(kind, { self }) {
  const waiting = kind === "waiting";
  const consultation = kind === "consultation";
  $("live").dataset.room = kind;
  $("waiting-view").hidden = !waiting;
  // The waiting room says the state in its own card.
  $("hearing-banner").classList.toggle("hearing-banner--off", waiting);
  $("hearing-view").hidden = waiting;
  // Who else waits is nobody's business: a witness must not learn who the others are.
  $("roster-box").hidden = waiting;
  $("hearing-view").classList.toggle("hearing--consultation", consultation);
  const heading = $("grid-heading");
  heading.textContent = consultation ? CONSULTATION_HEADING : "Participants on screen";
  heading.className = consultation ? "consultation__title" : "visually-hidden";
  $("roster-heading").textContent = consultation ? "In this consultation" : "Present";
  $("waiting-witness").hidden = !(self && self.role === "witness");
}
