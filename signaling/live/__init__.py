"""The live-hearing domain: rooms and media, who is told what, and the features of a hearing.

The wire edge (signaling: the Socket.IO namespace, event names, message parsing, the command
table) drives it; it never imports the edge (import-linter contracts in pyproject.toml).
signaling.live.courtroom composes one hearing; signaling.live.features holds its features.
"""
