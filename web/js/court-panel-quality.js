// Each participant's connection in the court panel's roster (issue 16): a line under their
// name with the grade in words and colour, the figures in a detail that opens on demand, and
// the video the relay holds back over the court's bitrate limit. It draws from the page's
// store (session.js `live`: `linkQuality`, `videoHeld`), which the notices change every few
// seconds; so each participant's line is one element kept across renders and changed in
// place (the detail stays open, nothing around it moves), and only what got worse is said
// aloud.

import { degradation, FIGURE_TERMS, figures, gradeWords, VIDEO_HELD } from "./link-quality-words.js";
import { el } from "./lib/dom.js";

/** @typedef {import("./lib/wire-types.js").LinkQualityView} LinkQualityView */
/** @typedef {import("./lib/wire-types.js").VideoHoldChanged} VideoHoldChanged */

/**
 * What the lines need of the panel.
 * @typedef {object} QualityContext
 * @property {(id: string) => string} nameOf a participant's name, for what is said aloud
 * @property {(text: string) => void} announce say it (the panel's polite live region)
 */

/** One participant's line, its parts kept to be changed in place. */
class QualityLine {
  /** @param {string} id */
  constructor(id) {
    this.label = el("span", { className: "cp-quality__label" });
    this.values = FIGURE_TERMS.map(() => el("dd", { className: "cp-quality__value" }));
    this.held = el("span", {
      className: "cp-badge cp-badge--warning cp-quality__held",
      text: VIDEO_HELD,
    });
    this.measured = el(
      "details",
      { className: "cp-quality__detail" },
      [
        el(
          "summary",
          {
            className: "cp-quality__summary",
            attrs: { "data-focus-key": `quality:${id}` },
          },
          [
            el("span", { className: "cp-quality__dot", attrs: { "aria-hidden": "true" } }),
            this.label,
            el("span", { className: "cp-quality__more", text: "figures" }),
          ],
        ),
        el(
          "dl",
          { className: "cp-quality__figures" },
          FIGURE_TERMS.flatMap((term, index) => [
            el("dt", { className: "cp-quality__term", text: term }),
            this.values[index],
          ]),
        ),
      ],
    );
    this.element = el("div", { className: "cp-quality" }, [this.measured, this.held]);
    this.element.dataset.participantId = id;
  }

  /**
   * @param {LinkQualityView | undefined} reading
   * @param {boolean} held
   */
  show(reading, held) {
    this.element.hidden = !reading && !held;
    this.measured.hidden = !reading;
    this.held.hidden = !held;
    this.element.dataset.grade = reading ? reading.grade : "";
    this.element.dataset.held = String(held);
    if (!reading) {
      return;
    }
    const words = gradeWords(reading.grade);
    this.measured.className = `cp-quality__detail cp-quality__detail--${words.tone}`;
    this.label.textContent = words.label;
    figures(reading).forEach((value, index) => {
      this.values[index].textContent = value;
    });
  }
}

export class ConnectionQuality {
  /** @param {QualityContext} ctx */
  constructor(ctx) {
    this._ctx = ctx;
    /** @type {Map<string, QualityLine>} */
    this._lines = new Map();
    /** @type {Map<string, LinkQualityView>} */
    this._readings = new Map();
    /** @type {Map<string, VideoHoldChanged>} */
    this._held = new Map();
  }

  /**
   * A participant's line, as the last notices left it: the same element every time.
   * @param {string} id
   * @returns {HTMLElement}
   */
  lineFor(id) {
    let line = this._lines.get(id);
    if (!line) {
      line = new QualityLine(id);
      this._lines.set(id, line);
      line.show(this._readings.get(id), this._held.has(id));
    }
    return line.element;
  }

  /**
   * Forget the lines of those no longer on the roster.
   * @param {Set<string>} ids
   */
  keepOnly(ids) {
    for (const id of [...this._lines.keys()]) {
      if (!ids.has(id)) {
        this._lines.delete(id);
      }
    }
  }

  /**
   * The store's latest readings and holds: change the lines and say what got worse.
   * @param {Map<string, LinkQualityView>} readings
   * @param {Map<string, VideoHoldChanged>} held
   */
  update(readings, held) {
    const said = [];
    if (readings !== this._readings) {
      for (const [id, reading] of readings) {
        const worse = degradation(this._ctx.nameOf(id), this._readings.get(id), reading);
        if (worse) {
          said.push(worse);
        }
      }
    }
    for (const id of held.keys()) {
      if (!this._held.has(id)) {
        said.push(`${this._ctx.nameOf(id)}: video held back, over the court's bitrate limit.`);
      }
    }
    this._readings = readings;
    this._held = held;
    for (const [id, line] of this._lines) {
      line.show(readings.get(id), held.has(id));
    }
    if (said.length) {
      this._ctx.announce(said.join(" "));
    }
  }
}
