// The sound half of the device check, on the Web Audio API: a microphone level meter
// (AnalyserNode) and a short test sound for the speakers (OscillatorNode).

const FLOOR_DB = -60; // the empty end of the meter
const SAMPLE_MS = 60;
const TEST_SOUND = [
  { hz: 660, seconds: 0.35 },
  { hz: 880, seconds: 0.6 },
];

// The loudness of one block of samples: {db, level}, level from 0 (FLOOR_DB or quieter) to 1.
export function levelOf(samples) {
  let sum = 0;
  for (const value of samples) {
    sum += value * value;
  }
  const rms = Math.sqrt(sum / samples.length);
  const db = rms > 0 ? 20 * Math.log10(rms) : -Infinity;
  return { db, level: Math.max(0, Math.min(1, (db - FLOOR_DB) / -FLOOR_DB)) };
}

// Calls onSample({db, level}) about 16 times a second with the microphone's loudness.
export class LevelMeter {
  constructor(ctx, track, onSample) {
    this._source = ctx.createMediaStreamSource(new MediaStream([track]));
    this._analyser = ctx.createAnalyser();
    this._analyser.fftSize = 2048;
    // Pulled through a silent gain to the output, so that the graph runs in every browser.
    this._sink = ctx.createGain();
    this._sink.gain.value = 0;
    this._source.connect(this._analyser);
    this._analyser.connect(this._sink);
    this._sink.connect(ctx.destination);
    const samples = new Float32Array(this._analyser.fftSize);
    this._timer = window.setInterval(() => {
      this._analyser.getFloatTimeDomainData(samples);
      onSample(levelOf(samples));
    }, SAMPLE_MS);
  }

  stop() {
    window.clearInterval(this._timer);
    this._source.disconnect();
    this._analyser.disconnect();
    this._sink.disconnect();
  }
}

// Two soft notes, about one second; resolves when they have been played.
export async function playTestSound(ctx) {
  await ctx.resume();
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = "sine";
  oscillator.connect(gain);
  gain.connect(ctx.destination);
  const start = ctx.currentTime + 0.05;
  let t = start;
  gain.gain.setValueAtTime(0, t);
  for (const note of TEST_SOUND) {
    oscillator.frequency.setValueAtTime(note.hz, t);
    gain.gain.linearRampToValueAtTime(0.25, t + 0.03);
    gain.gain.setValueAtTime(0.25, t + note.seconds - 0.06);
    gain.gain.linearRampToValueAtTime(0.02, t + note.seconds);
    t += note.seconds;
  }
  gain.gain.linearRampToValueAtTime(0, t + 0.02);
  await new Promise((resolve) => {
    oscillator.addEventListener("ended", resolve, { once: true });
    oscillator.start(start);
    oscillator.stop(t + 0.03);
  });
  oscillator.disconnect();
  gain.disconnect();
}
