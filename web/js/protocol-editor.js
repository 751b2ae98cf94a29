// The court protocol editor (SIGNALING.md `write_protocol_entry`, `protocol_entry`, the join
// acknowledgement's `protocol`): beside the hearing, for whoever may write the protocol (the
// judge and the clerk). session.js calls `protocolJoined(writing, data.protocol)` after every
// join; the first call for a writer builds the editor, later ones (reconnects) fill the list
// again from the server's entries, so nothing sent is lost.
//
// An entry begins when its writer types its first character: that moment is remembered and
// sent with the first save, which creates the entry and stamps it with the record time then:
// `began_at`, the record time by the page's record clock (record-clock.js), and
// `began_ms_ago` for a server that cannot use it. Later saves of the same entry send its `entry_id`. Saves go out while the
// writer types (debounced) and when they finish the entry (Enter or "Next entry").
//
// The speaker picker suggests who was speaking when the entry began (`active_speaker_changed`,
// from the recording's speaker detection) unless the writer chose someone for it. A written
// entry in the list is opened again by clicking it; the entry being written is remembered in
// the tab (sessionStorage), so a reload or a crash of the page resumes it where it was.
//
// Server data goes into the page with textContent only.

import { ClientEvent, ServerEvent } from "./events.js";
import { OFF_THE_RECORD, recordTime } from "./lib/record-time.js";
import { el, sentence } from "./lib/dom.js";
import { kindLabel } from "./lib/terms.js";

// The kinds a writer may choose, in the order offered, each with its label (lib/terms.js).
export const WRITTEN_KINDS = Object.freeze(
  [
    "statement",
    "question",
    "answer",
    "motion",
    "objection",
    "ruling",
    "note",
    "exhibit",
    "off_the_record",
  ].map((kind) => /** @type {[string, string]} */ ([kind, kindLabel(kind)])),
);

const SAVE_DELAY_MS = 700;
const MAX_BEGAN_AGO_MS = 600000; // signaling/messages.py WriteProtocolEntry.began_ms_ago
const MAX_TEXT = 10000; // court/protocol.py MAX_ENTRY_TEXT
const STEP_MS = 1000;
const NO_SPEAKER = "—";

/**
 * What the editor works with: the connection, the page's record clock, and what the page
 * knows of the hearing (the hearing, who is in it, the court's last roster), read when needed.
 * @typedef {object} Writing
 * @property {import("./signaling.js").Signaling} signaling
 * @property {import("./record-clock.js").RecordClock} recordClock
 * @property {import("./lib/store.js").Store<import("./hearing-reducers.js").LiveState>} live
 */

class ProtocolEditor {
  /** @param {Writing} writing */
  constructor(writing) {
    this._writing = writing;
    this._entries = new Map(); // id -> entry view
    this._rows = new Map(); // id -> <li>
    this._names = new Map(); // participant id -> {name, role_label}, kept after they leave
    /** @type {Promise<unknown>} */
    this._chain = Promise.resolve(); // saves go out one after another
    this._timer = null;
    this._lastSpeaker = "";
    this._active = null; // who is speaking now (participant id), or null
    this._recent = null; // who spoke last
    this._resetCurrent();
    this._build();
    this._learnPeople();
    this._renderSpeakers();
    this._listen();
  }

  _resetCurrent() {
    // The entry being written: its id once the server created it, and when it began.
    this._current = { id: null, beganAt: null, dirty: false, failed: false, chosen: false };
  }

  get _resumeKey() {
    const current = this._writing.live.state.hearing;
    const hearing = current && current.id;
    return `courtroom.protocol.current.${hearing || ""}`;
  }

  _remember(id) {
    try {
      if (id) {
        window.sessionStorage.setItem(this._resumeKey, id);
      } else {
        window.sessionStorage.removeItem(this._resumeKey);
      }
    } catch {
      // Storage refused (private mode, quota): resuming after a reload is then by click.
    }
  }

  _remembered() {
    try {
      return window.sessionStorage.getItem(this._resumeKey);
    } catch {
      return null;
    }
  }

  _build() {
    this._list = el("ol", {
      className: "protocol__list",
      attrs: { id: "protocol-list", "aria-label": "Protocol entries", tabindex: "0" },
    });
    this._empty = el("p", {
      className: "protocol__empty",
      text: "No entries yet. What you write below, and what the court does, is listed here.",
    });

    this._kind = el("select", {
      className: "input protocol__kind",
      attrs: { id: "protocol-kind" },
    });
    for (const [value, label] of WRITTEN_KINDS) {
      this._kind.append(el("option", { text: label, attrs: { value } }));
    }
    this._speaker = el("select", {
      className: "input protocol__speaker",
      attrs: { id: "protocol-speaker" },
    });
    this._text = el("textarea", {
      className: "input protocol__text",
      attrs: {
        id: "protocol-text",
        rows: "3",
        maxlength: String(MAX_TEXT),
        "aria-describedby": "protocol-hint",
      },
    });
    this._stamp = el("p", {
      className: "protocol__stamp",
      attrs: { id: "protocol-stamp" },
    });
    this._earlier = el("button", {
      className: "button button--small protocol__shift",
      text: "−1 s",
      attrs: { type: "button", "aria-label": "Move this entry's time 1 second earlier" },
    });
    this._later = el("button", {
      className: "button button--small protocol__shift",
      text: "+1 s",
      attrs: { type: "button", "aria-label": "Move this entry's time 1 second later" },
    });
    this._next = el("button", {
      className: "button button--small button--primary protocol__next",
      text: "Next entry",
      attrs: { type: "button" },
    });
    this._status = el("p", {
      className: "protocol__status",
      attrs: { id: "protocol-status", role: "status", "aria-live": "polite" },
    });

    this._kind.addEventListener("change", () => this._changed());
    this._speaker.addEventListener("change", () => {
      this._lastSpeaker = this._speaker.value;
      this._current.chosen = true;
      this._changed();
    });
    this._speaking = el("p", {
      className: "protocol__speaking",
      attrs: { id: "protocol-speaking" },
    });
    this._speaking.hidden = true;
    this._text.addEventListener("input", () => this._typed());
    this._text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.nextEntry();
      }
    });
    this._next.addEventListener("click", () => this.nextEntry());
    this._earlier.addEventListener("click", () => this._shift(-STEP_MS));
    this._later.addEventListener("click", () => this._shift(STEP_MS));

    const field = (id, label, control) =>
      el("div", { className: "protocol__field" }, [
        el("label", { className: "protocol__label", text: label, attrs: { for: id } }),
        control,
      ]);

    this.element = el(
      "section",
      {
        className: "protocol",
        attrs: { id: "protocol", "aria-labelledby": "protocol-title" },
      },
      [
        el("h2", {
          className: "protocol__title",
          text: "Court protocol",
          attrs: { id: "protocol-title" },
        }),
        this._empty,
        this._list,
        el(
          "div",
          {
            className: "protocol__writer",
            attrs: { role: "group", "aria-label": "Write an entry" },
          },
          [
            el("div", { className: "protocol__row" }, [
              field("protocol-kind", "Kind", this._kind),
              field("protocol-speaker", "Speaker", this._speaker),
            ]),
            this._speaking,
            el("div", { className: "protocol__field" }, [
              el("label", {
                className: "protocol__label",
                text: "Entry text",
                attrs: { for: "protocol-text" },
              }),
              el("p", {
                className: "protocol__hint",
                text: "Saved as you type. Enter finishes the entry; Shift+Enter starts a new line.",
                attrs: { id: "protocol-hint" },
              }),
              this._text,
            ]),
            el("div", { className: "protocol__actions" }, [
              this._stamp,
              this._earlier,
              this._later,
              this._next,
            ]),
            this._status,
          ],
        ),
      ],
    );

    // Beside the hearing: a column of the live page, next to the tiles.
    const live = document.getElementById("live");
    const stage = live && live.querySelector(".live__stage");
    if (stage) {
      stage.after(this.element);
    } else {
      (document.getElementById("main") || document.body).append(this.element);
    }
    this._renderList();
    this._renderCurrent();
  }

  _listen() {
    const signaling = this._writing.signaling;
    signaling.on(ServerEvent.PROTOCOL_ENTRY, (/** @type {any} */ { entry } = {}) => this.receive(entry));
    signaling.on(ServerEvent.ACTIVE_SPEAKER_CHANGED, (/** @type {any} */ { participant_id } = {}) =>
      this.activeSpeaker(participant_id),
    );
    this._list.addEventListener("click", (event) => {
      const row = /** @type {HTMLElement | null} */ (
        /** @type {Element} */ (event.target).closest(".protocol-entry--editable")
      );
      if (row) {
        this.resume(row.dataset.entryId);
      }
    });
    this._list.addEventListener("keydown", (event) => {
      const row = /** @type {HTMLElement | null} */ (
        /** @type {Element} */ (event.target).closest(".protocol-entry--editable")
      );
      if (row && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        this.resume(row.dataset.entryId);
      }
    });
    signaling.on(ServerEvent.ROSTER_CHANGED, (roster) => {
      this._learnPeople(roster);
      this._renderSpeakers();
      this._renderNames();
    });
    signaling.on(ServerEvent.PARTICIPANT_JOINED, (/** @type {any} */ { participant } = {}) => {
      this._learn(participant);
      this._renderSpeakers();
      this._renderNames();
    });
  }

  // ---- the people: speaker names and choices -------------------------------------------

  _learn(person) {
    if (person && person.id && person.name) {
      this._names.set(person.id, {
        name: person.name,
        role_label: person.role_label || person.role || "",
      });
    }
  }

  // Everyone the page knows: the court's roster, those in the room, and oneself.
  people(roster = this._writing.live.state.lastRoster) {
    const people = [];
    const entries = (roster && roster.roster) || [];
    for (const entry of entries) {
      const person = { ...entry, ...(entry.participant || {}) };
      if (!person.removed) {
        people.push(person);
      }
    }
    const { self, present } = this._writing.live.state;
    for (const person of [self, ...present.values()]) {
      if (person && !people.some((p) => p.id === person.id)) {
        people.push(person);
      }
    }
    return people.filter((p) => p && p.id);
  }

  _learnPeople(roster = this._writing.live.state.lastRoster) {
    for (const entry of (roster && roster.roster) || []) {
      this._learn({ ...entry, ...(entry.participant || {}) });
    }
    const { self, present } = this._writing.live.state;
    [self, ...present.values()].forEach((p) => this._learn(p));
  }

  nameOf(id) {
    if (!id) {
      return NO_SPEAKER;
    }
    const known = this._names.get(id);
    return known ? known.name : NO_SPEAKER;
  }

  _renderSpeakers() {
    const people = this.people();
    const wanted = this._speaker.value || this._lastSpeaker;
    if (wanted && !people.some((p) => p.id === wanted) && this._names.has(wanted)) {
      people.push({ id: wanted, ...this._names.get(wanted) }); // keep the one chosen
    }
    const signature = people.map((p) => `${p.id}\u0000${p.name}`).join("\u0001");
    if (signature === this._speaker.dataset.people) {
      return; // rebuilt only when the people change: a list being chosen from stays open
    }
    this._speaker.dataset.people = signature;
    const options = [el("option", { text: "No speaker", attrs: { value: "" } })];
    for (const person of people) {
      const label = [person.name, person.role_label].filter(Boolean).join(", ");
      options.push(el("option", { text: label, attrs: { value: person.id } }));
    }
    this._speaker.replaceChildren(...options);
    this._speaker.value = people.some((p) => p.id === wanted) ? wanted : "";
  }

  _renderNames() {
    for (const [id, row] of this._rows) {
      const entry = this._entries.get(id);
      row.querySelector(".protocol-entry__speaker").textContent = this.nameOf(entry.speaker_id);
    }
    this._renderSpeaking();
  }

  // ---- who is speaking: the picker's suggestion ------------------------------------------

  activeSpeaker(id) {
    this._active = id || null;
    if (this._active) {
      this._recent = this._active;
    }
    this._renderSpeaking();
  }

  _renderSpeaking() {
    const who = this._active || this._recent;
    this._speaking.hidden = !who;
    if (!who) {
      return;
    }
    const known = this._names.get(who);
    const label = known ? [known.name, known.role_label].filter(Boolean).join(", ") : "someone";
    this._speaking.textContent = this._active ? `Speaking now: ${label}` : `Last heard: ${label}`;
    this._speaking.dataset.speaking = this._active ? "now" : "before";
  }

  // A new entry's speaker: whoever was speaking as its writer began, unless chosen.
  _suggestSpeaker() {
    const who = this._active || this._recent;
    if (this._current.chosen || !who) {
      return;
    }
    if ([...this._speaker.options].some((option) => option.value === who)) {
      this._speaker.value = who;
    }
  }

  // ---- opening a written entry again ------------------------------------------------------

  _editable(entry) {
    const written = Boolean(entry) && WRITTEN_KINDS.some(([kind]) => kind === entry.kind);
    return written && !entry.automatic;
  }

  // Make a written entry the one being written (a click on it, or a reload that resumes).
  async resume(id) {
    const entry = this._entries.get(id);
    if (!this._editable(entry) || this._current.id === id) {
      return;
    }
    if (this._current.id !== null || this._text.value.trim()) {
      const finished = await this.nextEntry({ focus: false });
      if (finished === false) {
        return; // the entry being written could not be saved: it stays, with the error
      }
    }
    const previous = this._current.id && this._rows.get(this._current.id);
    if (previous) {
      previous.classList.remove("protocol-entry--current");
    }
    this._resetCurrent();
    this._current.id = entry.id;
    this._current.chosen = true;
    this._remember(entry.id);
    this._text.value = entry.text;
    this._kind.value = entry.kind;
    this._renderSpeakers();
    this._speaker.value = entry.speaker_id || "";
    if (this._speaker.value !== (entry.speaker_id || "")) {
      // Someone no longer in the hearing: kept as the entry's speaker, not dropped from it.
      const name = this.nameOf(entry.speaker_id);
      this._speaker.append(el("option", { text: name, attrs: { value: entry.speaker_id } }));
      this._speaker.value = entry.speaker_id;
    }
    this._renderCurrent();
    this._setStatus(`Editing entry ${entry.number}. Enter finishes it.`, "saved");
    this._text.focus();
  }

  // ---- the list ------------------------------------------------------------------------

  // An entry from the server (an acknowledgement, a protocol_entry event, the join ack).
  receive(entry, { follow = true } = {}) {
    if (!entry || !entry.id) {
      return;
    }
    const known = this._entries.get(entry.id);
    if (known && Number(known.updated_at) > Number(entry.updated_at)) {
      return; // an older save arriving late
    }
    this._entries.set(entry.id, entry);
    const row = this._rows.get(entry.id);
    if (row) {
      this._fill(row, entry);
    } else {
      this._insert(entry);
      if (follow) {
        this._followNewest();
      }
    }
    this._empty.hidden = this._entries.size > 0;
    if (entry.id === this._current.id) {
      this._renderCurrent();
    }
  }

  // The entry this tab was writing before a reload, if it is still there to write.
  _resumeRemembered() {
    const id = this._remembered();
    if (id && this._current.id === null && !this._text.value && this._entries.has(id)) {
      this.resume(id);
    }
  }

  // After a join: the protocol so far, in full.
  restore(entries) {
    for (const entry of entries || []) {
      this.receive(entry, { follow: false });
    }
    this._learnPeople();
    this._renderSpeakers();
    this._renderNames();
    this._followNewest();
    if (this._current.dirty || this._current.failed) {
      this._scheduleSave(0); // what could not be sent while the connection was lost
    }
    this._resumeRemembered();
  }

  _insert(entry) {
    const row = el("li", { className: "protocol-entry" }, [
      el("span", { className: "protocol-entry__number" }),
      el("span", { className: "protocol-entry__time" }),
      el("span", { className: "protocol-entry__kind" }),
      el("span", { className: "protocol-entry__speaker" }),
      el("p", { className: "protocol-entry__text" }),
    ]);
    row.dataset.entryId = entry.id;
    this._fill(row, entry);
    this._rows.set(entry.id, row);
    // In number order: almost always at the end.
    const after = [.../** @type {HTMLCollectionOf<HTMLElement>} */ (this._list.children)].find(
      (li) => Number(this._entries.get(li.dataset.entryId).number) > Number(entry.number),
    );
    this._list.insertBefore(row, after || null);
  }

  _fill(row, entry) {
    row.classList.toggle("protocol-entry--automatic", Boolean(entry.automatic));
    const editable = this._editable(entry);
    row.classList.toggle("protocol-entry--editable", editable);
    if (editable) {
      row.tabIndex = 0;
      row.title = "Click to open this entry again";
    }
    row.classList.toggle("protocol-entry--current", entry.id === this._current.id);
    row.dataset.number = String(entry.number);
    row.dataset.kind = entry.kind;
    row.querySelector(".protocol-entry__number").textContent = `${entry.number}.`;
    const time = row.querySelector(".protocol-entry__time");
    time.textContent = recordTime(entry.record_ms, OFF_THE_RECORD);
    time.classList.toggle("protocol-entry__time--off", entry.record_ms === null);
    row.querySelector(".protocol-entry__kind").textContent = kindLabel(entry.kind);
    row.querySelector(".protocol-entry__speaker").textContent = this.nameOf(entry.speaker_id);
    row.querySelector(".protocol-entry__text").textContent = entry.text;
  }

  _renderList() {
    this._empty.hidden = this._entries.size > 0;
  }

  _followNewest() {
    this._list.scrollTop = this._list.scrollHeight;
  }

  // ---- writing -------------------------------------------------------------------------

  _typed() {
    const hasText = this._text.value.length > 0;
    if (this._current.beganAt === null && this._current.id === null && hasText) {
      this._current.beganAt = performance.now(); // the entry begins with its first character
      this._suggestSpeaker();
    } else if (!hasText && this._current.id === null) {
      this._current.beganAt = null; // nothing was sent: it has not begun after all
    }
    this._changed();
  }

  _changed() {
    if (this._current.beganAt === null && this._current.id === null) {
      return; // nothing written yet: a kind or speaker chosen in advance
    }
    this._current.dirty = true;
    this._setStatus("Saving…", "saving");
    this._scheduleSave(SAVE_DELAY_MS);
  }

  _scheduleSave(delay) {
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(() => {
      this._timer = null;
      this._save();
    }, delay);
  }

  // Queue a save of the entry being written (`shift`: move its stamp by that many ms).
  _save(shift = 0) {
    window.clearTimeout(this._timer);
    this._timer = null;
    const current = this._current;
    const task = this._chain.then(() => this._send(current, shift));
    this._chain = task.catch(() => {});
    return task;
  }

  async _send(current, shift) {
    if (!current.dirty && shift === 0) {
      return true;
    }
    const text = current === this._current ? this._text.value : current.text;
    const kind = current === this._current ? this._kind.value : current.kind;
    const speaker = current === this._current ? this._speaker.value : current.speaker;
    if (current.id === null && !text.trim()) {
      current.dirty = false;
      this._setStatus("", "idle");
      return true; // an entry is created by its first words, not by a blank
    }
    const payload = { kind, text };
    if (speaker) {
      payload.speaker_id = speaker;
    }
    if (current.id === null) {
      const beganAt = current.beganAt ?? performance.now();
      const ago = Math.round(performance.now() - beganAt);
      payload.began_ms_ago = Math.min(MAX_BEGAN_AGO_MS, Math.max(0, ago));
      // Preferred by the server: the record time then, by the page's own record clock.
      const began = this._writing.recordClock.at(beganAt);
      if (began) {
        payload.began_at = began;
      }
    } else {
      payload.entry_id = current.id;
      if (shift) {
        const entry = this._entries.get(current.id);
        if (!entry || entry.record_ms === null || !entry.recording_id) {
          return false;
        }
        payload.record_ms = Math.max(0, Number(entry.record_ms) + shift);
      }
    }
    current.dirty = false;
    this._setStatus("Saving…", "saving");
    try {
      const data = await this._writing.signaling.command(ClientEvent.WRITE_PROTOCOL_ENTRY, payload);
      const entry = data && data.entry;
      if (entry && current.id === null) {
        current.id = entry.id;
        if (current === this._current) {
          this._remember(entry.id);
        }
      }
      current.failed = false;
      this.receive(entry);
      if (current === this._current) {
        this._setStatus(current.dirty ? "Saving…" : "Saved", current.dirty ? "saving" : "saved");
        this._renderCurrent();
      }
      return true;
    } catch (err) {
      current.dirty = true; // still to be sent
      current.failed = true;
      if (current === this._current) {
        this._setStatus(`Not saved: ${sentence(err && err.message) || "the server did not say why."}`, "error");
      }
      return false;
    }
  }

  async _shift(delta) {
    if (this._current.id === null) {
      return;
    }
    await this._save(delta);
  }

  // Finish the entry being written and start a fresh one (Enter, "Next entry").
  async nextEntry({ focus = true } = {}) {
    const current = this._current;
    if (current.id === null && !this._text.value.trim()) {
      if (focus) {
        this._text.focus();
      }
      return true;
    }
    // Freeze what is being finished: the fields are cleared for the next entry at once.
    current.text = this._text.value;
    current.kind = this._kind.value;
    current.speaker = this._speaker.value;
    const ok = await this._save();
    if (!ok) {
      this._text.focus();
      return false; // the words stay where they are, with the error said
    }
    if (this._current !== current) {
      return true;
    }
    if (this._text.value !== current.text) {
      current.dirty = true; // typed on while it was being saved: save that too, then finish
      return this.nextEntry({ focus });
    }
    const previous = this._rows.get(current.id);
    this._resetCurrent();
    this._remember(null);
    if (previous) {
      previous.classList.remove("protocol-entry--current");
    }
    this._text.value = "";
    this._speaker.value = this._lastSpeaker;
    this._renderCurrent();
    this._setStatus("Saved. Write the next entry.", "saved");
    if (focus) {
      this._text.focus();
    }
    return true;
  }

  _renderCurrent() {
    const entry = this._current.id ? this._entries.get(this._current.id) : null;
    const movable = Boolean(entry && entry.recording_id && entry.record_ms !== null);
    this._earlier.disabled = !movable || Number(entry.record_ms) <= 0;
    this._later.disabled = !movable;
    if (!entry) {
      this._stamp.textContent = "New entry: its time is taken when you begin typing.";
    } else {
      this._stamp.textContent = `Entry ${entry.number} at ${recordTime(entry.record_ms, OFF_THE_RECORD)}`;
      const row = this._rows.get(entry.id);
      if (row) {
        row.classList.add("protocol-entry--current");
      }
    }
  }

  _setStatus(text, tone) {
    this._status.textContent = text;
    this._status.dataset.tone = tone;
  }

  describe() {
    return {
      entries: [...this._entries.values()].sort((a, b) => a.number - b.number),
      current: this._current.id,
    };
  }
}

let editor = null;

// After every successful join (session.js): build the editor for a writer of the protocol
// once, and fill it from the acknowledgement's `protocol`.
/**
 * @param {Writing} writing
 * @param {object[] | undefined} entries
 * @param {string | null} [activeSpeaker]
 */
export function protocolJoined(writing, entries, activeSpeaker = null) {
  const self = writing.live.state.self;
  if (!self || !(self.permissions || []).includes("write_protocol")) {
    return null;
  }
  if (!editor) {
    editor = new ProtocolEditor(writing);
  }
  editor.restore(entries || []);
  editor.activeSpeaker(activeSpeaker);
  return editor;
}
