// The ICE configuration of the join acknowledgement reaches the peer connection before the
// first offer is answered (web/js/media.js, MediaSession.configureIceFrom).
import assert from "node:assert/strict";
import { test } from "node:test";

// Just enough of RTCPeerConnection to answer an offer with no m-lines, recording the order
// in which the session calls it.
class FakePeerConnection {
  constructor(configuration) {
    this.configuration = configuration;
    this.calls = [];
    this.iceGatheringState = "complete";
    this.localDescription = null;
    FakePeerConnection.last = this;
  }
  addEventListener() {}
  getConfiguration() {
    return { ...this.configuration };
  }
  setConfiguration(configuration) {
    this.calls.push("setConfiguration");
    this.configuration = configuration;
  }
  async setRemoteDescription() {
    this.calls.push("setRemoteDescription");
  }
  getTransceivers() {
    return [];
  }
  async createAnswer() {
    return { type: "answer", sdp: "v=0\r\n" };
  }
  async setLocalDescription(description) {
    this.localDescription = description;
  }
}
globalThis.RTCPeerConnection = /** @type {any} */ (FakePeerConnection);
const { MediaSession } = await import("../js/media.js");

const TURN = {
  urls: ["turns:turn.court.test:443?transport=tcp"],
  username: "1800000600:ptc_judge",
  credential: "c2VjcmV0",
};

test("an offer that arrives before the join ack waits for the ack's ICE servers", async () => {
  const media = new MediaSession();
  const pc = FakePeerConnection.last;
  let acknowledge = (_data) => {};
  media.configureIceFrom(new Promise((resolve) => (acknowledge = resolve)));

  const answered = media.handleOffer({ sdp: "v=0\r\n", publish: {}, tracks: {} });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(pc.calls, []); // nothing applied while the ack is on its way

  acknowledge({ ice_servers: [TURN], ice_transport_policy: "relay" });
  await answered;
  assert.deepEqual(pc.calls, ["setConfiguration", "setRemoteDescription"]);
  assert.deepEqual(pc.configuration.iceServers, [TURN]);
  assert.equal(pc.configuration.iceTransportPolicy, "relay");
  assert.equal(pc.configuration.bundlePolicy, "max-bundle");
});

test("without TURN the ack configures no ICE server and every transport", async () => {
  const media = new MediaSession();
  const pc = FakePeerConnection.last;
  media.configureIceFrom(Promise.resolve({ ice_servers: [], ice_transport_policy: "all" }));

  await media.handleOffer({ sdp: "v=0\r\n", publish: {}, tracks: {} });
  assert.deepEqual(pc.configuration.iceServers, []);
  assert.equal(pc.configuration.iceTransportPolicy, "all");
});

test("a refused join leaves offers to the session, which is ended", async () => {
  const media = new MediaSession();
  const pc = FakePeerConnection.last;
  media.configureIceFrom(Promise.reject(new Error("permission_denied")));

  await media.handleOffer({ sdp: "v=0\r\n", publish: {}, tracks: {} });
  assert.deepEqual(pc.calls, ["setRemoteDescription"]);
});
