// Speech-to-text suggestions (SIGNALING.md `protocol_suggestion`,
// `protocol_suggestion_resolved`, `dismiss_protocol_suggestion`, the join acknowledgement's
// `speech_to_text`): inside the protocol editor, for the judge and the clerk. Each
// suggestion is what one participant said, with when they said it; "Accept" writes it as an
// entry stamped at that moment (click the entry afterwards to correct it), "Dismiss" drops
// it. Without a recogniser the server says the feature is off, and the note says why.
//
// Server data goes into the page with textContent only.

import { ClientEvent, ServerEvent } from "./events.js";
import { OFF_THE_RECORD, recordTime } from "./lib/record-time.js";
import { el } from "./lib/dom.js";

class Suggestions {
  /**
   * @param {import("./signaling.js").Signaling} signaling
   * @param {any} editor the protocol editor
   */
  constructor(signaling, editor) {
    this._signaling = signaling;
    this._editor = editor;
    this._open = new Map(); // id -> suggestion
    this._note = el("p", {
      className: "protocol__speech-note",
      attrs: { id: "protocol-speech" },
    });
    this._list = el("ul", {
      className: "protocol__suggestions",
      attrs: { id: "protocol-suggestions", "aria-label": "Suggested entries" },
    });
    this._status = el("p", {
      className: "protocol__status",
      attrs: { role: "status", "aria-live": "polite" },
    });
    this.element = el("div", { className: "protocol__speech" }, [
      this._note,
      this._list,
      this._status,
    ]);
    const writer = document.querySelector("#protocol .protocol__writer");
    if (writer) {
      writer.before(this.element);
    }
    signaling.on(ServerEvent.PROTOCOL_SUGGESTION, (/** @type {any} */ { suggestion } = {}) => {
      if (suggestion && suggestion.id) {
        this._open.set(suggestion.id, suggestion);
        this._render();
      }
    });
    signaling.on(ServerEvent.PROTOCOL_SUGGESTION_RESOLVED, (/** @type {any} */ { suggestion_id } = {}) => {
      this._open.delete(suggestion_id);
      this._render();
    });
  }

  restore(speech) {
    const state = speech || {};
    this._enabled = Boolean(state.enabled);
    this._note.textContent = state.note || "";
    this._note.dataset.enabled = this._enabled ? "yes" : "no";
    this._open = new Map((state.suggestions || []).map((s) => [s.id, s]));
    this._render();
  }

  _render() {
    const items = [...this._open.values()].sort((a, b) => a.record_ms - b.record_ms);
    this._list.hidden = items.length === 0;
    this._list.replaceChildren(...items.map((s) => this._item(s)));
  }

  _item(suggestion) {
    const who = this._editor.nameOf(suggestion.speaker_id);
    const what = `what ${who} said at ${recordTime(suggestion.record_ms, OFF_THE_RECORD)}`;
    const accept = el("button", {
      className: "button button--small button--primary",
      text: "Accept",
      attrs: { type: "button", "aria-label": `Accept ${what}` },
    });
    const dismiss = el("button", {
      className: "button button--small",
      text: "Dismiss",
      attrs: { type: "button", "aria-label": `Dismiss ${what}` },
    });
    accept.addEventListener("click", () => this._accept(suggestion, [accept, dismiss]));
    dismiss.addEventListener("click", () => this._dismiss(suggestion, [accept, dismiss]));
    const attrs = { "data-suggestion-id": suggestion.id };
    return el("li", { className: "protocol-suggestion", attrs }, [
      el("span", { className: "protocol-entry__time", text: recordTime(suggestion.record_ms, OFF_THE_RECORD) }),
      el("span", { className: "protocol-suggestion__speaker", text: who }),
      el("p", { className: "protocol-suggestion__text", text: suggestion.text }),
      el("div", { className: "protocol-suggestion__actions" }, [accept, dismiss]),
    ]);
  }

  async _accept(suggestion, buttons) {
    buttons.forEach((b) => (b.disabled = true));
    try {
      const data = await this._signaling.command(ClientEvent.WRITE_PROTOCOL_ENTRY, {
        kind: "statement",
        text: suggestion.text,
        speaker_id: suggestion.speaker_id,
        suggestion_id: suggestion.id,
      });
      this._editor.receive(data && data.entry);
      this._open.delete(suggestion.id);
      this._say(`Written as entry ${data.entry.number}. Click it in the list to correct it.`);
      this._render();
    } catch (err) {
      buttons.forEach((b) => (b.disabled = false));
      this._say(`Not accepted: ${(err && err.message) || "the server did not say why."}`);
    }
  }

  async _dismiss(suggestion, buttons) {
    buttons.forEach((b) => (b.disabled = true));
    try {
      await this._signaling.command(ClientEvent.DISMISS_PROTOCOL_SUGGESTION, {
        suggestion_id: suggestion.id,
      });
      this._open.delete(suggestion.id);
      this._say("Dismissed.");
      this._render();
    } catch (err) {
      buttons.forEach((b) => (b.disabled = false));
      this._say(`Not dismissed: ${(err && err.message) || "the server did not say why."}`);
    }
  }

  _say(text) {
    this._status.textContent = text;
  }
}

let suggestions = null;

// After every successful join (session.js), once the protocol editor is there.
/**
 * @param {import("./signaling.js").Signaling} signaling
 * @param {any} editor the protocol editor, or null for someone who does not write it
 * @param {any} speech the join acknowledgement's `speech_to_text`
 */
export function suggestionsJoined(signaling, editor, speech) {
  if (!editor) {
    return null;
  }
  if (!suggestions) {
    suggestions = new Suggestions(signaling, editor);
  }
  suggestions.restore(speech);
  return suggestions;
}
