// The page's record clock: the record time of the running recording (SIGNALING.md
// `heartbeat`), kept in step with the server's so that a protocol entry is stamped with the
// moment its writer began it, whatever delays the message meets on its way and in the
// server (signaling/live/features/protocol.py `began_at`).
//
// Each heartbeat's answer carries the server's record time when it answered. Its moment on
// this page is taken halfway through the round trip; of the recent answers, the one with the
// fastest round trip says the most (its error is at most half of it), so it sets the clock.

const RECENT = 20; // answers kept: a heartbeat a second, so the last twenty seconds

export class RecordClock {
  constructor() {
    /** @type {Array<{recordingId: string, offset: number, roundTrip: number}>} */
    this._samples = [];
  }

  // One heartbeat answer (`data`), sent and answered at these performance.now() moments.
  /**
   * @param {number} sentAt
   * @param {number} answeredAt
   * @param {{record_ms?: unknown, recording_id?: unknown} | null | undefined} data
   */
  observe(sentAt, answeredAt, data) {
    if (!data || typeof data.record_ms !== "number" || typeof data.recording_id !== "string") {
      this._samples = []; // not recording (or not a writer): there is no record time
      return;
    }
    if (this._samples.length && this._samples[0].recordingId !== data.recording_id) {
      this._samples = []; // a new recording has its own record time
    }
    this._samples.push({
      recordingId: data.recording_id,
      offset: data.record_ms - (sentAt + answeredAt) / 2,
      roundTrip: answeredAt - sentAt,
    });
    if (this._samples.length > RECENT) {
      this._samples.shift();
    }
  }

  // The record time at this page's moment `pageTime` (performance.now()), with its
  // recording, or null while no answer has told it.
  /**
   * @param {number} pageTime
   * @returns {{recording_id: string, record_ms: number} | null}
   */
  at(pageTime) {
    if (!this._samples.length) {
      return null;
    }
    const best = this._samples.reduce((a, b) => (b.roundTrip < a.roundTrip ? b : a));
    return {
      recording_id: best.recordingId,
      record_ms: Math.max(0, Math.round(pageTime + best.offset)),
    };
  }
}
