// What the court is told of a participant's connection, in words: the grade the relay gave
// it (media/link_quality.py; SIGNALING.md `connection_quality_measured`), its figures, and
// the video the relay holds back over the court's bitrate limit (`video_hold_changed`).
// The bench reads these words, so they name no setting and no protocol but TURN, which the
// court's technical staff look up by that name. Pure: Node's tests import it.

/** @typedef {import("./lib/wire-types.js").LinkQualityView} LinkQualityView */
/** @typedef {"good" | "poor" | "bad"} Grade */

/** @type {Readonly<Record<Grade, {label: string, tone: string, rank: number}>>} */
const GRADES = Object.freeze({
  good: { label: "Good connection", tone: "ok", rank: 0 },
  poor: { label: "Poor connection", tone: "warning", rank: 1 },
  bad: { label: "Very poor connection", tone: "danger", rank: 2 },
});

export const VIDEO_HELD = "Video held back: over the court's bitrate limit";

/**
 * The grade's words and the badge tone that goes with them (never the colour alone).
 * @param {Grade} grade
 */
export function gradeWords(grade) {
  return GRADES[grade] || GRADES.good;
}

/**
 * A loss (a fraction) as a percentage with one decimal; null when too few packets crossed.
 * @param {number | null} loss
 */
export function percent(loss) {
  return loss === null ? "not known yet" : `${(loss * 100).toFixed(1)}\u00a0%`;
}

/** What the figures are, in the order the detail lists them (`figures` gives their values). */
export const FIGURE_TERMS = Object.freeze([
  "Loss from them",
  "Loss to them",
  "Round trip",
  "From them",
  "To them",
  "Connection",
]);

/**
 * The figures of one reading, in words, in the order of FIGURE_TERMS.
 * @param {LinkQualityView} view
 * @returns {string[]}
 */
export function figures(view) {
  const path =
    view.path === "relayed"
      ? "Relayed through TURN"
      : view.path === "direct"
        ? "Direct"
        : "Not known yet";
  return [
    percent(view.loss_up),
    percent(view.loss_down),
    view.round_trip_ms === null ? "not measured yet" : `${Math.round(view.round_trip_ms)}\u00a0ms`,
    `${Math.round(view.kbit_s_up)}\u00a0kbit/s`,
    `${Math.round(view.kbit_s_down)}\u00a0kbit/s`,
    path,
  ];
}

/**
 * What a new reading says aloud: only a connection that got worse than the last reading
 * (the figures change every few seconds; saying every reading would drown the panel's other
 * announcements). Null when there is nothing to say.
 * @param {string} name
 * @param {LinkQualityView | undefined} before
 * @param {LinkQualityView} after
 */
export function degradation(name, before, after) {
  const was = gradeWords(before ? before.grade : "good").rank;
  const now = gradeWords(after.grade);
  return now.rank > was ? `${name}: ${now.label.toLowerCase()}.` : null;
}
