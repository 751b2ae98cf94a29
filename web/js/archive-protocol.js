// The court protocol beside the record's players. Each entry is a place in the joined master
// (the server moved it by its recording's offset): choosing one plays the record from there,
// and while the record plays, the entry being heard is marked and kept in view.
//
// Entries are typed by people and may hold anything: they are only ever set as text.

import { archive } from "./archive-api.js";
import { loadSection } from "./archive-page.js";
import { authorName, signingState } from "./protocol-terms.js";
import { recordTime } from "./lib/record-time.js";
import { $, el } from "./lib/dom.js";
import { kindLabel } from "./lib/terms.js";

const SLACK_S = 0.05; // a seek lands a few ms early; the entry sought is still the current one

export class RecordProtocol {
  constructor(players) {
    this.players = players;
    this.placed = []; // [{at, number, item}] by record time, for finding the current entry
    this.current = null;
    this.loads = 0;
    for (const media of [players.audio, players.video]) {
      media.addEventListener("timeupdate", () => this.follow(media.currentTime));
      media.addEventListener("seeked", () => this.follow(media.currentTime));
    }
  }

  load(id, reason) {
    const fetch = () => archive.protocol(id, reason);
    return loadSection(this, fetch, "record-protocol-error", "The protocol");
  }

  show(data) {
    const entries = data.entries || [];
    const state = signingState(data.signatures);
    const said = [state.label];
    if (data.digest) {
      said.push(`SHA-256 ${data.digest}`);
    }
    $("record-protocol-state").textContent = said.join(" · ");
    const items = entries.map((entry) => this.item(entry));
    $("record-protocol").replaceChildren(...items.map((i) => i.li));
    this.placed = items
      .filter((i) => i.at !== null)
      .sort((a, b) => a.at - b.at || a.number - b.number);
    this.current = null;
    $("record-protocol").hidden = items.length === 0;
    $("record-protocol-empty").hidden = items.length > 0;
    this.follow(this.players.audio.currentTime || 0);
  }

  item(entry) {
    const at = entry.master_ms === null || entry.master_ms === undefined ? null : entry.master_ms / 1000;
    const speaker = entry.speaker
      ? `${entry.speaker.name} (${entry.speaker.role_label || entry.speaker.role})`
      : "";
    // A correction is written after the hearing by whoever corrects it.
    const who = entry.kind === "correction" ? authorName(entry.author) : speaker;
    const parts = [
      el("span", { className: "record-protocol__number", text: String(entry.number) }),
      el("span", { className: "record-protocol__time", text: recordTime(entry.master_ms) }),
      el("span", { className: "record-protocol__kind", text: kindLabel(entry.kind) }),
      el("span", { className: "record-protocol__speaker", text: who }),
      el("span", { className: "record-protocol__text", text: entry.text }),
    ];
    const kind = entry.automatic || entry.kind === "event" ? "event" : entry.kind;
    const li = el("li", { className: `record-protocol__item record-protocol__item--${kind}` });
    li.dataset.number = String(entry.number);
    if (at === null) {
      parts.push(el("span", { className: "record-protocol__unplaced", text: "Not in the record" }));
      li.append(el("div", { className: "record-protocol__entry" }, parts));
      return { li, at, number: entry.number };
    }
    const target = el("button", { className: "record-protocol__entry" }, parts);
    target.type = "button";
    target.dataset.at = String(at);
    const label = [`Entry ${entry.number}`, recordTime(entry.master_ms), kindLabel(entry.kind), who];
    target.setAttribute("aria-label", `${label.filter(Boolean).join(", ")}. Play from here.`);
    target.addEventListener("click", () => this.play(at));
    li.append(target);
    return { li, at, number: entry.number, target };
  }

  play(seconds) {
    this.players.seek(seconds);
    this.follow(seconds);
    const audio = this.players.audio;
    if (audio.dataset.source && audio.paused) {
      // Refused only without a user's gesture; the click is one, and the seek stands anyway.
      audio.play().catch(() => {});
    }
  }

  // The current entry: the last one (in record time) at or before `seconds`.
  follow(seconds) {
    let found = null;
    for (const placed of this.placed) {
      if (placed.at > seconds + SLACK_S) {
        break;
      }
      found = placed;
    }
    if (found === this.current) {
      return;
    }
    if (this.current) {
      this.current.li.classList.remove("record-protocol__item--current");
      this.current.target.removeAttribute("aria-current");
    }
    this.current = found;
    if (found) {
      found.li.classList.add("record-protocol__item--current");
      found.target.setAttribute("aria-current", "time");
      keepInView($("record-protocol"), found.li);
    }
  }
}

// Scrolls the list (not the page: the archivist may be reading elsewhere) to show `item`.
function keepInView(list, item) {
  const box = list.getBoundingClientRect();
  const at = item.getBoundingClientRect();
  if (at.top < box.top || at.bottom > box.bottom) {
    list.scrollTop += at.top - box.top - box.height / 3;
  }
}
