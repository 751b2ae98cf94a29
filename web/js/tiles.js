// The video grid: the own preview and one tile per other participant who sends media.
//
// A tile is <figure class="tile" data-participant-id data-role> with a <video> and a
// <figcaption> "Name · Role" and its flags ("Hand raised", "Muted"). Tests and styles rely
// on that shape. The spotlit tile (the court's choice) has the class tile--spotlight.
// A shared screen is a tile of its own, large and first: <figure class="tile tile--screen"
// data-sharer-id data-source="screen"> captioned "Name — screen".

import { flagElements } from "./view.js";

function initials(name) {
  const parts = String(name || "")
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  const letters =
    parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || "?").slice(0, 2);
  return letters.toUpperCase();
}

function caption(participant, { self = false } = {}) {
  const who = self ? "You" : participant.name;
  const separator = self ? " — " : " · ";
  return `${who}${separator}${participant.role_label || participant.role}`;
}

function buildTile(participant, { self = false } = {}) {
  const figure = document.createElement("figure");
  figure.className = self ? "tile tile--self" : "tile";
  figure.dataset.role = participant.role;
  if (self) {
    figure.dataset.self = "true";
  } else {
    figure.dataset.participantId = participant.id;
  }

  const video = document.createElement("video");
  video.autoplay = true;
  video.playsInline = true;
  video.setAttribute("playsinline", "");
  if (self) {
    // Never play one's own microphone back.
    video.muted = true;
  }

  const placeholder = document.createElement("div");
  placeholder.className = "tile__placeholder";
  placeholder.setAttribute("aria-hidden", "true");
  const avatar = document.createElement("span");
  avatar.className = "tile__initials";
  avatar.textContent = initials(participant.name);
  placeholder.append(avatar);

  const status = document.createElement("span");
  status.className = "tile__status";
  status.textContent = "Camera off";

  const figcaption = document.createElement("figcaption");
  figcaption.className = "tile__caption";
  const label = document.createElement("span");
  label.className = "tile__name";
  label.textContent = caption(participant, { self });
  const flags = document.createElement("span");
  flags.className = "tile__flags";
  figcaption.append(label, status, flags);

  figure.append(video, placeholder, figcaption);
  setFlags(figure, participant);
  return figure;
}

function setFlags(figure, participant) {
  figure.querySelector(".tile__flags").replaceChildren(...flagElements(participant, "flag"));
  figure.classList.toggle("tile--hand", Boolean(participant.hand_raised));
}

function buildScreenTile(participant) {
  const figure = document.createElement("figure");
  figure.className = "tile tile--screen";
  // Not data-participant-id: that names the participant's own (camera) tile.
  figure.dataset.sharerId = participant.id;
  figure.dataset.source = "screen";
  const video = document.createElement("video");
  video.autoplay = true;
  video.playsInline = true;
  video.setAttribute("playsinline", "");
  video.muted = true; // a screen carries no sound; the sharer is heard on their own tile
  const figcaption = document.createElement("figcaption");
  figcaption.className = "tile__caption";
  const label = document.createElement("span");
  label.className = "tile__name";
  label.textContent = `${participant.name} — screen`;
  figcaption.append(label);
  figure.append(video, figcaption);
  return figure;
}

export class TileGrid {
  // grid: the element holding the tiles; onAutoplayBlocked(): called when a tile with sound
  // could not start because the browser wants a click first.
  constructor(grid, { onAutoplayBlocked = () => {} } = {}) {
    this._grid = grid;
    this._tiles = new Map(); // participant id -> {figure, video, tracks}
    this._screens = new Map(); // participant id -> {figure, video, track}
    this._self = null;
    this._onAutoplayBlocked = onAutoplayBlocked;
    this._soundAllowed = true;
    this._spotlight = null; // participant id, or "self"
  }

  get size() {
    return this._tiles.size;
  }

  get hasSelf() {
    return Boolean(this._self);
  }

  // The own tile, at the front of the grid or in `into` (the waiting room's place for it).
  showSelf(participant, stream, { into = null } = {}) {
    this.removeSelf();
    const figure = buildTile(participant, { self: true });
    const video = figure.querySelector("video");
    const hasVideo = Boolean(stream && stream.getVideoTracks().length);
    figure.classList.toggle("tile--no-video", !hasVideo);
    if (!hasVideo) {
      figure.querySelector(".tile__status").textContent = stream
        ? "Camera off · microphone on"
        : "Not sending";
    } else {
      figure.querySelector(".tile__status").textContent = "";
    }
    video.srcObject = stream || null;
    (into || this._grid).prepend(figure);
    this._self = figure;
    figure.classList.toggle("tile--spotlight", this._spotlight === "self");
    if (stream) {
      video.play().catch(() => {});
    }
  }

  // The own tile's flags ({hand_raised, muted}) as the others see them.
  updateSelf(flags) {
    if (this._self) {
      setFlags(this._self, flags);
    }
  }

  // Hand raised or muted changed for someone who has a tile.
  update(participant) {
    const tile = this._tiles.get(participant.id);
    if (tile) {
      setFlags(tile.figure, participant);
    }
  }

  // One tile shown large, or none: `id` is a participant id, "self", or null.
  setSpotlight(id) {
    this._spotlight = id || null;
    for (const [participantId, tile] of this._tiles) {
      tile.figure.classList.toggle("tile--spotlight", participantId === this._spotlight);
    }
    if (this._self) {
      this._self.classList.toggle("tile--spotlight", this._spotlight === "self");
    }
  }

  removeSelf() {
    if (this._self) {
      this._self.querySelector("video").srcObject = null;
      this._self.remove();
      this._self = null;
    }
  }

  // Show `participant` with exactly these tracks ({audio, video}, either may be null).
  upsert(participant, tracks) {
    let tile = this._tiles.get(participant.id);
    if (!tile) {
      const figure = buildTile(participant);
      tile = {
        figure,
        video: figure.querySelector("video"),
        audio: null,
        videoTrack: null,
        firstFrameAt: null,
      };
      this._tiles.set(participant.id, tile);
      this._grid.append(figure);
      figure.classList.toggle("tile--spotlight", participant.id === this._spotlight);
    }
    setFlags(tile.figure, participant);
    const audio = tracks.audio || null;
    const video = tracks.video || null;
    tile.figure.classList.toggle("tile--no-video", !video);
    tile.figure.querySelector(".tile__status").textContent = video
      ? ""
      : audio
        ? "Camera off"
        : "No media";
    if (tile.audio === audio && tile.videoTrack === video) {
      return;
    }
    tile.audio = audio;
    tile.videoTrack = video;
    // A new MediaStream whenever the set changes: a mid reassigned to this participant
    // brings a different track object.
    tile.video.srcObject = new MediaStream([audio, video].filter(Boolean));
    this._play(tile.video);
    if (video && !tile.firstFrameAt && "requestVideoFrameCallback" in tile.video) {
      // When the first picture of this participant was shown (diagnostics, tests).
      tile.video.requestVideoFrameCallback((now) => {
        tile.firstFrameAt = now;
      });
    }
  }

  // Show the screen `participant` shares (a video track), or update its tile.
  upsertScreen(participant, track) {
    let screen = this._screens.get(participant.id);
    if (!screen) {
      const figure = buildScreenTile(participant);
      screen = { figure, video: figure.querySelector("video"), track: null };
      this._screens.set(participant.id, screen);
      this._grid.prepend(figure);
    }
    screen.figure.querySelector(".tile__name").textContent = `${participant.name} — screen`;
    if (screen.track !== track) {
      screen.track = track;
      screen.video.srcObject = new MediaStream([track]);
      screen.video.play().catch(() => {});
    }
  }

  removeScreen(participantId) {
    const screen = this._screens.get(participantId);
    if (screen) {
      screen.video.srcObject = null;
      screen.figure.remove();
      this._screens.delete(participantId);
    }
  }

  // Drop every screen tile whose sharer is not in `keep` (a Set of ids).
  retainScreens(keep) {
    for (const id of [...this._screens.keys()]) {
      if (!keep.has(id)) {
        this.removeScreen(id);
      }
    }
  }

  remove(participantId) {
    this.removeScreen(participantId);
    const tile = this._tiles.get(participantId);
    if (!tile) {
      return;
    }
    tile.video.srcObject = null;
    tile.figure.remove();
    this._tiles.delete(participantId);
  }

  // Drop every tile whose participant is not in `keep` (a Set of ids).
  retain(keep) {
    for (const id of [...this._tiles.keys()]) {
      if (!keep.has(id)) {
        this.remove(id);
      }
    }
  }

  clear() {
    for (const id of [...this._tiles.keys()]) {
      this.remove(id);
    }
    this.retainScreens(new Set());
    this.removeSelf();
  }

  // After a click: start every tile that the autoplay policy held back, with sound.
  enableSound() {
    this._soundAllowed = true;
    for (const tile of this._tiles.values()) {
      tile.video.muted = false;
      tile.video.play().catch(() => {});
    }
  }

  _play(video) {
    video.muted = !this._soundAllowed;
    video.play().catch((err) => {
      if (err && err.name === "NotAllowedError") {
        // Sound needs a user gesture here: play muted now, offer "Enable sound".
        this._soundAllowed = false;
        video.muted = true;
        video.play().catch(() => {});
        this._onAutoplayBlocked();
      }
    });
  }

  // For the test hook: what each shared screen's tile shows.
  describeScreens() {
    return [...this._screens.entries()].map(([id, screen]) => ({
      id,
      label: screen.figure.querySelector(".tile__name").textContent,
      width: screen.video.videoWidth,
      height: screen.video.videoHeight,
      time: screen.video.currentTime,
    }));
  }

  // For the test hook: what each remote tile shows.
  describe() {
    return [...this._tiles.entries()].map(([id, tile]) => ({
      id,
      role: tile.figure.dataset.role,
      label: tile.figure.querySelector(".tile__name").textContent,
      hasVideo: Boolean(tile.videoTrack),
      hasAudio: Boolean(tile.audio),
      width: tile.video.videoWidth,
      time: tile.video.currentTime,
      firstFrameAt: tile.firstFrameAt || null,
      spotlight: tile.figure.classList.contains("tile--spotlight"),
      flags: [...tile.figure.querySelectorAll(".tile__flags .flag")].map((f) => f.textContent),
    }));
  }
}
