"""The server's log lines: text for a person at a terminal (the default), or one JSON object
per line for a log collector (COURTROOM_LOG_FORMAT=json), each naming the HTTP request
(``request_id``, also sent to the client as ``X-Request-Id``, so that a complaint can be
matched to its lines) and the hearing (``hearing_id``: of a Socket.IO command, or of an
API path that names one) it was written for."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Literal

from aiohttp import web

from signaling import log_context

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REQUEST_ID_HEADER = "X-Request-Id"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # The context of the task that logged: formatting runs in the caller's thread.
        for name, var in (
            ("request_id", log_context.request_id),
            ("hearing_id", log_context.hearing_id),
        ):
            value = var.get()
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(log_format: LogFormat) -> None:
    """Give the root logger's handlers (logging.basicConfig's) the chosen format."""
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A fresh id for every request, and the hearing its path names, for its log lines.
    Not reset afterwards on purpose: aiohttp writes the access log line after this
    returns, in the same task, and the next request on the connection sets its own."""
    request_id = uuid.uuid4().hex[:16]
    log_context.request_id.set(request_id)
    log_context.hearing_id.set(request.match_info.get("hearing_id"))
    response = await handler(request)
    if not response.prepared:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response
