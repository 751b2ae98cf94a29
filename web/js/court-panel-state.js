// The hearing's state and the buttons that change it (SIGNALING.md `set_hearing_state`).
//
// Which moves exist (TRANSITIONS) and who may make each (STATE_CHANGERS) are the court's own
// tables, generated from court/ into lib/court-rules.js.
// Cancelling is the staff console's (REST API), not the live court's: nobody here may.

import { ClientEvent } from "./events.js";
import { stateLabel } from "./lib/terms.js";
import { button, textField } from "./court-panel-dom.js";
import { el } from "./lib/dom.js";
import { STATE_CHANGERS, TRANSITIONS } from "./lib/court-rules.js";
import { courtZone, dayOf, formatDay } from "./lib/wall-time.js";
import { StateQuestion } from "./court-panel-question.js";

export { STATE_CHANGERS, TRANSITIONS };

// What each move is called on its button, and how a failure is said.
function moveWords(from, to) {
  switch (to) {
    case "open":
      return { label: "Open the waiting room", failed: "The waiting room could not be opened" };
    case "in_session":
      return from === "open"
        ? { label: "Start the hearing", failed: "The hearing could not be started" }
        : { label: "Resume", failed: "The hearing could not be resumed" };
    case "paused":
      return { label: "Pause", failed: "The hearing could not be paused" };
    case "suspended":
      return { label: "Suspend (technical problem)", failed: "The hearing could not be suspended" };
    case "closed":
      return { label: "Close the hearing", failed: "The hearing could not be closed" };
    default:
      return { label: to, failed: "The hearing's state could not be changed" };
  }
}

// What the other member of the bench does next, for the clerk who may not do it.
function judgeMoves(from, moves) {
  const words = moves.map((to) => moveWords(from, to).label.toLowerCase());
  if (!words.length) {
    return "";
  }
  const list = words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : words[0];
  return `Only the judge may ${list.replace("(technical problem)", "").trim()}.`;
}

export function movesFor(role, state) {
  const possible = TRANSITIONS[state] || [];
  return {
    mine: possible.filter((to) => (STATE_CHANGERS[to] || []).includes(role)),
    judges: possible.filter((to) => STATE_CHANGERS[to] && !STATE_CHANGERS[to].includes(role)),
  };
}

export class HearingStateSection {
  // ctx: {self, run(event, payload, failed, done) -> Promise<boolean>, announce(text)}
  constructor(ctx) {
    this._ctx = ctx;
    this._hearing = null;
    /** @type {StateQuestion<HTMLElement>} while a reason or a confirmation is asked for */
    this._question = new StateQuestion();
    this.element = el("section", {
      className: "cp-section cp-state",
      attrs: { "aria-labelledby": "cp-state-heading" },
    });
    this._heading = el("h2", {
      className: "cp-section__title",
      text: "Hearing",
      attrs: { id: "cp-state-heading" },
    });
    this._badge = el("span", { className: "badge" });
    this._label = el("p", { className: "cp-state__label", attrs: { id: "cp-state-label" } });
    this._why = el("p", { className: "cp-state__why" });
    this._reason = "";
    this._note = el("p", { className: "cp-note" });
    this._buttons = el("div", { className: "cp-actions cp-state__actions" });
    this._formSlot = el("div", { className: "cp-state__form" });
    this.element.append(
      el("div", { className: "cp-section__head" }, [this._heading, this._badge]),
      this._label,
      this._why,
      this._buttons,
      this._formSlot,
      this._note,
    );
  }

  get state() {
    return this._hearing ? this._hearing.state : null;
  }

  // `reason`: why the state last changed (hearing_state_changed), shown while it lasts.
  setHearing(hearing, reason = undefined) {
    const changed = !this._hearing || this._hearing.state !== hearing.state;
    this._hearing = hearing;
    if (reason !== undefined) {
      this._reason = reason || "";
    } else if (changed) {
      this._reason = "";
    }
    if (this._question.endedBy(hearing.state)) {
      this._closeForm();
    }
    this.render();
  }

  render() {
    const { state, state_label: label } = this._hearing;
    this._badge.className = `badge badge--${state}`;
    this._badge.textContent = stateLabel(state);
    this._label.textContent = label || stateLabel(state);
    this._why.textContent =
      this._reason && ["paused", "suspended"].includes(state) ? `Reason: ${this._reason}` : "";
    const role = this._ctx.self.role;
    const { mine, judges } = movesFor(role, state);
    this._buttons.replaceChildren(
      ...mine.map((to) => {
        const { label: text } = moveWords(state, to);
        const variant =
          to === "closed" ? "button--danger-quiet" : to === "in_session" ? "button--primary" : "";
        return button(text, () => this._choose(to), {
          variant,
          key: `state:${to}`,
          small: false,
        });
      }),
    );
    this._note.textContent =
      state === "closed"
        ? "The hearing is closed. Nothing more can happen in it."
        : state === "cancelled"
          ? "The hearing was cancelled."
          : judges.length
            ? judgeMoves(state, judges)
            : "";
  }

  _choose(to) {
    const scheduled = this._ctx.scheduledStart ? dayOf(this._ctx.scheduledStart) : "";
    const today = dayOf(Date.now());
    if (to === "open" && scheduled && scheduled !== today) {
      this._openForm(to, this._otherDayConfirmation(scheduled, today));
    } else if (to === "suspended") {
      this._openForm(to, this._suspendForm());
    } else if (to === "closed") {
      this._openForm(to, this._closeConfirmation());
    } else {
      this._move(to, null);
    }
  }

  async _move(to, reason) {
    const from = this.state;
    const { failed } = moveWords(from, to);
    const payload = reason ? { state: to, reason } : { state: to };
    const asked = this._question.open; // the question this move answers, if any
    const ok = await this._ctx.run(ClientEvent.SET_HEARING_STATE, payload, failed, (data) => {
      if (data && data.hearing) {
        this.setHearing(data.hearing, reason || "");
      }
    });
    if (ok && this._question.answeredBy(asked)) {
      this._closeForm();
    }
    return ok;
  }

  _openForm(to, element) {
    this._closeForm();
    this._question.ask(to, this.state, element);
    element.setAttribute("novalidate", "");
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this._closeForm({ refocus: true });
      }
    });
    this._formSlot.replaceChildren(element);
    const first = element.querySelector("input, textarea, button");
    if (first) {
      first.focus();
    }
  }

  _closeForm({ refocus = false } = {}) {
    const had = this._question.dismiss();
    this._formSlot.replaceChildren();
    if (refocus && had) {
      const again = /** @type {HTMLElement | null} */ (
        this._buttons.querySelector(`[data-focus-key="state:${had.to}"]`)
      );
      if (again) {
        again.focus();
      }
    }
  }

  // From the recording alert: the suspend form, with the reason filled in.
  suspendFor(reason) {
    this._openForm("suspended", this._suspendForm(reason));
    this.element.scrollIntoView({ block: "nearest" });
  }

  _suspendForm(reason = "") {
    const { field, input } = textField("What is the technical problem?", {
      key: "state:suspend-reason",
      hint: "Written in the record and shown to the court.",
    });
    input.value = reason;
    const form = el(
      "form",
      { className: "cp-form", attrs: { "aria-label": "Suspend the hearing" } },
      [
        el("p", {
          className: "cp-form__text",
          text: "Suspending stops the hearing until the problem is solved; the judge resumes it. Everyone stays connected.",
        }),
        field,
        el("div", { className: "cp-actions" }, [
          el("button", {
            className: "button button--small button--primary",
            text: "Suspend the hearing",
            attrs: { type: "submit" },
          }),
          button("Cancel", () => this._closeForm({ refocus: true })),
        ]),
      ],
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._move("suspended", input.value.trim() || null);
    });
    return form;
  }

  // Opening on another day than the scheduled one (the court's days): the parties were
  // summoned for that day. The reason, with both days, is written into the protocol.
  _otherDayConfirmation(scheduled, today) {
    const { field, input } = textField("Why open it today?", {
      key: "state:other-day-reason",
      required: true,
      hint: "Written into the protocol with both dates.",
    });
    const titleId = "cp-other-day-title";
    const form = el(
      "form",
      {
        className: "cp-form cp-form--warning",
        attrs: { role: "alertdialog", "aria-labelledby": titleId, "aria-describedby": "cp-other-day-text" },
      },
      [
        el("p", {
          className: "cp-form__title",
          text: "Open the hearing on another day?",
          attrs: { id: titleId },
        }),
        el("p", {
          className: "cp-form__text",
          attrs: { id: "cp-other-day-text" },
          text:
            `This hearing is scheduled for ${formatDay(scheduled)}, not today ` +
            `(${formatDay(today)}, ${courtZone()}). The parties were summoned for that day.`,
        }),
        field,
        el("div", { className: "cp-actions" }, [
          el("button", {
            className: "button button--small button--primary",
            text: "Open it today",
            attrs: { type: "submit" },
          }),
          button("No, keep it for its day", () => this._closeForm({ refocus: true }), {
            key: "state:other-day-cancel",
          }),
        ]),
      ],
    );
    input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const why = input.value.trim();
      if (!why) {
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      this._move(
        "open",
        `Opened on ${formatDay(today)}, not on the scheduled day, ${formatDay(scheduled)}: ${why}`,
      );
    });
    return form;
  }

  _closeConfirmation() {
    const { field, input } = textField("Reason for the record", { key: "state:close-reason" });
    const titleId = "cp-close-title";
    const form = el(
      "form",
      {
        className: "cp-form cp-form--danger",
        attrs: {
          role: "alertdialog",
          "aria-labelledby": titleId,
          "aria-describedby": "cp-close-text",
        },
      },
      [
        el("p", {
          className: "cp-form__title",
          text: "Close the hearing?",
          attrs: { id: titleId },
        }),
        el("p", {
          className: "cp-form__text",
          attrs: { id: "cp-close-text" },
          text: "Closing is final: a closed hearing cannot be opened again. The recording stops and everyone, you too, leaves the hearing at once.",
        }),
        field,
        el("div", { className: "cp-actions" }, [
          el("button", {
            className: "button button--small button--danger",
            text: "Yes, close the hearing",
            attrs: { type: "submit" },
          }),
          button("No, keep it open", () => this._closeForm({ refocus: true }), {
            key: "state:close-cancel",
          }),
        ]),
      ],
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._move("closed", input.value.trim() || null);
    });
    return form;
  }
}
