"""Errors as RFC 9457 problem details, mapped in one middleware; security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from court.errors import (
    CourtError,
    InvalidRequest,
    InvalidState,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)

logger = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob: mediastream:",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)


def problem(status: int, code: str, detail: str) -> web.Response:
    return web.json_response(
        {
            "type": f"about:blank#{code}",
            "title": code.replace("_", " "),
            "status": status,
            "detail": detail,
            "code": code,
        },
        status=status,
        content_type="application/problem+json",
    )


# One mapping from court/ errors to HTTP: the code in the body stays the court error's code.
STATUS_OF: dict[type[CourtError], int] = {
    NotAuthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    InvalidRequest: 422,
    InvalidState: 409,
}


def status_of(error: CourtError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


@web.middleware
async def problem_details(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except CourtError as exc:
        return problem(status_of(exc), exc.code, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status, "http_error")
        return problem(exc.status, code, exc.reason)
    except Exception:
        logger.exception("unhandled error for %s %s", request.method, request.path)
        return problem(500, "internal_error", "The server could not complete this request.")


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if response.prepared:
        # Already sent (a finished WebSocket or long-poll, a streamed archive file, which
        # calls with_security_headers before it sends): headers can no longer change.
        return response
    return with_security_headers(response)


def with_security_headers(response: web.StreamResponse) -> web.StreamResponse:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
    )
    return response
