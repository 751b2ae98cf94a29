// The court panel: the judge's and clerk's controls beside the hearing (SIGNALING.md, court
// commands). join.js mounts it once, after a successful join, for a participant with the
// "moderate" permission:
//
//   const { mountCourtPanel } = await import("./court-panel.js");
//   mountCourtPanel({ root, signaling, self, hearing });
//
// It draws only from notifications (roster_changed, hearing_state_changed, ...) and acts
// only through acknowledged commands; a refused command changes nothing and is said in the
// panel's alert region in the server's words.

import { ServerEvent } from "./events.js";
import { ChatHub } from "./court-panel-chat.js";
import { button, clockTime, preservingFocus } from "./court-panel-dom.js";
import { ConnectionQuality } from "./court-panel-quality.js";
import { flatten, RosterSection } from "./court-panel-roster.js";
import { HearingStateSection, movesFor } from "./court-panel-state.js";
import { el, sentence } from "./lib/dom.js";

let mounted = null;

class CourtPanel {
  constructor({
    root,
    signaling,
    live,
    self,
    hearing,
    roster,
    spotlight,
    locked,
    chat,
    scheduledStart,
  }) {
    this.root = root;
    this._signaling = signaling;
    this._inFlight = new Set();
    this.data = {
      rosterReceived: false,
      roster: [], // flattened roster entries
      observers: 0,
      locked: Boolean(locked),
      consultations: [],
      spotlight: spotlight || null,
    };
    const ctx = {
      self,
      scheduledStart,
      data: this.data,
      run: (event, payload, failed, done) => this.run(event, payload, failed, done),
      announce: (text) => this.announce(text),
      hearingState: () => this._state.state,
      entries: () => this.data.roster,
      entry: (id) => this.data.roster.find((e) => e.id === id) || null,
      nameOf: (id) => {
        const entry = ctx.entry(id);
        return entry ? entry.name : "a participant";
      },
      describe: (id) => {
        const entry = ctx.entry(id);
        return entry ? `${entry.name}, ${entry.role_label}` : "a participant who has left";
      },
      setSpotlight: (id) => {
        this.data.spotlight = id;
        this.render();
      },
      setLocked: (value) => {
        this.data.locked = value;
        this.render();
      },
    };
    ctx.quality = new ConnectionQuality({
      nameOf: (id) => ctx.nameOf(id),
      announce: (text) => this.announce(text),
    });
    this.ctx = ctx;
    this._build(self);
    this._state.setHearing(hearing);
    if (roster) {
      this._applyRoster(roster);
    }
    // The connections' figures change every few seconds: the lines change in place, and
    // the rest of the panel is not drawn again for them.
    ctx.quality.update(live.state.linkQuality, live.state.videoHeld);
    live.subscribe((state, before) => {
      if (state.linkQuality !== before.linkQuality || state.videoHeld !== before.videoHeld) {
        ctx.quality.update(state.linkQuality, state.videoHeld);
      }
    });
    if (this._chat && Array.isArray(chat)) {
      chat.forEach((message) => this._chat.receive(message, { history: true }));
    }
    this._listen(signaling);
    this._ticker = window.setInterval(() => this._roster.tick(), 1000);
    this.render();
  }

  _build(self) {
    const root = this.root;
    root.classList.add("court-panel");
    root.setAttribute("aria-labelledby", "cp-title");
    const role = self.role_label || self.role;

    this._error = el("div", { className: "cp-error", attrs: { role: "alert", id: "cp-error" } });
    this._recording = el("div", {
      className: "cp-recording-failed",
      attrs: { role: "alert", id: "cp-recording-failed" },
    });
    this._connection = el("p", { className: "cp-stale", attrs: { role: "status" } });
    this._connection.hidden = true;
    this._notes = el("ul", {
      className: "cp-notes",
      attrs: { "aria-label": "Notes for the court" },
    });
    this._announcer = el("p", {
      className: "visually-hidden",
      attrs: { "aria-live": "polite", id: "cp-announcer" },
    });

    this._state = new HearingStateSection(this.ctx);
    this._roster = new RosterSection(this.ctx);
    this._chat = self.role === "clerk" ? new ChatHub(this.ctx) : null;

    root.replaceChildren(
      el("div", { className: "cp-head" }, [
        el("h2", {
          className: "cp-title",
          text: "Court controls",
          attrs: { id: "cp-title", tabindex: "-1" },
        }),
        el("p", { className: "cp-who", text: `You: ${self.name}, ${role}` }),
        ...(this._chat ? [this._chat.jump] : []),
      ]),
      this._recording,
      this._error,
      this._connection,
      this._notes,
      this._state.element,
      this._roster.element,
      ...(this._chat ? [this._chat.element] : []),
      this._announcer,
    );
    root.hidden = false;
  }

  render() {
    // A closed hearing has nobody left to admit or answer: the state alone remains.
    const ended = ["closed", "cancelled"].includes(this._state.state);
    this._roster.element.hidden = ended;
    if (this._chat) {
      this._chat.element.hidden = ended;
    }
    if (ended) {
      this._connection.hidden = true;
    }
    preservingFocus(
      this.root,
      () => {
        this._state.render();
        this._roster.render();
        if (this._chat) {
          this._chat.render();
        }
      },
      (key) => {
        // The focused button is gone (its action was done): go to that person's name, never
        // to the next button, so that a second Enter does not act on someone else.
        const [kind, id] = key.split(":");
        const name =
          (kind === "p" || kind === "hand") &&
          this.root.querySelector(`[data-focus-key="name:${CSS.escape(id)}"]`);
        return name || this.root.querySelector("#cp-rooms-title") || null;
      },
    );
  }

  // Send a court command. Resolves true when acknowledged (and calls `done(data)`), false
  // when refused: the refusal is shown in the alert region, in the server's words.
  /**
   * @param {string} event
   * @param {object} payload
   * @param {string} failed
   * @param {(data: any) => void} [done]
   */
  async run(event, payload, failed, done = () => {}) {
    const key = `${event} ${JSON.stringify(payload)}`;
    if (this._inFlight.has(key)) {
      return false; // the same command is on its way already (a double click)
    }
    this._inFlight.add(key);
    // Not aria-busy: that would hold back the alert that says why a command was refused.
    this.root.classList.add("court-panel--working");
    try {
      const data = await this._signaling.command(event, payload);
      this.clearError();
      done(data);
      return true;
    } catch (err) {
      this.showError(`${failed}. ${sentence(err && err.message)}`);
      return false;
    } finally {
      this._inFlight.delete(key);
      if (this._inFlight.size === 0) {
        this.root.classList.remove("court-panel--working");
      }
    }
  }

  showError(text) {
    const dismiss = button("Dismiss", () => this.clearError({ refocus: true }), {
      label: "Dismiss this message",
      key: "error:dismiss",
    });
    this._error.replaceChildren(el("p", { className: "cp-error__text", text }), dismiss);
    this._error.classList.add("cp-error--shown");
  }

  clearError({ refocus = false } = {}) {
    const had = this._error.contains(document.activeElement);
    this._error.replaceChildren();
    this._error.classList.remove("cp-error--shown");
    if (refocus || had) {
      this.root.querySelector("#cp-title").focus?.();
    }
  }

  announce(text) {
    // Re-set, so that the same words twice are announced twice.
    this._announcer.textContent = "";
    window.setTimeout(() => {
      this._announcer.textContent = text;
    }, 50);
  }

  _showRecordingFailed(message) {
    const at = clockTime(Date.now() / 1000);
    const children = [
      el("p", { className: "cp-recording-failed__title", text: `The recording stopped at ${at}` }),
      el("p", {
        text: `${sentence(message) || "The recorder stopped unexpectedly."} Nothing said from now on is recorded until the recording runs again.`,
      }),
    ];
    const actions = [];
    if (movesFor(this.ctx.self.role, this._state.state).mine.includes("suspended")) {
      actions.push(
        button(
          "Suspend (technical problem)",
          () => this._state.suspendFor("The recording stopped"),
          {
            variant: "button--danger",
            key: "recording:suspend",
          },
        ),
      );
    }
    actions.push(
      button("I have seen this", () => this._clearRecordingFailed(), { key: "recording:dismiss" }),
    );
    children.push(el("div", { className: "cp-actions" }, actions));
    this._recording.replaceChildren(...children);
    this._recording.classList.add("cp-recording-failed--shown");
  }

  _clearRecordingFailed() {
    const had = this._recording.contains(document.activeElement);
    this._recording.replaceChildren();
    this._recording.classList.remove("cp-recording-failed--shown");
    if (had) {
      this.root.querySelector("#cp-title").focus?.();
    }
  }

  addNote(text) {
    const item = el("li", { className: "cp-note-item" }, [
      el("p", { className: "cp-note-item__text" }, [
        el("span", { className: "cp-note-item__time", text: `${clockTime(Date.now() / 1000)} ` }),
        document.createTextNode(text),
      ]),
    ]);
    item.append(
      button("Dismiss", () => item.remove(), { label: `Dismiss the note: ${text}`, small: true }),
    );
    this._notes.append(item);
    this.announce(text);
  }

  _applyRoster(payload) {
    this.data.roster = (payload.roster || []).map(flatten);
    this.data.observers = Number(payload.observers) || 0;
    this.data.locked = Boolean(payload.locked);
    this.data.consultations = payload.consultations || [];
    if ("spotlight" in payload) {
      // Not in SIGNALING.md's roster_changed, but the server sends it: the surest source.
      this.data.spotlight = payload.spotlight || null;
    }
    this.data.rosterReceived = true;
    this._connection.hidden = true;
  }

  _upsertConsultation(consultation) {
    if (!consultation || !consultation.id) {
      return;
    }
    const others = this.data.consultations.filter((c) => c.id !== consultation.id);
    this.data.consultations = consultation.state === "ended" ? others : [...others, consultation];
  }

  _listen(signaling) {
    signaling.on(ServerEvent.ROSTER_CHANGED, (payload) => {
      this._applyRoster(payload || {});
      this.render();
    });
    signaling.on(ServerEvent.HEARING_STATE_CHANGED, (/** @type {any} */ { hearing, reason } = {}) => {
      if (hearing) {
        this._state.setHearing(hearing, reason || "");
        this.render();
        this.announce([hearing.state_label, reason].filter(Boolean).join(". "));
      }
    });
    signaling.on(ServerEvent.LOCK_CHANGED, (/** @type {any} */ { locked } = {}) => {
      this.data.locked = Boolean(locked);
      this.render();
    });
    signaling.on(ServerEvent.SPOTLIGHT_CHANGED, (/** @type {any} */ { participant_id: id } = {}) => {
      this.data.spotlight = id || null;
      this.render();
    });
    signaling.on(ServerEvent.RECORDING_FAILED, (/** @type {any} */ { message } = {}) =>
      this._showRecordingFailed(message),
    );
    signaling.on(ServerEvent.RECORDING_STARTED, () => {
      if (this._recording.classList.contains("cp-recording-failed--shown")) {
        this._clearRecordingFailed();
        this.announce("The recording is running again.");
      }
    });
    signaling.on(ServerEvent.CONSULTATION_REQUESTED, (/** @type {any} */ { consultation } = {}) => {
      if (!consultation) {
        return;
      }
      this._upsertConsultation(consultation);
      const by = this.ctx.describe(consultation.requested_by);
      const with_ = (consultation.participant_ids || [])
        .filter((id) => id !== consultation.requested_by)
        .map((id) => this.ctx.describe(id))
        .join(" and ");
      this.addNote(`${by} asked for a private consultation with ${with_ || "defence counsel"}.`);
      this.render();
    });
    const members = (consultation) =>
      (consultation.participant_ids || []).map((id) => this.ctx.nameOf(id)).join(" and ");
    signaling.on(ServerEvent.CONSULTATION_STARTED, (/** @type {any} */ { consultation } = {}) => {
      if (!consultation) {
        return;
      }
      this._upsertConsultation(consultation);
      this.render();
      this.announce(`Private consultation started: ${members(consultation)}.`);
    });
    signaling.on(ServerEvent.CONSULTATION_ENDED, (/** @type {any} */ { consultation } = {}) => {
      if (!consultation) {
        return;
      }
      this._upsertConsultation({ ...consultation, state: "ended" });
      this.render();
      this.announce(`Private consultation ended: ${members(consultation)}.`);
    });
    if (this._chat) {
      signaling.on(ServerEvent.CHAT_MESSAGE, (/** @type {any} */ { message } = {}) => this._chat.receive(message));
    }
    if (typeof signaling.onConnection === "function") {
      signaling.onConnection("disconnect", () => {
        if (["closed", "cancelled"].includes(this._state.state)) {
          return; // closing disconnects everyone; nothing is out of date
        }
        this._connection.textContent =
          "The connection to the court server was lost. Reconnecting… What is shown here may be out of date.";
        this._connection.hidden = false;
      });
    }
  }

  // A later join of the same page (after a reconnect): the hearing may have moved on.
  update({ hearing, self }) {
    if (self) {
      this.ctx.self = self;
    }
    if (hearing) {
      this._state.setHearing(hearing);
    }
    this.render();
  }
}

// Mount the panel into `root` (the <aside id="court-panel">). A second call updates the
// panel that is already there instead of adding a second set of handlers.
export function mountCourtPanel({
  root = document.getElementById("court-panel"),
  signaling,
  live, // the page's store of the hearing (session.js): the connections' quality and holds
  self,
  hearing,
  roster = null, // the last roster_changed payload, if it came before the panel was mounted
  spotlight = null, // from the join acknowledgement
  locked = null, // from the join acknowledgement
  chat = null, // the join acknowledgement's chat history (messages)
  scheduledStart = null, // RFC 3339, or null if not known
}) {
  if (!root || !signaling || !live || !self || !hearing) {
    throw new Error("mountCourtPanel needs root, signaling, live, self and hearing");
  }
  if (mounted && mounted.root === root) {
    mounted.update({ hearing, self });
    return mounted;
  }
  mounted = new CourtPanel({
    root,
    signaling,
    live,
    self,
    hearing,
    roster,
    spotlight,
    locked,
    chat,
    scheduledStart,
  });
  return mounted;
}
