"""The features of a live hearing, each given only the interfaces it needs (signaling.live
.ports) and composed by signaling.live.courtroom; none imports another, nor the Courtroom."""
