// Who spoke when, under the record's players: a lane per participant with a bar for each of
// their turns, in the joined master's time, and a playhead that follows the player.
// Choosing a place on a lane (click, or arrow keys on a focused lane) plays the record from
// there. A recording made before speakers were noted shows as hatched, and says so.

import { archive } from "./archive-api.js";
import { clock, loadSection } from "./archive-page.js";
import { byRoleThenName, roleLabel } from "./lib/terms.js";
import { $, el } from "./lib/dom.js";

const STEP_S = 5; // an arrow key moves the record this far
const NOT_RECORDED = "No speaker timeline was recorded";

function percent(ms, total) {
  return `${Math.min(100, Math.max(0, (ms / total) * 100))}%`;
}

// Placed by the CSS object model: the page's policy forbids style attributes, not this.
function placeAt(element, startMs, endMs, total) {
  element.style.left = percent(startMs, total);
  element.style.width = percent(endMs - startMs, total);
  return element;
}

export class SpeakerLanes {
  constructor(players) {
    this.players = players;
    this.totalMs = 0;
    this.tracks = [];
    this.loads = 0;
    for (const media of [players.audio, players.video]) {
      media.addEventListener("timeupdate", () => this.playhead(media.currentTime));
      media.addEventListener("seeked", () => this.playhead(media.currentTime));
    }
  }

  load(id, reason) {
    const fetch = () => archive.speakers(id, reason);
    return loadSection(this, fetch, "speakers-error", "Who spoke when");
  }

  show(data) {
    const recordings = data.recordings || [];
    this.totalMs = Number(data.duration_ms) || 0;
    const missing = recordings.filter((r) => r.speakers !== "recorded");
    const notes = [];
    if (recordings.length > 0 && missing.length === recordings.length) {
      notes.push(`${NOT_RECORDED} for this hearing.`);
    } else {
      for (const recording of missing) {
        const number = recordings.indexOf(recording) + 1;
        const when = `${clock(recording.offset_ms / 1000)}–${clock((recording.offset_ms + recording.duration_ms) / 1000)}`;
        const why =
          recording.speakers === "absent"
            ? NOT_RECORDED
            : "Its speaker timeline could not be read";
        notes.push(`Recording ${number} of ${recordings.length} (${when}): ${why}.`);
      }
    }
    $("speakers-note").replaceChildren(...notes.map((text) => el("p", { text })));
    $("speakers-note").hidden = notes.length === 0;
    const drawn = this.totalMs > 0 && missing.length < recordings.length;
    $("speaker-lanes").hidden = !drawn;
    if (!drawn) {
      $("speaker-lanes").replaceChildren();
      this.tracks = [];
      return;
    }
    this.tracks = [];
    const lanes = this.people(data).map((person) => this.lane(person, data.turns, missing));
    const axis = el("div", { className: "lanes__axis", attrs: { "aria-hidden": "true" } }, [
      el("span", { text: clock(0) }),
      el("span", { text: clock(this.totalMs / 1000) }),
    ]);
    $("speaker-lanes").replaceChildren(...lanes, axis);
    this.playhead(this.players.audio.currentTime || 0);
  }

  // Everyone on the hearing, the bench first; and anyone the timeline names who is not
  // (so that no turn goes undrawn).
  people(data) {
    const people = [...(data.participants || [])].sort(
      byRoleThenName,
    );
    const known = new Set(people.map((p) => p.id));
    for (const turn of data.turns || []) {
      if (!known.has(turn.participant_id)) {
        known.add(turn.participant_id);
        people.push({ id: turn.participant_id, name: "Not on the hearing's list", role_label: turn.participant_id });
      }
    }
    return people;
  }

  lane(person, turns, missing) {
    const mine = (turns || []).filter((t) => t.participant_id === person.id);
    const role = person.role_label || roleLabel(person.role);
    const track = el("div", { className: "lane__track" });
    for (const recording of missing) {
      const end = recording.offset_ms + recording.duration_ms;
      track.append(placeAt(el("span", { className: "lane__missing" }), recording.offset_ms, end, this.totalMs));
    }
    for (const turn of mine) {
      const bar = el("span", { className: "lane__turn" });
      bar.title = `${clock(turn.start_ms / 1000)}–${clock(turn.end_ms / 1000)}`;
      track.append(placeAt(bar, turn.start_ms, turn.end_ms, this.totalMs));
    }
    track.append(el("span", { className: "lane__playhead", attrs: { "aria-hidden": "true" } }));
    const spoke = mine.length === 1 ? "1 turn" : `${mine.length} turns`;
    track.tabIndex = 0;
    track.setAttribute("role", "slider");
    track.setAttribute("aria-label", `${person.name}, ${role}: ${spoke}. Choose a place to play from there.`);
    track.setAttribute("aria-valuemin", "0");
    track.setAttribute("aria-valuemax", String(Math.round(this.totalMs / 1000)));
    track.addEventListener("click", (event) => {
      const box = track.getBoundingClientRect();
      this.seek((((event.clientX - box.left) / box.width) * this.totalMs) / 1000);
    });
    track.addEventListener("keydown", (event) => this.key(event));
    this.tracks.push(track);
    const lane = el("div", { className: "lane" }, [
      el("div", { className: "lane__who" }, [
        el("span", { className: "lane__name", text: person.name }),
        el("span", { className: "lane__role", text: role }),
      ]),
      track,
    ]);
    lane.dataset.participantId = person.id;
    return lane;
  }

  key(event) {
    const now = this.players.audio.currentTime || 0;
    const to = {
      ArrowRight: now + STEP_S,
      ArrowUp: now + STEP_S,
      ArrowLeft: now - STEP_S,
      ArrowDown: now - STEP_S,
      Home: 0,
      End: this.totalMs / 1000,
    }[event.key];
    if (to !== undefined) {
      event.preventDefault();
      this.seek(to);
    }
  }

  seek(seconds) {
    const to = Math.min(Math.max(0, seconds), this.totalMs / 1000);
    this.players.seek(to);
    this.playhead(to);
  }

  playhead(seconds) {
    if (!this.totalMs) {
      return;
    }
    const at = percent(seconds * 1000, this.totalMs);
    for (const track of this.tracks) {
      track.querySelector(".lane__playhead").style.left = at;
      track.setAttribute("aria-valuenow", String(Math.floor(seconds)));
      track.setAttribute("aria-valuetext", clock(seconds));
    }
  }
}
