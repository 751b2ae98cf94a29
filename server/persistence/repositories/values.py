"""How court values go into columns and come out again, the same for every repository."""

from __future__ import annotations

from datetime import UTC, datetime

from court.errors import InvalidRequest
from server.persistence.repositories.hearings import aware


def stored_moment(unix_s: float) -> datetime:
    """Unix seconds (court/ keeps times so) as the aware UTC datetime a column takes."""
    return datetime.fromtimestamp(unix_s, UTC)


def unix_seconds(moment: datetime) -> float:
    """A column's datetime as Unix seconds; SQLite hands it back naive, in UTC."""
    return (aware(moment) or moment).timestamp()


def check_text(field: str, value: str, limit: int) -> None:
    """A text column's own limits. The signaling layer validates what people send; this
    guards the table, so that SQLite and PostgreSQL (which refuses NUL in text) agree."""
    if len(value) > limit:
        raise InvalidRequest(f"{field}: at most {limit} characters")
    if "\x00" in value:
        raise InvalidRequest(f"{field}: must not contain NUL characters")
