// The one module that talks Socket.IO (signaling/SIGNALING.md).
//
// Commands resolve with the acknowledgement's `data` or reject with a SignalingError
// carrying the server's error code; notifications are delivered to handlers registered
// with `on`.

import { io } from "../vendor/socket.io.esm.min.js";
/** @typedef {import("./lib/wire-types.js").CommandPayloads} CommandPayloads */
/** @typedef {import("./lib/wire-types.js").ServerPayloads} ServerPayloads */
import { NAMESPACE } from "./events.js";

const COMMAND_TIMEOUT_MS = 15000;

export class SignalingError extends Error {
  /**
   * @param {string} code the server's error code, or "timeout"
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.name = "SignalingError";
    this.code = code;
  }
}

export class Signaling {
  /** @param {string} token the join link's token, sent in the auth payload */
  constructor(token) {
    this._socket = io(NAMESPACE, {
      auth: { token },
      transports: ["websocket"],
      autoConnect: false,
      // Reconnects after a network blip are ours to decide: each one is a new session
      // (a new join and peer connection), see join.js.
      reconnection: true,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
    });
    /** @type {Promise<void> | null} */
    this._firstConnect = null;
  }

  // Resolves on the first successful connect; rejects with a SignalingError if the server
  // refuses the connection (err.message is human text, err.data.code the reason).
  connect() {
    if (this._firstConnect === null) {
      this._firstConnect = new Promise((resolve, reject) => {
        const onConnect = () => {
          this._socket.off("connect_error", onError);
          resolve();
        };
        const onError = (/** @type {{message: string, data?: {code?: string}}} */ err) => {
          const code = err && err.data && err.data.code;
          if (code) {
            // A refusal by the server, not a network problem: do not retry.
            this._socket.off("connect", onConnect);
            this._socket.off("connect_error", onError);
            this._socket.io.reconnection(false);
            this._socket.disconnect();
            reject(new SignalingError(code, err.message));
          }
          // Otherwise Socket.IO keeps retrying; the caller shows "Connecting…".
        };
        this._socket.once("connect", onConnect);
        this._socket.on("connect_error", onError);
      });
      this._socket.connect();
    }
    return this._firstConnect;
  }

  get connected() {
    return this._socket.connected;
  }

  /**
   * A notification's handler, given its payload as the server declares it (lib/wire-types.js).
   * @template {keyof ServerPayloads} E
   * @param {E} event a ServerEvent
   * @param {(payload: ServerPayloads[E]) => void} handler
   */
  on(event, handler) {
    this._socket.on(event, handler);
  }

  // Lifecycle of the connection itself: "connect", "disconnect", "connect_error".
  /**
   * @param {"connect" | "disconnect" | "connect_error"} event
   * @param {(...args: any[]) => void} handler
   */
  onConnection(event, handler) {
    this._socket.on(event, handler);
  }

  /**
   * A command and its payload, typed by the server's own models (lib/wire-types.js).
   * @template {keyof CommandPayloads} E
   * @param {E} event a ClientEvent
   * @param {CommandPayloads[E]} [payload]
   * @returns {Promise<any>} the acknowledgement's data
   */
  async command(event, payload = /** @type {CommandPayloads[E]} */ ({})) {
    let ack;
    try {
      ack = await this._socket.timeout(COMMAND_TIMEOUT_MS).emitWithAck(event, payload);
    } catch (err) {
      throw new SignalingError("timeout", `The server did not answer "${event}" in time.`);
    }
    if (ack && ack.ok === true) {
      return ack.data || {};
    }
    const error = (ack && ack.error) || {};
    throw new SignalingError(error.code || "internal_error", error.message || "Unknown error");
  }

  close() {
    this._socket.io.reconnection(false);
    this._socket.disconnect();
  }

  // The server is about to close this connection (the court removed us, the hearing
  // closed): do not reconnect, but let the pending acknowledgements arrive first.
  stopReconnecting() {
    this._socket.io.reconnection(false);
  }
}
