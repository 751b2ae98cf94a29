// The clerk's message hub (SIGNALING.md `send_chat`, `chat_message`): every participant
// writes to the clerk; the clerk sees one conversation per participant and answers each.

import { ClientEvent } from "./events.js";
import { badge, button, clockTime, uniqueId } from "./court-panel-dom.js";
import { el } from "./lib/dom.js";

const MAX_LENGTH = 2000;

export class ChatHub {
  // ctx: {self, run, announce, entries(), entry(id)}
  constructor(ctx) {
    this._ctx = ctx;
    this._conversations = new Map(); // other participant id -> {id, name, role_label, messages, unread}
    this._seen = new Set(); // message ids already shown (the sender gets its own message twice)
    this._selected = null;

    this._total = badge("", "hand");
    this._total.hidden = true;
    // In the panel's head: unread messages, one click from the hub far below.
    this.jump = button("", () => this._jumpToUnread(), {
      key: "chat:jump",
      variant: "cp-chat__jump",
    });
    this.jump.hidden = true;
    this._list = el("ul", { className: "cp-chat__list", attrs: { "aria-label": "Conversations" } });
    this._empty = el("p", {
      className: "cp-note",
      text: "No messages yet. Participants' messages to the clerk appear here.",
    });

    const pickId = uniqueId("cp-chat-pick");
    this._pick = el("select", { className: "input cp-chat__pick", attrs: { id: pickId } });
    this._pick.addEventListener("change", () => {
      if (this._pick.value) {
        this.select(this._pick.value, { focusInput: true });
        this._pick.value = "";
      }
    });
    const pickRow = el("div", { className: "cp-chat__new" }, [
      el("label", { text: "Write to", attrs: { for: pickId } }),
      this._pick,
    ]);

    this._viewTitle = el("h3", {
      className: "cp-chat__with",
      attrs: { id: "cp-chat-with", tabindex: "-1" },
    });
    this._log = el("ol", {
      className: "cp-chat__log",
      attrs: { role: "log", "aria-labelledby": "cp-chat-with" },
    });
    const inputId = uniqueId("cp-chat-input");
    this._inputLabel = el("label", { className: "cp-field__label", attrs: { for: inputId } });
    this._input = el("textarea", {
      className: "input cp-input cp-chat__input",
      attrs: {
        id: inputId,
        rows: "2",
        maxlength: String(MAX_LENGTH),
        "data-focus-key": "chat:input",
      },
    });
    this._input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this._form.requestSubmit();
      }
    });
    this._send = el("button", {
      className: "button button--small button--primary",
      text: "Send",
      attrs: { type: "submit", "data-focus-key": "chat:send" },
    });
    this._form = el("form", { className: "cp-chat__form" }, [
      this._inputLabel,
      el("p", { className: "cp-field__hint", text: "Enter sends; Shift+Enter starts a new line." }),
      this._input,
      el("div", { className: "cp-actions" }, [this._send]),
    ]);
    this._form.addEventListener("submit", (event) => {
      event.preventDefault();
      this._sendReply();
    });
    this._view = el("div", { className: "cp-chat__view" }, [
      this._viewTitle,
      this._log,
      this._form,
    ]);
    this._view.hidden = true;

    this.element = el(
      "section",
      { className: "cp-section cp-chat", attrs: { "aria-labelledby": "cp-chat-title" } },
      [
        el("div", { className: "cp-section__head" }, [
          el("h2", {
            className: "cp-section__title",
            text: "Messages",
            attrs: { id: "cp-chat-title" },
          }),
          this._total,
        ]),
        this._empty,
        this._list,
        pickRow,
        this._view,
      ],
    );
  }

  // The participant at the other end of `message`, seen from the clerk.
  _otherOf(message) {
    const from = message.from || {};
    if (from.id === this._ctx.self.id || (from.role === "clerk" && message.to)) {
      return message.to;
    }
    return from.id;
  }

  _conversation(id, fallback = {}) {
    let conversation = this._conversations.get(id);
    if (!conversation) {
      const entry = this._ctx.entry(id) || fallback;
      conversation = {
        id,
        name: entry.name || "A participant",
        role_label: entry.role_label || "",
        messages: [],
        unread: 0,
      };
      this._conversations.set(id, conversation);
    }
    return conversation;
  }

  // `history`: from the join acknowledgement, read before; counted as read and not announced.
  receive(message, { history = false } = {}) {
    if (!message || this._seen.has(message.id)) {
      return;
    }
    this._seen.add(message.id);
    const other = this._otherOf(message);
    if (!other) {
      return;
    }
    const fromOther = message.from && message.from.id === other;
    const conversation = this._conversation(other, fromOther ? message.from : {});
    conversation.messages.push(message);
    const mine = message.from && message.from.id === this._ctx.self.id;
    const open = this._selected === other && !this._view.hidden;
    if (!mine && !open && !history) {
      conversation.unread += 1;
      this._ctx.announce(`New message from ${conversation.name}.`);
    }
    this.render();
  }

  select(id, { focusInput = false } = {}) {
    const conversation = this._conversation(id);
    this._selected = id;
    conversation.unread = 0;
    this.render();
    if (focusInput) {
      this._input.focus();
    }
  }

  render() {
    const conversations = [...this._conversations.values()].sort((a, b) => {
      const last = (c) => (c.messages.length ? c.messages.at(-1).sent_at : 0);
      return last(b) - last(a);
    });
    this._empty.hidden = conversations.length > 0;
    const unread = conversations.reduce((sum, c) => sum + c.unread, 0);
    this._total.hidden = unread === 0;
    this._total.textContent = `${unread} unread`;
    this.jump.hidden = unread === 0;
    this.jump.textContent = unread === 1 ? "1 unread message" : `${unread} unread messages`;

    this._list.replaceChildren(
      ...conversations.map((c) => {
        const label = [c.name, c.role_label].filter(Boolean).join(", ");
        const unreadText = c.unread ? `${c.unread} unread` : "";
        const pick = button(c.name, () => this.select(c.id, { focusInput: true }), {
          key: `chat:open:${c.id}`,
          label: [`Messages with ${label}`, unreadText].filter(Boolean).join(", "),
          variant: "cp-chat__person",
        });
        if (c.id === this._selected) {
          pick.setAttribute("aria-current", "true");
        }
        pick.append(el("span", { className: "cp-chat__role", text: c.role_label }));
        if (c.unread) {
          pick.append(badge(unreadText, "hand"));
        }
        return el("li", { className: `cp-chat__item${c.unread ? " cp-chat__item--unread" : ""}` }, [
          pick,
        ]);
      }),
    );

    // Anyone present (not the clerks) may be written to first.
    const people = this._ctx
      .entries()
      .filter((e) => e.role !== "clerk" && !e.removed && e.connection !== "disconnected");
    const signature = people.map((p) => `${p.id}\u0000${p.name}`).join("\u0001");
    if (signature !== this._pick.dataset.people) {
      // Rebuilt only when the people change: a list being chosen from must not close.
      this._pick.dataset.people = signature;
      const options = [el("option", { text: "Choose a participant…", attrs: { value: "" } })];
      for (const person of people) {
        const label = `${person.name}, ${person.role_label}`;
        options.push(el("option", { text: label, attrs: { value: person.id } }));
      }
      this._pick.replaceChildren(...options);
      this._pick.value = "";
    }

    const selected = this._selected && this._conversations.get(this._selected);
    this._view.hidden = !selected;
    if (!selected) {
      return;
    }
    const who = [selected.name, selected.role_label].filter(Boolean).join(", ");
    this._viewTitle.textContent = `With ${who}`;
    this._inputLabel.textContent = `Message to ${selected.name}`;
    this._renderLog(selected);
  }

  _renderLog(conversation) {
    if (this._log.dataset.conversation !== conversation.id) {
      this._log.replaceChildren();
      this._log.dataset.conversation = conversation.id;
    }
    const shown = new Set(
      [.../** @type {HTMLCollectionOf<HTMLElement>} */ (this._log.children)].map(
        (li) => li.dataset.messageId,
      ),
    );
    // Append only what is new, so that the log announces new messages and nothing else.
    for (const message of conversation.messages) {
      if (shown.has(message.id)) {
        continue;
      }
      const mine = message.from && message.from.id === this._ctx.self.id;
      const author = mine ? "You" : (message.from && message.from.name) || conversation.name;
      const item = el("li", { className: `cp-message${mine ? " cp-message--mine" : ""}` }, [
        el("p", { className: "cp-message__meta" }, [
          el("span", { className: "cp-message__author", text: author }),
          el("span", {
            className: "cp-message__time",
            text: message.sent_at ? ` ${clockTime(message.sent_at)}` : "",
          }),
        ]),
        el("p", { className: "cp-message__text", text: message.text }),
      ]);
      item.dataset.messageId = message.id;
      this._log.append(item);
    }
    this._log.scrollTop = this._log.scrollHeight;
  }

  _jumpToUnread() {
    const first = [...this._conversations.values()].find((c) => c.unread);
    if (first) {
      this.select(first.id, { focusInput: true });
      this.element.scrollIntoView({ block: "nearest" });
    }
  }

  async _sendReply() {
    const text = this._input.value.trim();
    const to = this._selected;
    if (!text || !to) {
      this._input.focus();
      return;
    }
    const name = this._conversation(to).name;
    const ok = await this._ctx.run(
      ClientEvent.SEND_CHAT,
      { text, to },
      `The message to ${name} could not be sent`,
      (data) => {
        if (data && data.message) {
          this.receive(data.message);
        }
      },
    );
    if (ok) {
      this._input.value = "";
      this._input.focus();
    }
  }
}
