// The live roster of the court panel (SIGNALING.md `roster_changed`): who is where, their
// connection, its quality (court-panel-quality.js) and device check, how long they have
// waited, and what the court may do to them.

import { ClientEvent } from "./events.js";
import { ROLE_ORDER } from "./lib/terms.js";
import { actionButton, actionsFor, isPresent, roomKind } from "./court-panel-actions.js";
import { RowForms } from "./court-panel-forms.js";
import { AccessSection, consultationItems, HandsSection } from "./court-panel-sections.js";
import { badge, elapsed, elapsedWords, placeInOrder } from "./court-panel-dom.js";
import { el } from "./lib/dom.js";


const CONNECTION = {
  connected: { text: "Connected", tone: "ok" },
  connection_lost: { text: "Connection lost", tone: "danger" },
  disconnected: { text: "Not connected", tone: "neutral" },
};

const DEVICES = [
  ["camera", "Camera"],
  ["microphone", "Microphone"],
  ["speaker", "Speaker"],
];
const DEVICE_RESULT = { ok: "OK", failed: "failed", skipped: "skipped" };

// States in which the court admits and calls people (SIGNALING.md `admit`).
const ADMITTING = ["open", "in_session", "paused", "suspended"];

function byRoleThenName(a, b) {
  const ra = ROLE_ORDER.indexOf(a.role);
  const rb = ROLE_ORDER.indexOf(b.role);
  return ra !== rb ? ra - rb : a.name.localeCompare(b.name);
}

function longestWaitingFirst(a, b) {
  const wa = a.waiting_since ?? Infinity;
  const wb = b.waiting_since ?? Infinity;
  return wa !== wb ? wa - wb : byRoleThenName(a, b);
}

// A roster entry flattened: the participant's fields beside the live ones.
export function flatten(entry) {
  const participant = entry.participant || {};
  return { ...entry, ...participant, participant: undefined };
}

function group(id, title) {
  const heading = el("h3", {
    className: "cp-group__title",
    attrs: { id: `cp-group-${id}`, tabindex: "-1", "data-focus-key": `group:${id}` },
  });
  const list = el("ul", { className: "cp-list", attrs: { "aria-labelledby": `cp-group-${id}` } });
  const head = el("div", { className: "cp-group__head" }, [heading]);
  const note = el("p", { className: "cp-note" });
  const section = el("section", { className: `cp-group cp-group--${id}` }, [head, note, list]);
  return { id, title, heading, head, list, note, section };
}

export class RosterSection {
  // ctx: {self, run, announce, data, hearingState(), setSpotlight(id), entries(), quality}
  constructor(ctx) {
    this._ctx = ctx;
    this._rows = new Map(); // participant id -> row element
    this._forms = new RowForms(ctx, () => this.render());
    this.element = el("div", { className: "cp-roster" });

    this._groups = {
      waiting: group("waiting", "Waiting room"),
      hearing: group("hearing", "Hearing room"),
      consultation: group("consultation", "Private consultations"),
      removed: group("removed", "Removed"),
    };
    this._admitAll = el("button", {
      className: "button button--small button--primary cp-admit-all",
      attrs: { type: "button", "data-focus-key": "admit-all" },
    });
    this._admitAll.addEventListener("click", () => this._admitAllParties());
    this._groups.waiting.head.append(this._admitAll);

    // Members of the public in the hearing room: folded away, they only watch.
    this._observerTitle = el("span");
    this._observerList = el("ul", { className: "cp-list" });
    this._observerFold = el("details", { className: "cp-observers" }, [
      el("summary", { className: "cp-observers__summary" }, [this._observerTitle]),
      this._observerList,
    ]);
    this._groups.hearing.section.append(this._observerFold);

    this._pending = el("p", {
      className: "cp-note",
      text: "The list of participants appears here as soon as the court server sends it.",
    });
    this._rooms = el(
      "section",
      { className: "cp-section cp-rooms", attrs: { "aria-labelledby": "cp-rooms-title" } },
      [
        el("h2", {
          className: "cp-section__title",
          text: "Participants",
          attrs: { id: "cp-rooms-title" },
        }),
        this._pending,
        ...Object.values(this._groups).map((g) => g.section),
      ],
    );
    this._access = new AccessSection(ctx);
    this._hands = new HandsSection(ctx);
    this.element.append(this._access.element, this._hands.element, this._rooms);
  }

  get forms() {
    return this._forms;
  }

  render() {
    const data = this._ctx.data;
    const received = data.rosterReceived;
    this._pending.hidden = received;
    const entries = this._ctx.entries();
    this._forms.prune(new Map(entries.map((e) => [e.id, e])));
    this._ctx.quality.keepOnly(new Set(entries.map((e) => e.id)));

    this._access.render(received);
    this._hands.render(entries.filter((e) => e.hand_raised && !e.removed));

    // Rooms.
    const present = entries.filter((e) => !e.removed);
    const waiting = present.filter((e) => roomKind(e) === "waiting").sort(longestWaitingFirst);
    const hearing = present.filter((e) => roomKind(e) === "hearing").sort(byRoleThenName);
    const consulting = present.filter((e) => roomKind(e) === "consultation");
    const removed = entries.filter((e) => e.removed).sort(byRoleThenName);
    const admitting = ADMITTING.includes(this._ctx.hearingState());

    for (const id of [...this._rows.keys()]) {
      if (!entries.some((e) => e.id === id)) {
        this._rows.delete(id);
      }
    }
    this._groups.waiting.section.hidden = !received;
    this._groups.hearing.section.hidden = !received;
    this._fill(this._groups.waiting, waiting);
    this._groups.waiting.note.textContent = !received
      ? ""
      : !admitting && waiting.length
        ? "The court admits people once the waiting room is open."
        : waiting.length
          ? ""
          : "Nobody is waiting.";
    const eligible = waiting.filter((e) => e.role !== "witness" && isPresent(e));
    this._admitAll.hidden = !admitting || eligible.length === 0;
    const admitText =
      eligible.length === 1 ? "Admit 1 party" : `Admit all ${eligible.length} parties`;
    this._admitAll.replaceChildren(
      el("span", { text: admitText }),
      el("span", { className: "cp-admit-all__note", text: "Witnesses are called one by one" }),
    );
    this._admitAll.setAttribute("aria-label", `${admitText}; witnesses are called one by one`);

    const watching = hearing.filter((e) => e.role === "observer");
    this._fill(
      this._groups.hearing,
      hearing.filter((e) => e.role !== "observer"),
    );
    this._groups.hearing.heading.textContent = `${this._groups.hearing.title} (${hearing.length})`;
    this._observerFold.hidden = watching.length === 0;
    this._observerTitle.textContent =
      watching.length === 1
        ? "1 observer in the hearing room"
        : `${watching.length} observers in the hearing room`;
    placeInOrder(
      this._observerList,
      watching.map((entry) => this._row(entry)),
    );
    const consultation = this._groups.consultation;
    const items = consultationItems(this._ctx, consulting);
    consultation.heading.textContent = `${consultation.title} (${items.length})`;
    consultation.list.replaceChildren(...items);
    consultation.section.hidden = !received || items.length === 0;
    this._fill(this._groups.removed, removed);
    this._groups.removed.section.hidden = removed.length === 0;
    this.tick();
  }

  // The waiting times, once a second, without rebuilding anything.
  tick() {
    const now = Date.now();
    const timers = /** @type {NodeListOf<HTMLElement>} */ (
      this.element.querySelectorAll("[data-waiting-since]")
    );
    for (const timer of timers) {
      const since = Number(timer.dataset.waitingSince);
      timer.textContent = elapsed(since, now);
      timer.setAttribute("aria-label", elapsedWords(since, now));
    }
  }

  _fill(target, entries) {
    target.heading.textContent = `${target.title} (${entries.length})`;
    placeInOrder(
      target.list,
      entries.map((entry) => this._row(entry)),
    );
  }

  _row(entry) {
    // The row and its form slot stay the same elements across renders, so that a reason
    // being typed keeps its focus; only the body is rebuilt.
    let row = this._rows.get(entry.id);
    if (!row) {
      row = el("li", { className: "cp-person" }, [
        el("div", { className: "cp-person__body" }),
        el("div", { className: "cp-person__form" }),
      ]);
      row.dataset.participantId = entry.id;
      this._rows.set(entry.id, row);
    }
    const self = entry.id === this._ctx.self.id;
    const kind = roomKind(entry);
    row.dataset.role = entry.role;
    row.dataset.connection = entry.connection || "";
    row.classList.toggle("cp-person--hand", Boolean(entry.hand_raised) && !entry.removed);
    row.classList.toggle("cp-person--lost", entry.connection === "connection_lost");

    const name = el("span", {
      className: "cp-person__name",
      text: self ? `${entry.name} (you)` : entry.name,
      attrs: { tabindex: "-1", "data-focus-key": `name:${entry.id}` },
    });
    const head = [
      name,
      el("span", { className: "cp-person__role", text: entry.role_label || entry.role }),
    ];

    // Badges: in the waiting room every connection state (the court decides whom to admit);
    // elsewhere only a problem. A consultation shows nothing but who is in it.
    const connection = CONNECTION[entry.connection] || { text: entry.connection, tone: "neutral" };
    if (
      !entry.removed &&
      kind !== "consultation" &&
      (kind === "waiting" || connection.tone !== "ok")
    ) {
      head.push(badge(connection.text, connection.tone));
    }
    if (entry.hand_raised && !entry.removed) {
      head.push(badge("Hand raised", "hand"));
    }
    if (entry.muted && !entry.removed) {
      head.push(badge("Muted", "warning"));
    }
    if (this._ctx.data.spotlight === entry.id && kind === "hearing") {
      head.push(badge("Spotlit", "info"));
    }
    if (entry.sharing_screen && kind === "hearing") {
      head.push(badge("Sharing screen", "info"));
    }

    const parts = [el("p", { className: "cp-person__head" }, head)];
    if (!entry.removed && kind !== "consultation") {
      parts.push(this._ctx.quality.lineFor(entry.id));
    }
    if (kind === "waiting" && !entry.removed) {
      const meta = [];
      if (entry.waiting_since && isPresent(entry)) {
        meta.push(
          el("span", { className: "cp-person__waiting" }, [
            document.createTextNode("Waiting "),
            el("span", {
              className: "cp-timer",
              attrs: { "data-waiting-since": String(entry.waiting_since), role: "timer" },
            }),
          ]),
        );
      }
      if (entry.role !== "observer") {
        // Observers send nothing, so they have nothing to check.
        meta.push(this._deviceCheck(entry));
      }
      parts.push(el("div", { className: "cp-person__meta" }, meta));
    }
    const open =
      this._forms.current && this._forms.current.id === entry.id ? this._forms.current.kind : null;
    const actions = actionsFor(entry, this._ctx, this._forms).filter(
      (spec) =>
        // The form stands in for the button that opened it, until it is done or cancelled.
        spec.action !== open &&
        (ADMITTING.includes(this._ctx.hearingState()) || !["admit", "call"].includes(spec.action)),
    );
    if (actions.length) {
      parts.push(
        el(
          "div",
          {
            className: "cp-actions cp-person__actions",
            attrs: { role: "group", "aria-label": `Actions for ${entry.name}` },
          },
          actions.map((spec) => actionButton(entry, spec)),
        ),
      );
    }
    row.firstElementChild.replaceChildren(...parts);
    const slot = row.lastElementChild;
    const form = this._forms.elementFor(entry.id);
    if (slot.firstElementChild !== form) {
      slot.replaceChildren(...(form ? [form] : []));
    }
    return row;
  }

  _deviceCheck(entry) {
    const check = entry.device_check;
    if (!check) {
      return el("span", {
        className: "cp-person__devices cp-person__devices--none",
        text: "Device check not done",
      });
    }
    const items = DEVICES.map(([key, label]) => {
      const result = check[key] || "skipped";
      return el("li", {
        className: `cp-device cp-device--${result}`,
        text: `${label} ${DEVICE_RESULT[result] || result}`,
      });
    });
    return el("span", { className: "cp-person__devices" }, [
      el("span", { className: "visually-hidden", text: "Device check: " }),
      el("ul", { className: "cp-devices" }, items),
    ]);
  }

  _admitAllParties() {
    this._ctx.run(ClientEvent.ADMIT_ALL, {}, "The parties could not be admitted", (data) => {
      const count = (data && data.admitted ? data.admitted.length : 0) || 0;
      this._ctx.announce(
        count === 1
          ? "1 participant admitted to the hearing room."
          : `${count} participants admitted to the hearing room.`,
      );
    });
  }
}
