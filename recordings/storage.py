"""The archive's storage: one async interface, a local directory by default.

Keys are ``/``-joined names (``<hearing id>/<recording id>/segment-000001.ogg``); every part
must match ``KEY_PART``, so no key can climb out of the archive (``..``), name an absolute
path or hide a separator, whatever a request carries. The local backend is obstore's
``LocalStore`` (the same API drives S3-compatible stores when the archive is scaled out,
libraries.md 1.3); only ``LocalArchiveStorage`` knows that the bytes are files.

Builders that work on files (verification, the viewing copy, the export bundle) ask for a
recording's files with ``local_directory``: the local backend lends its own directory, read
only by convention; a remote backend would fetch a copy first.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import obstore
from obstore.exceptions import NotFoundError, PreconditionError
from obstore.store import LocalStore

if TYPE_CHECKING:
    from obstore import GetOptions

# A name part: letters, digits, dot, dash, underscore; not starting with a dot, so neither
# ``..`` nor hidden temporary files (``.manifest.sig.tmp``) are ever addressable.
KEY_PART: Final = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")
CHUNK: Final = 1 << 20  # bytes per read when streaming a range


class InvalidKey(ValueError):
    """A key with a part outside KEY_PART."""


class MissingObject(LookupError):
    """No object under the key."""


@dataclass(frozen=True, slots=True)
class StoredObject:
    key: str
    size: int
    version: str | None = None  # changes whenever the object is replaced (its ETag)


def archive_key(*parts: str) -> str:
    """Join validated parts into a key (InvalidKey if any part could escape or hide)."""
    if not parts:
        raise InvalidKey("an empty key")
    for part in parts:
        if not KEY_PART.fullmatch(part):
            raise InvalidKey(f"{part!r} is not a name the archive holds")
    return "/".join(parts)


def _checked(key: str) -> str:
    return archive_key(*key.split("/"))


class ArchiveStorage(Protocol):
    async def size(self, key: str) -> int:
        """Bytes in the object (MissingObject if there is none)."""
        ...

    async def head(self, key: str) -> StoredObject:
        """Size and version of the object (MissingObject if there is none)."""
        ...

    async def read(
        self, key: str, start: int, end: int, *, version: str | None = None
    ) -> AsyncIterator[bytes]:
        """Bytes ``start`` up to (not including) ``end``, in chunks, all from one version of
        the object: it is opened before this returns (MissingObject if it is gone, or has
        been replaced since ``version`` was read), so a copy rebuilt meanwhile never mixes
        into what is being read."""
        ...

    async def list(self, prefix: str) -> list[StoredObject]:
        """Every object under ``prefix`` (a key's first parts; "" for all), sorted by key."""
        ...

    async def put_file(self, key: str, path: Path) -> None:
        """Store the file's bytes under ``key`` (streamed; the file is left in place)."""
        ...

    async def delete_prefix(self, prefix: str) -> int:
        """Delete every object under ``prefix``; returns how many went."""
        ...

    def local_directory(self, prefix: str) -> _LocalDirectory:
        """A local directory holding the objects under ``prefix``, for file-based tools."""
        ...


class _LocalDirectory(Protocol):
    async def __aenter__(self) -> Path: ...

    async def __aexit__(self, *exc: object) -> None: ...


class LocalArchiveStorage:
    """The archive in a directory of this machine (the recorder writes there too)."""

    def __init__(self, root: Path) -> None:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root = root.resolve()
        self._store = LocalStore(prefix=self.root, automatic_cleanup=True)

    async def size(self, key: str) -> int:
        return (await self.head(key)).size

    async def head(self, key: str) -> StoredObject:
        try:
            meta = await obstore.head_async(self._store, _checked(key))
        except (NotFoundError, FileNotFoundError) as exc:
            raise MissingObject(key) from exc
        return StoredObject(key=key, size=int(meta["size"]), version=meta["e_tag"])

    async def read(
        self, key: str, start: int, end: int, *, version: str | None = None
    ) -> AsyncIterator[bytes]:
        checked = _checked(key)
        if end <= start:
            return _nothing()
        options: GetOptions = {"range": (start, end)}
        if version is not None:
            options["if_match"] = version
        try:
            result = await obstore.get_async(self._store, checked, options=options)
        except (NotFoundError, FileNotFoundError, PreconditionError) as exc:
            raise MissingObject(key) from exc
        return _chunks(result.stream(min_chunk_size=CHUNK))

    async def list(self, prefix: str) -> list[StoredObject]:
        found: list[StoredObject] = []
        # "" lists the whole archive (startup reconciliation); anything else is checked.
        stream = obstore.list(self._store, _checked(prefix) if prefix else None)
        async for batch in stream:
            for meta in batch:
                key = str(meta["path"])
                # Only what the archive could also serve: no hidden or temporary files.
                try:
                    _checked(key)
                except InvalidKey:
                    continue
                found.append(StoredObject(key=key, size=int(meta["size"])))
        return sorted(found, key=lambda o: o.key)

    async def put_file(self, key: str, path: Path) -> None:
        await obstore.put_async(self._store, _checked(key), path)

    async def delete_prefix(self, prefix: str) -> int:
        objects = await self.list(prefix)
        if objects:
            await obstore.delete_async(self._store, [o.key for o in objects])
        return len(objects)

    def local_directory(self, prefix: str) -> _LocalDirectory:
        return _Lent(self.root.joinpath(*_checked(prefix).split("/")))


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # an async generator that yields nothing


async def _chunks(stream: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    async for chunk in stream:
        yield bytes(chunk)


class _Lent:
    def __init__(self, path: Path) -> None:
        self._path = path

    async def __aenter__(self) -> Path:
        return self._path

    async def __aexit__(self, *exc: object) -> None:
        return None
