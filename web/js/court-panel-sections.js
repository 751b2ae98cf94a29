// The smaller parts of the court panel around the rooms: who may come in (lock) and who
// watches (observers), raised hands, and the private consultations under way.

import { ClientEvent } from "./events.js";
import { actionButton, lowerHand } from "./court-panel-actions.js";
import { badge, button } from "./court-panel-dom.js";
import { el } from "./lib/dom.js";

export class AccessSection {
  constructor(ctx) {
    this._ctx = ctx;
    this._lockBadge = badge("Locked", "warning");
    this._lockText = el("p", { className: "cp-access__text" });
    this._lockButton = button("", () => this._toggleLock(), { key: "lock", small: true });
    this._observers = el("p", { className: "cp-access__observers", attrs: { id: "cp-observers" } });
    this.element = el(
      "section",
      { className: "cp-section cp-access", attrs: { "aria-label": "Access to the hearing" } },
      [
        el("div", { className: "cp-access__lock" }, [
          this._lockBadge,
          this._lockText,
          this._lockButton,
        ]),
        this._observers,
      ],
    );
  }

  render(received) {
    const { locked, observers } = this._ctx.data;
    this._lockBadge.hidden = !locked;
    this._lockText.textContent = locked
      ? "Nobody new can join; those who joined before may come back."
      : "Anyone with a join link for this hearing can join.";
    this._lockButton.textContent = locked ? "Unlock the hearing" : "Lock the hearing";
    this._lockButton.hidden = !received;
    this._observers.textContent = `Observers watching: ${observers}`;
    this.element.dataset.locked = String(Boolean(locked));
  }

  _toggleLock() {
    const locking = !this._ctx.data.locked;
    this._ctx.run(
      ClientEvent.LOCK_HEARING,
      { locked: locking },
      locking ? "The hearing could not be locked" : "The hearing could not be unlocked",
      () => {
        this._ctx.setLocked(locking);
        this._ctx.announce(locking ? "The hearing is locked." : "The hearing is unlocked.");
      },
    );
  }
}

// Raised hands come first: the court answers them before anything else.
export class HandsSection {
  constructor(ctx) {
    this._ctx = ctx;
    this._list = el("ul", {
      className: "cp-list cp-hands__list",
      attrs: { "aria-labelledby": "cp-hands-title" },
    });
    this.element = el("section", { className: "cp-section cp-hands" }, [
      el("h2", {
        className: "cp-section__title",
        text: "Raised hands",
        attrs: { id: "cp-hands-title" },
      }),
      this._list,
    ]);
  }

  render(hands) {
    this.element.hidden = hands.length === 0;
    this._list.replaceChildren(...hands.map((entry) => this._row(entry)));
  }

  _row(entry) {
    const room = entry.room ? entry.room.label || entry.room.kind : "";
    return el("li", { className: "cp-hand" }, [
      el("p", { className: "cp-person__head" }, [
        el("span", { className: "cp-person__name", text: entry.name }),
        el("span", {
          className: "cp-person__role",
          text: [entry.role_label, room].filter(Boolean).join(" · "),
        }),
      ]),
      el("div", { className: "cp-actions" }, [
        actionButton(entry, lowerHand(entry, this._ctx), "hand"),
      ]),
    ]);
  }
}

// The consultations under way or asked for: that each happens and who is in it, never more.
// `consulting`: roster entries in a consultation room.
export function consultationItems(ctx, consulting) {
  const consultations = (ctx.data.consultations || []).filter((c) => c.state !== "ended");
  const inOne = new Set(consultations.flatMap((c) => c.participant_ids || []));
  const items = consultations.map((c) => consultationItem(ctx, c));
  // Anyone in a consultation room that no consultation names: say only that they are there.
  for (const entry of consulting.filter((e) => !inOne.has(e.id))) {
    items.push(
      el("li", { className: "cp-consultation" }, [
        el("p", { text: `${entry.name}, ${entry.role_label}: in a private consultation` }),
      ]),
    );
  }
  return items;
}

function consultationItem(ctx, consultation) {
  const names = (consultation.participant_ids || []).map((id) => ctx.describe(id));
  const active = consultation.state === "active";
  const title = active
    ? "Private consultation in progress"
    : `Asked for by ${ctx.nameOf(consultation.requested_by)}, waiting for the answer`;
  const members = names.join(" and ");
  const end = button(
    active ? "End consultation" : "Cancel the request",
    () =>
      ctx.run(
        ClientEvent.END_CONSULTATION,
        { consultation_id: consultation.id },
        "The consultation could not be ended",
        () =>
          ctx.announce("The private consultation ended; its members are back in the hearing room."),
      ),
    {
      key: `consultation:${consultation.id}:end`,
      label: `${active ? "End the private consultation" : "Cancel the consultation request"} of ${members}`,
    },
  );
  return el("li", { className: `cp-consultation cp-consultation--${consultation.state}` }, [
    el("p", { className: "cp-consultation__title", text: title }),
    el(
      "ul",
      { className: "cp-consultation__members" },
      names.map((text) => el("li", { text })),
    ),
    el("div", { className: "cp-actions" }, [end]),
  ]);
}
