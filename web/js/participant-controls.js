// The participant's own buttons: mute and unmute the microphone, raise and lower a hand, and
// what the court asks of them ("The court muted your microphone", "Please unmute").
//
// Muting is done here first, on the track (nothing leaves the browser), then told to the
// server; unmuting asks the server first, because the court may have muted the person and
// only its request allows them to speak again.

import { ClientEvent } from "./events.js";
import { SignalingError } from "./signaling.js";
import * as view from "./view.js";
import { $ } from "./lib/dom.js";

export class ParticipantControls {
  // onChange({muted, hand_raised}): the own flags changed (tiles and preview show them).
  /** @param {{signaling: any, onChange?: (flags: {muted: boolean, hand_raised: boolean}) => void, onError?: (err: any) => void}} options */
  constructor({ signaling, onChange = () => {}, onError = () => {} }) {
    this._signaling = signaling;
    this._onChange = onChange;
    this._onError = onError;
    this._track = null;
    this.muted = false;
    this.mutedByCourt = false; // unmuting is refused until the court asks
    this._courtReason = "";
    this.hand = false;
    this._busy = false;
    this._epoch = 0; // counts what the server said about us, to order it after our own acks
    this._courtMutes = 0;
    $("mute-button").addEventListener("click", () => this.toggleMute());
    $("hand-button").addEventListener("click", () => this.toggleHand());
  }

  // The microphone track being sent (or null), and which buttons make sense where the
  // person is now.
  configure({ track, canRaiseHand }) {
    this._track = track || null;
    this._apply();
    $("mute-button").hidden = !this._track;
    $("hand-button").hidden = !canRaiseHand;
    if (!canRaiseHand && this.hand) {
      this.hand = false; // the server lowers hands when people change rooms
      this._render();
    }
  }

  // After every join: the server's view of us wins for a court mute; our own mute is
  // re-applied (a reconnect is a fresh session on the server).
  afterJoin(self) {
    if (self && self.muted_by_court) {
      this.muted = true;
      this.mutedByCourt = true;
    } else if (self && self.muted && !this.muted) {
      this.muted = true; // muted by themselves before a reload
    } else if (this.muted && !this.mutedByCourt) {
      this._send(true).catch(() => {});
    }
    this.hand = Boolean(self && self.hand_raised);
    this._apply();
    this._render();
  }

  async toggleMute() {
    if (this._busy) {
      return;
    }
    if (!this.muted) {
      this.muted = true;
      this._apply();
      this._render();
      try {
        await this._send(true);
      } catch (err) {
        // Stays muted here regardless: nothing from the microphone is sent.
        console.warn("set_muted was not acknowledged", err);
      }
      return;
    }
    await this.unmute();
  }

  async unmute() {
    this._busy = true;
    const courtMutes = this._courtMutes;
    try {
      await this._send(false);
      if (this._courtMutes !== courtMutes) {
        return; // the court muted us while the unmute was on its way: the court wins
      }
      this.muted = false;
      this.mutedByCourt = false;
      view.removePrompt("unmute");
      view.removePrompt("muted");
    } catch (err) {
      if (err instanceof SignalingError && err.code === "permission_denied") {
        // The server decides: the court muted us and has not asked us to speak yet.
        this.mutedByCourt = true;
        const why = this._courtReason
          ? `The court muted your microphone: ${this._courtReason}. `
          : "";
        view.showPrompt({
          id: "muted",
          title: "Your microphone is muted by the court",
          text: `${why}You can unmute when the court asks you to speak.`,
          actions: [view.button("OK", () => view.removePrompt("muted"))],
        });
      } else {
        this._onError(err);
      }
    } finally {
      this._busy = false;
      this._apply();
      this._render();
    }
  }

  async toggleHand() {
    const raised = !this.hand;
    const epoch = this._epoch;
    $("hand-button").disabled = true;
    try {
      await this._signaling.command(ClientEvent.RAISE_HAND, { raised });
      // The server's participant_updated is the truth; a later one (the court lowered the
      // hand before this acknowledgement arrived) is not undone by the acknowledgement.
      if (this._epoch === epoch) {
        this.hand = raised;
      }
      view.announce(raised ? "Your hand is raised." : "Your hand is lowered.");
    } catch (err) {
      this._onError(err);
    } finally {
      $("hand-button").disabled = false;
      this._render();
    }
  }

  // ---- from the court ----------------------------------------------------------------------

  onMuted(reason) {
    this._epoch += 1;
    this._courtMutes += 1;
    this._courtReason = reason;
    this.muted = true;
    this.mutedByCourt = true;
    this._apply();
    this._render();
    view.removePrompt("unmute");
    view.showPrompt({
      id: "muted",
      title: "Your microphone is muted",
      text: reason
        ? `The court muted your microphone: ${reason}`
        : "The court muted your microphone.",
      actions: [view.button("OK", () => view.removePrompt("muted"))],
    });
  }

  onUnmuteRequested() {
    this.mutedByCourt = false;
    view.removePrompt("muted");
    if (!this.muted) {
      return;
    }
    const unmute = view.button("Unmute", () => this.unmute(), "button--primary");
    view.showPrompt({
      id: "unmute",
      tone: "alert",
      title: "The court asks you to speak",
      text: "The court asks you to unmute your microphone.",
      actions: [unmute, view.button("Not now", () => view.removePrompt("unmute"))],
    });
    unmute.focus();
  }

  // participant_updated about ourselves (the court lowered our hand, or confirmed a mute).
  onSelfUpdated(participant) {
    this._epoch += 1;
    if (typeof participant.hand_raised === "boolean") {
      if (this.hand && !participant.hand_raised) {
        view.announce("Your hand was lowered.");
      }
      this.hand = participant.hand_raised;
    }
    this._render();
  }

  describe() {
    return { muted: this.muted, mutedByCourt: this.mutedByCourt, handRaised: this.hand };
  }

  // ---- inside ------------------------------------------------------------------------------

  _send(muted) {
    return this._signaling.command(ClientEvent.SET_MUTED, { muted });
  }

  _apply() {
    if (this._track) {
      this._track.enabled = !this.muted;
    }
  }

  _render() {
    const mute = $("mute-button");
    // The label says what the button does; no aria-pressed on top of a changing label.
    mute.textContent = this.muted ? "Unmute microphone" : "Mute microphone";
    mute.classList.toggle("button--muted", this.muted);
    const hand = $("hand-button");
    hand.textContent = this.hand ? "Lower hand" : "Raise hand";
    hand.classList.toggle("button--active", this.hand);
    this._onChange({ muted: this.muted, hand_raised: this.hand });
  }
}
