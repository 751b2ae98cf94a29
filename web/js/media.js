// Camera and microphone, and the one RTCPeerConnection to the relay.
//
// The server always offers (signaling/SIGNALING.md, "Negotiation"): this module applies each
// offer, puts the local tracks on the mids the offer names under `publish`, answers with ICE
// gathering complete, and reports which remote tracks now belong to which participant.
// A shared screen is a third local track (getDisplayMedia), sent on the mid the offer names
// under `publish.screen`; a remote one arrives as a video track whose `source` is "screen".

const VIDEO_CONSTRAINTS = { width: 640, height: 360, frameRate: 30 };
const MAX_VIDEO_BITRATE = 700000; // about 360p; DESIGN.md section 4
const ICE_GATHERING_TIMEOUT_MS = 2000;

/** @typedef {import("./lib/wire-types.js").Offer} Offer */
/** @typedef {import("./lib/wire-types.js").OfferedTrack} OfferedTrack */

/**
 * "denied" (the person or the browser refused), "missing" (no such device), "busy" (another
 * program holds it), "unsupported" (no getUserMedia), "other".
 * @typedef {"denied" | "missing" | "busy" | "unsupported" | "other"} MediaProblem
 */

export class MediaAccessError extends Error {
  /**
   * @param {MediaProblem} kind
   * @param {any} cause what the browser threw, if anything
   */
  constructor(kind, cause) {
    super(cause && cause.message ? cause.message : kind);
    this.name = "MediaAccessError";
    this.kind = kind;
    this.cause = cause;
  }
}

/**
 * @param {any} err
 * @returns {MediaProblem}
 */
function classify(err) {
  switch (err && err.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "denied";
    case "NotFoundError":
    case "OverconstrainedError":
      return "missing";
    case "NotReadableError":
    case "AbortError":
      return "busy";
    default:
      return "other";
  }
}

// Ask for the camera and/or microphone. `rawAudio` switches the browser's voice processing
// off (echo cancellation, noise suppression, gain control), which a test tone needs.
// `audioDeviceId` / `videoDeviceId` name the device chosen in the device check.
export async function getLocalMedia({
  audio = true,
  video = true,
  rawAudio = false,
  audioDeviceId = null,
  videoDeviceId = null,
} = {}) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    throw new MediaAccessError("unsupported", null);
  }
  const processing = !rawAudio;
  const constraints = {
    audio: audio
      ? {
          echoCancellation: processing,
          noiseSuppression: processing,
          autoGainControl: processing,
          ...(audioDeviceId ? { deviceId: { exact: audioDeviceId } } : {}),
        }
      : false,
    video: video
      ? { ...VIDEO_CONSTRAINTS, ...(videoDeviceId ? { deviceId: { exact: videoDeviceId } } : {}) }
      : false,
  };
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (err) {
    throw new MediaAccessError(classify(err), err);
  }
}

/**
 * @param {RTCPeerConnection} pc
 * @param {number} timeoutMs
 * @returns {Promise<void>}
 */
function waitForIceGathering(pc, timeoutMs) {
  if (pc.iceGatheringState === "complete") {
    return Promise.resolve();
  }
  return new Promise((/** @type {() => void} */ resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener("icegatheringstatechange", onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === "complete") {
        done();
      }
    };
    // Host candidates gather in milliseconds; after the timeout we answer with what we have.
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener("icegatheringstatechange", onChange);
  });
}

export class MediaSession {
  // onRemoteTracks(Map<participantId, {audio, video, screen}: MediaStreamTrack|null each>)
  // is called after every applied offer with the complete current assignment.
  /**
   * @param {{iceServers?: RTCIceServer[],
   *   onRemoteTracks?: (tracks: Map<string, any>) => void,
   *   onConnectionState?: (state: RTCPeerConnectionState) => void}} [options]
   */
  constructor({ iceServers = [], onRemoteTracks = () => {}, onConnectionState = () => {} } = {}) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle" });
    /** @type {Record<"audio" | "video" | "screen", MediaStreamTrack | null>} */
    this._local = { audio: null, video: null, screen: null };
    this._onRemoteTracks = onRemoteTracks;
    /** @type {Promise<unknown>} */
    this._queue = Promise.resolve();
    this._cappedSenders = new WeakSet();
    this._closed = false;
    this.pc.addEventListener("connectionstatechange", () =>
      onConnectionState(this.pc.connectionState),
    );
  }

  // The ICE servers (time-limited TURN credentials) and the transport policy come with the
  // join acknowledgement, but the relay's first offer can arrive before it does: offers wait
  // until the acknowledgement has configured the connection, so that ICE gathering (which
  // the first answer starts) already knows the TURN server.
  /** @param {Promise<{ice_servers?: RTCIceServer[], ice_transport_policy?: string}>} joined */
  configureIceFrom(joined) {
    const configured = joined.then(
      (data) => {
        this.pc.setConfiguration({
          ...this.pc.getConfiguration(),
          iceServers: data.ice_servers || [],
          iceTransportPolicy: data.ice_transport_policy === "relay" ? "relay" : "all",
        });
      },
      () => {}, // a refused join is the session's to handle (startSession)
    );
    this._queue = this._queue.then(() => configured);
  }

  // The local tracks to send once an offer names a publish mid for them.
  /** @param {MediaStream | null} stream */
  setLocalStream(stream) {
    this._local.audio = stream ? stream.getAudioTracks()[0] || null : null;
    this._local.video = stream ? stream.getVideoTracks()[0] || null : null;
  }

  // The shared screen's track (or null when not sharing), sent from the next offer on.
  /** @param {MediaStreamTrack | null} track */
  setScreenTrack(track) {
    this._local.screen = track || null;
  }

  // Apply one server offer and return the answer {type, sdp}. Offers are handled strictly
  // one after another even if a second arrives while the first is being answered.
  /**
   * @param {Offer} offer
   * @returns {Promise<{type: "answer", sdp: string}>}
   */
  handleOffer(offer) {
    const result = this._queue.then(() => this._answer(offer));
    this._queue = result.catch(() => {});
    return result;
  }

  /**
   * @param {Offer} offer
   * @returns {Promise<{type: "answer", sdp: string}>}
   */
  async _answer(offer) {
    if (this._closed) {
      throw new Error("the connection is closed");
    }
    const pc = this.pc;
    await pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
    const byMid = new Map(
      pc
        .getTransceivers()
        .filter((t) => t.mid !== null)
        .map((t) => [String(t.mid), t]),
    );

    const publish = offer.publish || {};
    for (const kind of /** @type {const} */ (["audio", "video", "screen"])) {
      const mid = publish[kind];
      if (mid === null || mid === undefined) {
        continue;
      }
      const transceiver = byMid.get(String(mid));
      if (!transceiver) {
        throw new Error(`the offer names publish mid ${mid}, which it does not contain`);
      }
      const track = this._local[kind];
      if (transceiver.sender.track !== track) {
        await transceiver.sender.replaceTrack(track);
      }
      transceiver.direction = track ? "sendonly" : "inactive";
    }

    await pc.setLocalDescription(await pc.createAnswer());
    await waitForIceGathering(pc, ICE_GATHERING_TIMEOUT_MS);

    this._reportRemoteTracks(offer.tracks || {}, byMid);
    for (const kind of /** @type {const} */ (["video", "screen"])) {
      const mid = publish[kind];
      const transceiver = mid === null || mid === undefined ? undefined : byMid.get(String(mid));
      if (transceiver) {
        // Fire and forget: a failed cap must not fail the negotiation.
        this._capBitrate(transceiver.sender).catch((err) =>
          console.warn(`could not cap the ${kind} bitrate`, err),
        );
      }
    }
    const answer = /** @type {RTCSessionDescription} */ (pc.localDescription);
    return { type: "answer", sdp: answer.sdp };
  }

  /**
   * @param {Record<string, OfferedTrack>} tracks
   * @param {Map<string, RTCRtpTransceiver>} byMid
   */
  _reportRemoteTracks(tracks, byMid) {
    /** @type {Map<string, Record<"audio" | "video" | "screen", MediaStreamTrack | null>>} */
    const assignment = new Map();
    for (const [mid, info] of Object.entries(tracks)) {
      const transceiver = byMid.get(String(mid));
      if (!transceiver || !info || !info.participant_id) {
        continue;
      }
      const track = transceiver.receiver.track;
      const kind = info.kind === "video" ? "video" : "audio";
      if (!track || track.kind !== kind) {
        continue;
      }
      const entry = assignment.get(info.participant_id) || {
        audio: null,
        video: null,
        screen: null,
      };
      entry[kind === "video" && info.source === "screen" ? "screen" : kind] = track;
      assignment.set(info.participant_id, entry);
    }
    this._onRemoteTracks(assignment);
  }

  /** @param {RTCRtpSender} sender */
  async _capBitrate(sender) {
    if (!sender.track || this._cappedSenders.has(sender)) {
      return;
    }
    const params = sender.getParameters();
    if (!params.encodings || params.encodings.length === 0) {
      return;
    }
    for (const encoding of params.encodings) {
      encoding.maxBitrate = MAX_VIDEO_BITRATE;
    }
    await sender.setParameters(params);
    this._cappedSenders.add(sender);
  }

  // The ICE candidate pair in use, from getStats: {local: "ip:port", remote: "ip:port",
  // localType: "host" | "srflx" | "prflx" | "relay", relayProtocol: "udp" | "tcp" | "tls"
  // (the leg to the TURN server, for a relay candidate) or null}.
  async selectedPair() {
    const stats = await this.pc.getStats();
    let pairId = null;
    stats.forEach((report) => {
      if (report.type === "transport" && report.selectedCandidatePairId) {
        pairId = report.selectedCandidatePairId;
      }
    });
    let pair = pairId ? stats.get(pairId) : null;
    if (!pair) {
      stats.forEach((report) => {
        if (report.type === "candidate-pair" && report.state === "succeeded" && report.nominated) {
          pair = report;
        }
      });
    }
    if (!pair) {
      return null;
    }
    const address = (/** @type {string} */ id) => {
      const candidate = stats.get(id);
      return candidate ? `${candidate.address || candidate.ip}:${candidate.port}` : null;
    };
    const local = stats.get(pair.localCandidateId);
    return {
      local: address(pair.localCandidateId),
      remote: address(pair.remoteCandidateId),
      localType: local ? local.candidateType : null,
      relayProtocol: (local && local.relayProtocol) || null,
      roundTripS: typeof pair.currentRoundTripTime === "number" ? pair.currentRoundTripTime : null,
    };
  }

  // What arrives, per inbound RTP stream (getStats): for the court's connection quality and
  // for measuring hearings on impaired networks.
  async inbound() {
    const stats = await this.pc.getStats();
    /** @type {Array<Record<string, unknown>>} */
    const found = [];
    stats.forEach((report) => {
      if (report.type === "inbound-rtp") {
        found.push({
          kind: report.kind,
          packetsReceived: report.packetsReceived,
          bytesReceived: report.bytesReceived,
          packetsLost: report.packetsLost,
          nackCount: report.nackCount,
          framesDecoded: report.framesDecoded,
          framesPerSecond: report.framesPerSecond,
          freezeCount: report.freezeCount,
          totalFreezesDuration: report.totalFreezesDuration,
          totalSamplesReceived: report.totalSamplesReceived,
          concealedSamples: report.concealedSamples,
        });
      }
    });
    return found;
  }

  // What each sender is limited to: [{kind, maxBitrate: [per encoding]}].
  sendEncodings() {
    return this.pc
      .getSenders()
      .filter((sender) => sender.track)
      .map((sender) => ({
        kind: /** @type {MediaStreamTrack} */ (sender.track).kind,
        maxBitrate: (sender.getParameters().encodings || []).map((e) => e.maxBitrate ?? null),
      }));
  }

  close() {
    this._closed = true;
    this.pc.close();
  }
}
