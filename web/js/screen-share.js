// Showing one's screen or a document to the room (getDisplayMedia): the "Share screen" /
// "Stop sharing" button, for those who may present (the publish_screen permission).
//
// The server decides (signaling/SIGNALING.md, "Screen sharing"): one screen at a time per
// room, and the court may stop anyone's. The captured track is handed to the media session,
// which sends it on the mid the next offer names under `publish.screen`. Stopping from the
// browser's own "Stop sharing" bar ends the track, which stops the share here too.

import { ClientEvent } from "./events.js";
import { SignalingError } from "./signaling.js";
import * as view from "./view.js";
import { $ } from "./lib/dom.js";

// A document reads better sharp than smooth: few frames, kept detailed.
const CAPTURE = { video: { frameRate: { max: 15 } }, audio: false };

export class ScreenShare {
  // media(): the current MediaSession (or null); onError(err): anything unexpected.
  /** @param {{signaling: any, media: any, onError?: (err: any) => void}} options */
  constructor({ signaling, media, onError = () => {} }) {
    this._signaling = signaling;
    this._media = media;
    this._onError = onError;
    this.track = null;
    this._busy = false;
    $("screen-button").addEventListener("click", () => this.toggle());
  }

  // Whether the button makes sense where the person is now (not in the waiting room).
  configure({ visible }) {
    $("screen-button").hidden = !visible;
    if (!visible && this.track) {
      this._release(); // the server ends a share when its sharer leaves the room
    }
  }

  async toggle() {
    if (this._busy) {
      return;
    }
    await (this.track ? this.stop() : this.start());
  }

  async start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      view.showAlert("This browser cannot share a screen.");
      return;
    }
    this._busy = true;
    this._render();
    let track = null;
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia(CAPTURE);
      track = stream.getVideoTracks()[0] || null;
    } catch (err) {
      this._busy = false;
      this._render();
      if (err && err.name === "NotAllowedError") {
        view.announce("Screen sharing was cancelled.");
      } else {
        this._onError(err);
      }
      return;
    }
    if (!track) {
      this._busy = false;
      this._render();
      return;
    }
    track.contentHint = "detail";
    // The browser's own "Stop sharing" ends the track: that stops the share for everyone.
    track.addEventListener("ended", () => {
      if (this.track === track) {
        this.stop().catch(this._onError);
      }
    });
    this.track = track;
    const media = this._media();
    if (media) {
      media.setScreenTrack(track);
    }
    try {
      await this._signaling.command(ClientEvent.START_SCREEN_SHARE, {});
      view.announce("You are sharing your screen.");
    } catch (err) {
      this._release();
      if (err instanceof SignalingError) {
        view.showAlert(`Your screen could not be shared: ${err.message}`);
      } else {
        this._onError(err);
      }
    } finally {
      this._busy = false;
      this._render();
    }
  }

  async stop() {
    if (!this.track) {
      return;
    }
    this._release();
    this._busy = true;
    this._render();
    try {
      await this._signaling.command(ClientEvent.STOP_SCREEN_SHARE, {});
      view.announce("You stopped sharing your screen.");
    } catch (err) {
      // invalid_state: the server had ended it already (the court, a move); nothing to do.
      if (!(err instanceof SignalingError && err.code === "invalid_state")) {
        this._onError(err);
      }
    } finally {
      this._busy = false;
      this._render();
    }
  }

  // screen_share_stopped about ourselves: the court stopped it, or we left the room.
  onStopped(reason) {
    if (!this.track) {
      return;
    }
    this._release();
    if (reason && reason.includes("court")) {
      view.showNotice("The court stopped your screen share.");
    } else {
      view.announce("Your screen is no longer shared.");
    }
  }

  // A new session (a reconnect): the server's share ended with the old connection.
  reset() {
    this._release();
  }

  describe() {
    return { sharing: Boolean(this.track) };
  }

  _release() {
    const track = this.track;
    this.track = null;
    if (track) {
      track.stop();
    }
    const media = this._media();
    if (media) {
      media.setScreenTrack(null);
    }
    this._render();
  }

  _render() {
    const button = $("screen-button");
    button.textContent = this.track ? "Stop sharing" : "Share screen";
    button.classList.toggle("button--active", Boolean(this.track));
    button.disabled = this._busy;
  }
}
