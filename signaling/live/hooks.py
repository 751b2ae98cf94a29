"""The features of one live hearing, in order, and the calling of their hooks.

The Courtroom makes an empty Hooks first (the audience, the roster and the transfers call
it), then the features, then adds them: a feature is told of every moment another part
causes without anyone naming it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from signaling.live.ports import Feature, RoomExit

if TYPE_CHECKING:
    from signaling.live.attendance import Attendance


class Hooks:
    def __init__(self) -> None:
        self._features: list[Feature] = []

    def add(self, *features: Feature) -> None:
        self._features.extend(features)

    def __iter__(self) -> Iterator[Feature]:
        return iter(list(self._features))

    async def leaving_room(self, attendance: Attendance, exit: RoomExit) -> None:
        for feature in self:
            await feature.leaving_room(attendance, exit)

    async def hearing_closing(self) -> None:
        for feature in self:
            await feature.hearing_closing()

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for feature in self:
            view.update(await feature.join_view(attendance))
        return view

    def roster_view(self) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for feature in self:
            view.update(feature.roster_view())
        return view
