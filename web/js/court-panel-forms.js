// The small forms some of the court's actions need first: a reason (mute, removal), a
// confirmation (removal, releasing a witness), a choice of members (private consultation).
// One is open at a time, inside the row of the person it concerns.

import { ClientEvent } from "./events.js";
import { consultationPartners, roomKind } from "./court-panel-actions.js";
import { button, textField } from "./court-panel-dom.js";
import { el } from "./lib/dom.js";

// The one form open in the roster at a time: it belongs to one participant's row and
// survives re-renders of the roster (the same element is put back into the new row).
export class RowForms {
  constructor(ctx, onChange) {
    this._ctx = ctx;
    this._onChange = onChange;
    this.current = null; // {id, kind, element}
  }

  open(entry, kind) {
    const build = {
      mute: muteForm,
      remove: removeForm,
      release: releaseForm,
      consult: consultForm,
    }[kind];
    const element = build(entry, this._ctx, () => this.close(entry.id, kind));
    element.dataset.formFor = entry.id;
    element.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close(entry.id, kind);
      }
    });
    this.current = { id: entry.id, kind, element };
    this._onChange();
    const first =
      element.querySelector("[data-autofocus]") || element.querySelector("input, textarea, button");
    if (first) {
      first.focus();
    }
  }

  // Close the form; focus goes back to the button that opened it when it still exists.
  close(id, kind, { refocus = true } = {}) {
    if (!this.current || this.current.id !== id) {
      return;
    }
    this.current = null;
    this._onChange();
    if (refocus) {
      // The button that opened the form, or (when the action changed it, e.g. "Mute" became
      // "Ask to unmute") the person's name, never the next button: a second Enter must not act.
      const back = /** @type {HTMLElement | null} */ (
        document.querySelector(`[data-focus-key="p:${CSS.escape(id)}:${kind}"]`) ||
          document.querySelector(`[data-focus-key="name:${CSS.escape(id)}"]`)
      );
      if (back) {
        back.focus();
      }
    }
  }

  // After a roster change: a form whose person is gone or was removed has no purpose left.
  prune(entries) {
    if (!this.current) {
      return;
    }
    const entry = entries.get(this.current.id);
    const stale =
      !entry ||
      entry.removed ||
      (this.current.kind === "mute" && entry.muted) ||
      (this.current.kind === "release" && roomKind(entry) !== "hearing");
    if (stale) {
      this.current = null;
    }
  }

  elementFor(id) {
    return this.current && this.current.id === id ? this.current.element : null;
  }
}

function formShell(title, { danger = false, dialog = false } = {}, children, onSubmit) {
  const titleId = `cp-form-title-${Math.random().toString(36).slice(2, 8)}`;
  const form = el(
    "form",
    {
      className: `cp-form${danger ? " cp-form--danger" : ""}`,
      attrs: {
        role: dialog ? "alertdialog" : null,
        "aria-labelledby": titleId,
        novalidate: true, // the form says what is missing itself, in words
      },
    },
    [el("p", { className: "cp-form__title", text: title, attrs: { id: titleId } }), ...children],
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSubmit();
  });
  return form;
}

// A confirmation that acts at once starts on "Cancel", so that a second Enter does nothing.
function cancelFirst(element) {
  element.dataset.autofocus = "true";
  return element;
}

function submitButton(text, variant = "button--primary") {
  return el("button", {
    className: `button button--small ${variant}`,
    text,
    attrs: { type: "submit" },
  });
}

function muteForm(entry, ctx, close) {
  const { field, input } = textField("Reason", {
    key: `form:${entry.id}:mute-reason`,
    hint: `${entry.name} is told they were muted, with this reason.`,
  });
  return formShell(
    `Mute ${entry.name}`,
    {},
    [
      field,
      el("div", { className: "cp-actions" }, [
        submitButton(`Mute ${entry.name}`),
        button("Cancel", close, { label: `Cancel muting ${entry.name}` }),
      ]),
    ],
    () => {
      const reason = input.value.trim();
      ctx.run(
        ClientEvent.MUTE_PARTICIPANT,
        reason ? { participant_id: entry.id, reason } : { participant_id: entry.id },
        `${entry.name} could not be muted`,
        () => {
          ctx.announce(`${entry.name} muted.`);
          close();
        },
      );
    },
  );
}

function removeForm(entry, ctx, close) {
  const { field, input } = textField("Reason for the removal", {
    key: `form:${entry.id}:remove-reason`,
    required: true,
    hint: "Written in the record.",
  });
  const problem = el("p", {
    className: "cp-form__problem",
    attrs: { id: `cp-remove-problem-${entry.id}` },
  });
  problem.hidden = true;
  return formShell(
    `Remove ${entry.name} from the hearing?`,
    { danger: true, dialog: true },
    [
      el("p", {
        className: "cp-form__text",
        text: `${entry.name} is disconnected at once, and their join link is refused until the court re-admits them.`,
      }),
      field,
      problem,
      el("div", { className: "cp-actions" }, [
        submitButton(`Remove ${entry.name}`, "button--danger"),
        button("Cancel", close, { label: `Cancel removing ${entry.name}` }),
      ]),
    ],
    () => {
      const reason = input.value.trim();
      if (!reason) {
        problem.textContent = "Give the reason for removing them; it is written in the record.";
        problem.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute(
          "aria-describedby",
          `${input.getAttribute("aria-describedby") || ""} ${problem.id}`.trim(),
        );
        input.focus();
        return;
      }
      ctx.run(
        ClientEvent.REMOVE_PARTICIPANT,
        { participant_id: entry.id, reason },
        `${entry.name} could not be removed`,
        () => {
          ctx.announce(`${entry.name} removed from the hearing.`);
          close();
        },
      );
    },
  );
}

function releaseForm(entry, ctx, close) {
  return formShell(
    `Release witness ${entry.name}?`,
    { dialog: true },
    [
      el("p", {
        className: "cp-form__text",
        text: `${entry.name} is told that they are released and leaves the hearing. To hear them again, the court sends a new join link.`,
      }),
      el("div", { className: "cp-actions" }, [
        submitButton(`Release ${entry.name}`),
        cancelFirst(button("Cancel", close, { label: `Cancel releasing ${entry.name}` })),
      ]),
    ],
    () =>
      ctx.run(
        ClientEvent.DISMISS_WITNESS,
        { participant_id: entry.id, release: true },
        `${entry.name} could not be released`,
        () => {
          ctx.announce(`Witness ${entry.name} released.`);
          close();
        },
      ),
  );
}

function consultForm(entry, ctx, close) {
  const candidates = consultationPartners(entry, ctx);
  const boxes = candidates.map((other) => {
    const box = el("input", { attrs: { type: "checkbox", value: other.id } });
    box.checked = other.role === "defence";
    return { other, box };
  });
  const hasCounsel = candidates.some((other) => other.role === "defence");
  /** @type {HTMLElement[]} */
  const children = [
    el("p", {
      className: "cp-form__text",
      text: "Only the people chosen hear each other. The consultation is private and not recorded; they come back to the hearing room when it ends. Each of them is asked first: it starts only when all of them agree.",
    }),
  ];
  if (boxes.length) {
    children.push(
      el("fieldset", { className: "cp-choices" }, [
        el("legend", { text: `With ${entry.name}:` }),
        ...boxes.map(({ other, box }) =>
          el("label", { className: "cp-choice" }, [
            box,
            document.createTextNode(` ${other.name}, ${other.role_label}`),
          ]),
        ),
      ]),
    );
  }
  if (!hasCounsel) {
    children.push(
      el("p", {
        className: "cp-form__problem",
        text: "No defence counsel is present, so a consultation cannot start.",
      }),
    );
  }
  const actions = [button("Cancel", close, { label: "Cancel the consultation" })];
  if (hasCounsel) {
    actions.unshift(submitButton("Propose the consultation"));
  }
  children.push(el("div", { className: "cp-actions" }, actions));
  return formShell(`Private consultation for ${entry.name}`, {}, children, () => {
    const chosen = boxes.filter(({ box }) => box.checked).map(({ other }) => other.id);
    ctx.run(
      ClientEvent.OPEN_CONSULTATION,
      { participant_ids: [entry.id, ...chosen] },
      "The consultation could not be proposed",
      () => {
        ctx.announce(`Private consultation proposed to ${entry.name}: it starts when each member agrees.`);
        close();
      },
    );
  });
}
