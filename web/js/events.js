// Every Socket.IO event name, spelled once for the browser.
// Mirrors signaling/events.py value for value; tests/web/test_event_names.py keeps them equal.

export const NAMESPACE = "/hearing";

export const ClientEvent = Object.freeze({
  JOIN: "join",
  PUBLISH: "publish",
  ANSWER: "answer",
  LEAVE: "leave",
  START_RECORDING: "start_recording",
  STOP_RECORDING: "stop_recording",
});

export const ServerEvent = Object.freeze({
  PARTICIPANT_JOINED: "participant_joined",
  PARTICIPANT_LEFT: "participant_left",
  RECORDING_STARTED: "recording_started",
  RECORDING_STOPPED: "recording_stopped",
  OFFER: "offer",
});
