"""Errors as RFC 9457 problem details, mapped in one middleware; security headers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from aiohttp import web
from pydantic import Field
from typing_extensions import TypedDict

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


def content_security_policy(public_url: str | None = None) -> str:
    """The one policy for every page: nothing inline, nothing from elsewhere.

    ``connect-src 'self'`` covers fetch and, in CSP Level 3 browsers, the same-origin
    WebSocket of Socket.IO; the ws:/wss: form of the server's own public origin is named
    too, for browsers that read 'self' strictly, but never ws: or wss: as a whole scheme.
    """
    connect = ["'self'"]
    if public_url:
        parts = urlsplit(public_url)
        socket_scheme = "wss" if parts.scheme == "https" else "ws"
        connect.append(f"{socket_scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "media-src 'self' blob: mediastream:",
            f"connect-src {' '.join(connect)}",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()
# Two years; sent only when the server's public URL is https (RFC 6797 ignores it on http).
STRICT_TRANSPORT_SECURITY = "max-age=63072000"
NO_STORE = "no-store"


@dataclass(frozen=True, slots=True)
class SecurityHeaders:
    """The headers every response carries, built once from the server's public URL."""

    content_security_policy: str = CONTENT_SECURITY_POLICY
    strict_transport_security: str | None = None

    @classmethod
    def for_public_url(cls, public_url: str) -> SecurityHeaders:
        https = urlsplit(public_url).scheme == "https"
        return cls(
            content_security_policy=content_security_policy(public_url),
            strict_transport_security=STRICT_TRANSPORT_SECURITY if https else None,
        )


SECURITY_HEADERS = web.AppKey("security_headers", SecurityHeaders)


class Problem(TypedDict):
    """RFC 9457 problem details (open: the RFC lets a problem carry more members)."""

    type: str
    title: str
    status: int
    detail: str
    code: Annotated[str, Field(description="stable: what a client tells errors apart by")]


def problem(status: int, code: str, detail: str) -> web.Response:
    body: Problem = {
        "type": f"about:blank#{code}",
        "title": code.replace("_", " "),
        "status": status,
        "detail": detail,
        "code": code,
    }
    return web.json_response(body, status=status, content_type="application/problem+json")


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
    return with_security_headers(response, request)


def with_security_headers(
    response: web.StreamResponse, request: web.Request | None = None
) -> web.StreamResponse:
    """Every page, file, API answer and error: the policy, and never a cached API answer
    (private JSON: hearings, protocols, chats, links that carry tokens)."""
    headers = SecurityHeaders()
    if request is not None:
        headers = request.config_dict.get(SECURITY_HEADERS, headers)
    response.headers.setdefault("Content-Security-Policy", headers.content_security_policy)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    response.headers.setdefault(
        "Permissions-Policy", "camera=(self), microphone=(self), geolocation=()"
    )
    if headers.strict_transport_security is not None:
        response.headers.setdefault("Strict-Transport-Security", headers.strict_transport_security)
    if request is not None and _private(request, response):
        response.headers.setdefault("Cache-Control", NO_STORE)
    return response


def _private(request: web.Request, response: web.StreamResponse) -> bool:
    """API answers and JSON anywhere are private unless a handler said otherwise."""
    content_type = response.headers.get("Content-Type", "")
    return request.path.startswith("/api/") or "json" in content_type
