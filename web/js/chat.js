// "Message the court clerk": each participant writes to the clerk, and the clerk answers
// each one (hub and spoke, as in HMCTS video hearings). Every text is put into the page as
// text, never as markup.

import { ClientEvent } from "./events.js";
import { $ } from "./lib/dom.js";
import { clock as wallClock } from "./lib/wall-time.js";

const MAX_LENGTH = 2000;

function clock(seconds) {
  return wallClock((seconds || Date.now() / 1000) * 1000);
}

export class Chat {
  constructor({ signaling, getSelf }) {
    this._signaling = signaling;
    this._getSelf = getSelf;
    this._seen = new Set(); // message ids: the ack and the notification bring the same one
    this._count = 0;
    $("chat-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    $("chat-text").addEventListener("keydown", (event) => {
      // Enter sends, Shift+Enter starts a new line.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
  }

  // Everyone but the clerk writes to the clerk; the clerk answers from the court panel.
  configure({ self }) {
    $("chat").hidden = !self || self.role === "clerk";
  }

  setConnected(connected) {
    $("chat-send").disabled = !connected;
  }

  async send() {
    const field = $("chat-text");
    const text = field.value.trim();
    if (!text) {
      return;
    }
    if (text.length > MAX_LENGTH) {
      this._error(`A message can be at most ${MAX_LENGTH} characters long.`);
      return;
    }
    $("chat-send").disabled = true;
    try {
      const data = await this._signaling.command(ClientEvent.SEND_CHAT, { text });
      field.value = "";
      $("chat-error").hidden = true;
      if (data.message) {
        this.add(data.message);
      }
    } catch (err) {
      this._error(`Your message was not sent: ${err.message}`);
    } finally {
      $("chat-send").disabled = false;
      field.focus();
    }
  }

  add(message) {
    if (!message || this._seen.has(message.id)) {
      return;
    }
    this._seen.add(message.id);
    this._count += 1;
    const self = this._getSelf();
    const from = message.from || {};
    const mine = Boolean(self && from.id === self.id);
    const item = document.createElement("li");
    item.className = `chat__message chat__message--${mine ? "mine" : "theirs"}`;
    const meta = document.createElement("p");
    meta.className = "chat__meta";
    const who = document.createElement("span");
    who.className = "chat__who";
    who.textContent = mine ? "You" : `${from.name || "Court"} (${from.role_label || "Court clerk"})`;
    const time = document.createElement("time");
    time.className = "chat__time";
    time.textContent = clock(message.sent_at);
    if (message.sent_at) {
      time.dateTime = new Date(message.sent_at * 1000).toISOString();
    }
    meta.append(who, " ", time);
    const text = document.createElement("p");
    text.className = "chat__text-body";
    text.textContent = message.text;
    item.append(meta, text);
    const log = $("chat-log");
    log.append(item);
    log.scrollTop = log.scrollHeight;
  }

  describe() {
    return [...$("chat-log").querySelectorAll(".chat__message")].map((item) => ({
      mine: item.classList.contains("chat__message--mine"),
      who: item.querySelector(".chat__who").textContent,
      text: item.querySelector(".chat__text-body").textContent,
    }));
  }

  _error(text) {
    const error = $("chat-error");
    error.textContent = text;
    error.hidden = false;
  }
}
