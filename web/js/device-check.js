// The camera and microphone check before joining: a mirrored camera preview, a microphone
// level meter, a test sound for the speakers, and the choice of camera and microphone.
//
// run() resolves once the person chooses "Join the hearing" or "Continue without camera and
// microphone", with the stream to send (or null) and the results the court sees in its
// roster: {camera, microphone, speaker}, each "ok", "failed" or "skipped".

import { LevelMeter, playTestSound } from "./audio-check.js";
import { getLocalMedia, MediaAccessError } from "./media.js";
import { button, MEDIA_PROBLEMS, paragraphs } from "./view.js";
import { $ } from "./lib/dom.js";

const HEARD_DB = -45; // louder than this (speech at arm's length is about -30) counts as heard
const QUIET_HINT_MS = 6000; // after this long without sound, say so

export class DeviceCheck {
  constructor({ rawAudio = false } = {}) {
    this._rawAudio = rawAudio;
    this._stream = new MediaStream();
    this._camera = "pending"; // "ok" | "failed" | "pending"
    this._microphone = "pending";
    this._chosen = { audio: null, video: null }; // device ids picked in the selects
    this._devices = { videoinput: [], audioinput: [] };
    this._ctx = null;
    this._meter = null; // {source, analyser, sink, timer}
    this._level = 0;
    this._peak = 0;
    this._heard = false;
    this._meterStartedAt = 0;
    this._soundPlayed = false;
    this._playing = false;
    this._report = null;
    this._done = null;
    this._finishing = false;
    this._starting = Promise.resolve();
    this._abort = new AbortController();
  }

  // Show the check and wait for the person's choice.
  run() {
    const signal = this._abort.signal;
    $("device-check").hidden = false;
    $("check-camera").addEventListener("change", () => this._switch("video"), { signal });
    $("check-microphone").addEventListener("change", () => this._switch("audio"), { signal });
    $("check-play").addEventListener("click", () => this._playTestSound(), { signal });
    $("check-join").addEventListener("click", () => this._finish(true), { signal });
    $("check-without").addEventListener("click", () => this._finish(false), { signal });
    // Browsers start audio only after a click or key press on some pages: any will do.
    for (const type of ["pointerdown", "keydown"]) {
      $("device-check").addEventListener(type, () => this._resumeAudio(), { signal });
    }
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      navigator.mediaDevices.addEventListener("devicechange", () => this._listDevices(), {
        signal,
      });
    }
    const done = new Promise((resolve) => {
      this._done = resolve;
    });
    // "Join the hearing" before the camera has started waits for it (see _finish).
    this._starting = this._acquire({ audio: true, video: true }).then(() => this._listDevices());
    $("check-title").focus();
    return done;
  }

  // For the test hook and diagnostics.
  describe() {
    const names = (list) => list.map((d) => d.label);
    return {
      active: Boolean(this._done),
      camera: this._camera,
      microphone: this._microphone,
      level: this._level,
      peak: this._peak,
      heard: this._heard,
      soundPlayed: this._soundPlayed,
      audioState: this._ctx ? this._ctx.state : null,
      cameras: names(this._devices.videoinput),
      microphones: names(this._devices.audioinput),
      selectedCamera: $("check-camera").value,
      selectedMicrophone: $("check-microphone").value,
      report: this._report,
    };
  }

  // ---- devices ---------------------------------------------------------------------------

  async _acquire(wanted) {
    this._hideProblem();
    const options = { rawAudio: this._rawAudio };
    try {
      const stream = await getLocalMedia({
        ...options,
        ...wanted,
        audioDeviceId: wanted.audio ? this._chosen.audio : null,
        videoDeviceId: wanted.video ? this._chosen.video : null,
      });
      this._use(stream, wanted);
    } catch (err) {
      if (!(err instanceof MediaAccessError)) {
        throw err;
      }
      let problem = err;
      if (wanted.audio && wanted.video && (err.kind === "missing" || err.kind === "busy")) {
        // No usable camera: carry on with the microphone and say so.
        try {
          this._use(await getLocalMedia({ ...options, audio: true, video: false }), {
            audio: true,
          });
          this._camera = "failed";
          this._render(
            err.kind === "busy"
              ? "Your camera is in use by another program. You can join with your microphone only."
              : "No camera was found. You can join with your microphone only.",
          );
          return;
        } catch (inner) {
          problem = inner instanceof MediaAccessError ? inner : err;
        }
      }
      if (wanted.video) {
        this._camera = "failed";
      }
      if (wanted.audio) {
        this._microphone = "failed";
        this._stopMeter();
      }
      this._render();
      this._showProblem(problem.kind, wanted);
    }
  }

  // Put the new stream's tracks of the wanted kinds in place of the old ones.
  _use(stream, wanted) {
    if (!this._done) {
      // Started after the person chose to go on without it: switch it off again.
      stream.getTracks().forEach((track) => track.stop());
      return;
    }
    for (const kind of ["audio", "video"]) {
      if (!wanted[kind]) {
        continue;
      }
      const fresh = kind === "audio" ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
      for (const old of this._tracks(kind)) {
        this._stream.removeTrack(old);
        old.stop();
      }
      if (fresh) {
        this._stream.addTrack(fresh);
      }
      if (kind === "video") {
        this._camera = fresh ? "ok" : "failed";
      } else {
        this._microphone = fresh ? "ok" : "failed";
        this._startMeter(fresh || null);
      }
    }
    this._render();
  }

  _tracks(kind) {
    return kind === "audio" ? this._stream.getAudioTracks() : this._stream.getVideoTracks();
  }

  async _switch(kind) {
    const select = kind === "audio" ? $("check-microphone") : $("check-camera");
    const previous = this._chosen[kind];
    this._chosen[kind] = select.value || null;
    try {
      const stream = await getLocalMedia({
        rawAudio: this._rawAudio,
        audio: kind === "audio",
        video: kind === "video",
        audioDeviceId: kind === "audio" ? this._chosen.audio : null,
        videoDeviceId: kind === "video" ? this._chosen.video : null,
      });
      this._use(stream, { [kind]: true });
    } catch (err) {
      // Keep what worked before and say why the other device did not.
      this._chosen[kind] = previous;
      const what = kind === "audio" ? "microphone" : "camera";
      const why = err instanceof MediaAccessError && err.kind === "busy" ? " It is in use." : "";
      this._render(null, `That ${what} could not be started.${why} Choose another.`);
    }
  }

  async _listDevices() {
    let devices = [];
    try {
      devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      devices = [];
    }
    for (const kind of ["videoinput", "audioinput"]) {
      this._devices[kind] = devices.filter((d) => d.kind === kind && d.deviceId);
    }
    this._fill($("check-camera"), this._devices.videoinput, "video", "Camera");
    this._fill($("check-microphone"), this._devices.audioinput, "audio", "Microphone");
  }

  _fill(select, devices, kind, noun) {
    const track = this._tracks(kind)[0];
    const current = (track && track.getSettings && track.getSettings().deviceId) || this._chosen[kind];
    const options = devices.map((device, i) => {
      const option = document.createElement("option");
      option.value = device.deviceId;
      option.textContent = device.label || `${noun} ${i + 1}`;
      return option;
    });
    if (!options.length) {
      const none = document.createElement("option");
      none.value = "";
      none.textContent = `No ${noun.toLowerCase()} found`;
      options.push(none);
    }
    select.replaceChildren(...options);
    select.disabled = !devices.length;
    if (devices.some((d) => d.deviceId === current)) {
      select.value = current;
    }
  }

  // ---- microphone level --------------------------------------------------------------------

  _audioContext() {
    if (!this._ctx) {
      const Context = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
      this._ctx = Context ? new Context() : null;
    }
    return this._ctx;
  }

  _resumeAudio() {
    if (this._ctx && this._ctx.state === "suspended") {
      this._ctx.resume().catch(() => {});
    }
  }

  _startMeter(track) {
    this._stopMeter();
    const ctx = track ? this._audioContext() : null;
    if (!ctx) {
      return;
    }
    this._resumeAudio();
    this._meterStartedAt = performance.now();
    this._heard = false;
    this._meter = new LevelMeter(ctx, track, ({ db, level }) => {
      // Rise at once, fall gently: the bar follows speech without flicker.
      this._level = level > this._level ? level : this._level * 0.8 + level * 0.2;
      this._peak = Math.max(this._peak, level);
      if (db > HEARD_DB && !this._heard) {
        this._heard = true;
        this._render();
      }
      this._drawMeter();
    });
  }

  _stopMeter() {
    if (!this._meter) {
      return;
    }
    this._meter.stop();
    this._meter = null;
    this._level = 0;
    this._drawMeter();
  }

  _drawMeter() {
    const meter = $("check-meter");
    meter.style.setProperty("--level", this._level.toFixed(3));
    const percent = String(Math.round(this._level * 10) * 10);
    if (meter.getAttribute("aria-valuenow") !== percent) {
      meter.setAttribute("aria-valuenow", percent);
    }
    if (!this._heard && this._microphone === "ok") {
      // Said once, when the quiet has gone on long enough to be a problem.
      const quiet = performance.now() - this._meterStartedAt > QUIET_HINT_MS;
      if (quiet && !meter.dataset.quiet) {
        meter.dataset.quiet = "true";
        this._render();
      }
    }
  }

  // ---- speakers ----------------------------------------------------------------------------

  async _playTestSound() {
    const ctx = this._audioContext();
    if (!ctx || this._playing) {
      return;
    }
    this._playing = true;
    $("check-play").disabled = true;
    try {
      await playTestSound(ctx);
      this._soundPlayed = true;
    } catch (err) {
      console.warn("the test sound could not be played", err);
    } finally {
      this._playing = false;
      $("check-play").disabled = false;
      $("check-play").textContent = this._soundPlayed ? "Play test sound again" : "Play test sound";
      $("check-heard").disabled = !this._soundPlayed;
    }
  }

  // ---- what the person sees ----------------------------------------------------------------

  _render(cameraNote = null, switchNote = null) {
    const video = this._tracks("video")[0];
    const preview = $("check-preview");
    if (video) {
      if (preview.srcObject !== this._stream) {
        preview.srcObject = this._stream;
      }
      preview.play().catch(() => {});
    } else {
      preview.srcObject = null;
    }
    $("check-frame").classList.toggle("check__frame--off", !video);
    $("check-camera-off").hidden = Boolean(video);
    const camera = {
      ok: "Your camera is working. You see yourself as in a mirror.",
      failed: "Your camera could not be started.",
      pending: "Starting your camera…",
    }[this._camera];
    $("check-camera-status").textContent = switchNote || cameraNote || camera;
    const quiet = $("check-meter").dataset.quiet === "true";
    const microphone = {
      ok: this._heard
        ? "We can hear your microphone."
        : quiet
          ? "We cannot hear anything from your microphone yet. Check that it is switched on and not muted, or choose another."
          : "Say something: the bar should move.",
      failed: "Your microphone could not be started.",
      pending: "Starting your microphone…",
    }[this._microphone];
    const status = $("check-mic-status");
    if (status.textContent !== microphone) {
      status.textContent = microphone;
    }
    $("check-meter").classList.toggle("meter--heard", this._heard);
  }

  _showProblem(kind, wanted) {
    const actions = [
      button("Try again", () => {
        this._chosen = { audio: null, video: null };
        this._starting = this._acquire({ audio: true, video: true }).then(() =>
          this._listDevices(),
        );
      }, "button--primary"),
    ];
    if (wanted.video && kind !== "unsupported") {
      actions.push(
        button("Use microphone only", () => {
          this._starting = this._acquire({ audio: true, video: false }).then(() => {
            this._camera = "failed";
            this._render();
            return this._listDevices();
          });
        }),
      );
    }
    $("check-problem-body").replaceChildren(
      ...paragraphs([
        ...(MEDIA_PROBLEMS[kind] || MEDIA_PROBLEMS.other),
        "You can also join the hearing without them (“Continue without camera and microphone”), but the court may need to see and hear you.",
      ]),
    );
    $("check-problem-actions").replaceChildren(...actions);
    $("check-problem").hidden = false;
    actions[0].focus();
  }

  _hideProblem() {
    $("check-problem").hidden = true;
  }

  // ---- the end of the check ----------------------------------------------------------------

  async _finish(join) {
    if (!this._done || this._finishing) {
      return;
    }
    this._finishing = true;
    if (join) {
      $("check-join").disabled = true;
      await this._starting;
    }
    const heard = $("check-heard").checked;
    const result = (state) => {
      if (state === "failed") {
        return "failed";
      }
      return join && state === "ok" ? "ok" : "skipped";
    };
    const microphone =
      join && this._microphone === "ok" && !this._heard ? "failed" : result(this._microphone);
    this._report = {
      camera: result(this._camera),
      microphone,
      speaker: heard ? "ok" : "skipped",
    };
    this._stopMeter();
    if (this._ctx) {
      this._ctx.close().catch(() => {});
      this._ctx = null;
    }
    this._abort.abort();
    $("check-preview").srcObject = null;
    $("device-check").hidden = true;
    let stream = this._stream.getTracks().length ? this._stream : null;
    if (!join && stream) {
      stream.getTracks().forEach((track) => track.stop());
      stream = null;
    }
    const done = this._done;
    this._done = null;
    done({ stream, report: this._report });
  }
}
