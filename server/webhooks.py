"""Webhooks: signed event deliveries to the e-court system, retried with back-off.

STUB: the interface the rest of the server calls. The webhooks engineer fills it in.
"""

from __future__ import annotations

from collections.abc import Mapping


class Webhooks:
    async def publish(self, event: str, data: Mapping[str, object]) -> None:
        """Queue ``event`` (hearing.opened, hearing.started, hearing.closed,
        recording.available) for every webhook registered for it; never blocks on delivery."""
