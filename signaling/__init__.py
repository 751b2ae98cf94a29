"""Signaling: the Socket.IO conversation with browsers, and the live hearings it drives.

Turns client commands into court rules and media operations; never embeds policy of its
own (it asks court.permissions) and never touches RTP (media/ does).
"""

from signaling.service import Signaling

__all__ = ["Signaling"]
