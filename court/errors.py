"""Errors raised by court rules, each with a stable machine-readable code.

* CourtError
  + NotAuthenticated   (missing, forged, expired or revoked join token)
  + PermissionDenied   (the role may not do this)
  + NotFound           (unknown hearing, participant or recording)
  + InvalidRequest     (a message that fails validation)
  + InvalidState       (the command does not fit the current state, e.g. not joined yet)

Signaling acknowledgements and HTTP problem responses map these codes in one place each.
"""

from __future__ import annotations

from typing import ClassVar


class CourtError(Exception):
    code: ClassVar[str] = "court_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAuthenticated(CourtError):
    code = "not_authenticated"


class PermissionDenied(CourtError):
    code = "permission_denied"


class NotFound(CourtError):
    code = "not_found"


class InvalidRequest(CourtError):
    code = "invalid_request"


class InvalidState(CourtError):
    code = "invalid_state"
