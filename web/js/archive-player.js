// The record's players (master audio, viewing copy) and its timeline.
//
// Both players run in record time, so an entry of the timeline is a position in either:
// choosing it moves both there. Playing one pauses the other (they carry the same sound).

import { clock, span } from "./archive-page.js";
import { stateLabel } from "./lib/terms.js";
import { $, el } from "./lib/dom.js";

const EVENT_KIND_LABELS = {
  gap: "Gap in the record",
  recording_started: "Recording started",
  recording_stopped: "Recording stopped",
  recording_resumed: "Recording resumed",
  recording_failed: "The recorder failed",
  hearing_state_changed: "The hearing's state changed",
  participant_joined: "Joined",
  participant_left: "Left",
  participant_reconnected: "Reconnected",
  participant_admitted: "Admitted to the hearing room",
  participant_sent_to_waiting_room: "Sent to the waiting room",
  participant_removed: "Removed from the hearing",
  participant_readmitted: "Readmitted",
  participant_muted: "Muted by the court",
  unmute_requested: "Asked to unmute",
  witness_called: "Witness called",
  witness_dismissed: "Witness dismissed",
  witness_released: "Witness released",
  hearing_locked: "The hearing was locked",
  hearing_unlocked: "The hearing was unlocked",
  hand_raised: "Raised a hand",
  hand_lowered: "Lowered a hand",
  spotlight_changed: "Spotlight changed",
  chat_message: "Message to the court",
  consultation_requested: "Private consultation asked for",
  consultation_started: "Private consultation started",
  consultation_ended: "Private consultation ended",
  connection_lost: "Connection lost",
  connection_restored: "Connection restored",
};

export function kindLabel(kind) {
  if (EVENT_KIND_LABELS[kind]) {
    return EVENT_KIND_LABELS[kind];
  }
  const words = String(kind || "event").replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// "open -> in_session: reason" (as the recorder notes a state change) in the court's words:
// "Waiting room open → In session: reason". Anything else stays as it was written.
export function reasonText(entry) {
  const reason = String(entry.reason || "");
  if (entry.kind === "hearing_state_changed") {
    const change = /^([a-z_]+) -> ([a-z_]+)(?:: ?(.*))?$/s.exec(reason);
    if (change) {
      const words = `${stateLabel(change[1])} → ${stateLabel(change[2])}`;
      return change[3] ? `${words}: ${change[3]}` : words;
    }
  }
  return reason === entry.kind ? "" : reason;
}

export function isGap(entry) {
  return entry.end_s !== null && entry.end_s !== undefined;
}

export class Players {
  constructor() {
    this.audio = $("audio");
    this.video = $("video");
    this.entries = []; // the timeline's items, in record order, for marking the current one
    for (const [media, other] of [
      [this.audio, this.video],
      [this.video, this.audio],
    ]) {
      media.addEventListener("play", () => {
        if (!other.paused) {
          other.pause();
        }
      });
      media.addEventListener("timeupdate", () => this.markCurrent(media.currentTime));
      media.addEventListener("seeked", () => this.markCurrent(media.currentTime));
      media.addEventListener("loadedmetadata", () => {
        // A seek asked for before the player knew its length is done now.
        const wanted = Number(media.dataset.seekTo);
        if (media.dataset.seekTo !== undefined && Number.isFinite(wanted)) {
          delete media.dataset.seekTo;
          media.currentTime = wanted;
        }
      });
    }
  }

  // Sets a player's source unless it already plays that one (a reload would stop it).
  load(media, url) {
    if (media.dataset.source === url) {
      return;
    }
    media.dataset.source = url;
    media.src = url;
    media.hidden = false;
  }

  // No file to play (not built, being built, failed): no player, rather than one that
  // cannot play.
  unload(media) {
    media.hidden = true;
    if (media.dataset.source) {
      delete media.dataset.source;
      media.removeAttribute("src");
      media.load();
    }
  }

  loadAudio(url) {
    this.load(this.audio, url);
  }

  loadVideo(url) {
    this.load(this.video, url);
  }

  // Both players to `seconds` of record time.
  seek(seconds) {
    for (const media of [this.audio, this.video]) {
      if (!media.dataset.source) {
        continue;
      }
      if (media.readyState >= HTMLMediaElement.HAVE_METADATA) {
        media.currentTime = Math.min(seconds, media.duration || seconds);
      } else {
        media.dataset.seekTo = String(seconds);
      }
    }
    this.markCurrent(seconds);
  }

  // The last entry at or before `seconds` is the current one (aria-current="time").
  markCurrent(seconds) {
    let current = null;
    for (const item of this.entries) {
      if (Number(item.dataset.at) <= seconds + 0.05) {
        current = item;
      }
    }
    for (const item of this.entries) {
      if (item === current) {
        item.setAttribute("aria-current", "time");
      } else {
        item.removeAttribute("aria-current");
      }
    }
  }

  // names: participant id -> name, for entries whose subject the server did not name.
  showTimeline(entries, names = {}) {
    this.names = names;
    const sorted = [...entries].sort((a, b) => a.at_s - b.at_s);
    const items = sorted.map((entry) => this.item(entry));
    $("timeline").replaceChildren(...items);
    this.entries = items.map((item) => item.querySelector("button"));
    $("timeline").hidden = items.length === 0;
    $("timeline-empty").hidden = items.length > 0;
  }

  // The subject's name: as the server gives it, else from the record's participants (a
  // subject is "participant:<id>" or the bare id).
  subjectName(entry) {
    if (entry.subject_name) {
      return entry.subject_name;
    }
    const subject = String(entry.subject || "");
    const id = subject.startsWith("participant:") ? subject.slice("participant:".length) : subject;
    return Object.hasOwn(this.names || {}, id) ? this.names[id] : "";
  }

  item(entry) {
    const gap = isGap(entry);
    // A gap of no record time (the recorder restarted: how long it was down is not record
    // time) is said as a gap at one instant.
    const spans = gap && entry.end_s - entry.at_s >= 0.5;
    const when = spans ? `${clock(entry.at_s)} – ${clock(entry.end_s)}` : clock(entry.at_s);
    const what = el("span", { className: "timeline__what" });
    if (gap) {
      const length = spans ? `Gap of ${span(entry.end_s - entry.at_s)}` : "Gap";
      what.append(el("span", { className: "tag tag--gap", text: length }), " ");
    }
    what.append(el("span", { className: "timeline__kind", text: kindLabel(entry.kind) }));
    const who = this.subjectName(entry);
    if (who) {
      what.append(": ", el("span", { className: "timeline__subject", text: who }));
    }
    const parts = [el("span", { className: "timeline__time", text: when }), what];
    const reason = reasonText(entry);
    if (reason) {
      parts.push(el("span", { className: "timeline__reason", text: reason }));
    }
    const target = el("button", { className: "timeline__entry" }, parts);
    target.type = "button";
    target.dataset.at = String(entry.at_s);
    const said = [when, what.textContent, reason];
    target.setAttribute("aria-label", `${said.filter(Boolean).join(". ")}. Play from here.`);
    target.addEventListener("click", () => this.seek(Number(entry.at_s)));
    return el("li", { className: `timeline__item${gap ? " timeline__item--gap" : ""}` }, [target]);
  }
}
