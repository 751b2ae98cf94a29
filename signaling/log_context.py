"""What a log line is about, carried through the code that runs for it: the hearing a
Socket.IO command belongs to, the HTTP request being answered. Context variables, so that
each task (each command, each request) has its own; the server's JSON log format
(server/logs.py) writes them into every line, nothing else reads them."""

from __future__ import annotations

from contextvars import ContextVar

hearing_id: ContextVar[str | None] = ContextVar("courtroom_hearing_id", default=None)
request_id: ContextVar[str | None] = ContextVar("courtroom_request_id", default=None)
