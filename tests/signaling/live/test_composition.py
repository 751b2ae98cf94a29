"""The Courtroom composes every feature, the bus isolates its subscribers, hooks merge."""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from pathlib import Path
from typing import Any

import pytest

import signaling.live.features
from court.event_params import NO_PARAMS, Because, Left
from court.events import HEARING, EventKind, HearingEvent
from court.hearing import Participant
from court.roles import Role
from media.settings import MediaSettings
from recordings import RecordingStore
from signaling.live.attendance import Attendance
from signaling.live.bus import HearingEventBus
from signaling.live.courtroom import Courtroom, Stores, change_state_in_memory
from signaling.live.features.chat import not_stored
from signaling.live.features.exhibits import MemoryExhibitStore
from signaling.live.features.protocol import MemoryProtocolStore
from signaling.live.hooks import Hooks
from signaling.live.ports import Feature, Payload
from signaling.live.session import Session
from tests.signaling.conftest import HEARING as TEST_HEARING
from tests.signaling.live.fakes import LiveUnderTest, ManualClock


def feature_classes() -> set[type[Feature]]:
    found = set()
    for module in pkgutil.iter_modules(signaling.live.features.__path__):
        loaded = importlib.import_module(f"signaling.live.features.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if (
                issubclass(cls, Feature)
                and cls is not Feature
                and cls.__module__ == loaded.__name__
            ):
                found.add(cls)
    return found


async def _emit(sid: str, event: str, data: Payload) -> None:
    pass


async def _disconnect(session: Session, left: Left, *, after_ack: bool = False) -> None:
    pass


async def _sink(event: HearingEvent) -> None:
    pass


def test_the_courtroom_composes_every_feature_there_is(tmp_path: Path) -> None:
    courtroom = Courtroom(
        TEST_HEARING,
        media=MediaSettings(),
        recordings=RecordingStore(tmp_path, ManualClock()),
        stores=Stores(not_stored, MemoryProtocolStore(), MemoryExhibitStore()),
        emit=_emit,
        disconnect=_disconnect,
        change_state=change_state_in_memory,
        events=_sink,
    )
    composed = [type(f) for f in courtroom.hooks]
    assert set(composed) == feature_classes()
    assert len(composed) == len(set(composed))
    # The protocol writes an event down before the exhibit register follows a share.
    names = [c.__name__ for c in composed]
    assert names.index("CourtProtocol") < names.index("ExhibitRegister")


async def test_a_failing_subscriber_is_logged_and_the_others_still_hear(
    hearing: LiveUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    audited: list[EventKind] = []
    heard: list[EventKind] = []

    async def sink(event: HearingEvent) -> None:
        audited.append(event.kind)

    async def broken(event: HearingEvent, by: Participant | None) -> None:
        raise RuntimeError("the disk is full")

    async def listener(event: HearingEvent, by: Participant | None) -> None:
        heard.append(event.kind)

    bus = HearingEventBus(hearing.live, sink)
    bus.subscribe("a broken subscriber", broken)
    bus.subscribe("a listener", listener)
    with caplog.at_level(logging.ERROR):
        await bus.publish(EventKind.HEARING_LOCKED, None, HEARING, NO_PARAMS)

    assert audited == heard == [EventKind.HEARING_LOCKED]
    assert "a broken subscriber could not take hearing event" in caplog.text


async def test_an_event_with_the_wrong_parameters_reaches_nobody(hearing: LiveUnderTest) -> None:
    heard: list[EventKind] = []

    async def sink(event: HearingEvent) -> None:
        heard.append(event.kind)

    bus = HearingEventBus(hearing.live, sink)
    with pytest.raises(TypeError, match="carries NoParams"):
        await bus.publish(EventKind.HEARING_LOCKED, None, HEARING, Because("no reason here"))
    assert heard == []


class _Says(Feature):
    def __init__(self, key: str, value: str) -> None:
        self.key, self.value = key, value
        self.closing = 0

    async def join_view(self, attendance: Attendance) -> dict[str, Any]:
        return {self.key: self.value}

    def roster_view(self) -> dict[str, Any]:
        return {self.key: self.value}

    async def hearing_closing(self) -> None:
        self.closing += 1


async def test_hooks_merge_what_each_feature_says_in_order(hearing: LiveUnderTest) -> None:
    hooks = Hooks()
    first, second, third = _Says("a", "1"), _Says("b", "2"), _Says("a", "3")
    hooks.add(first, second, third)
    joiner = hearing.attend(Role.OBSERVER)

    assert await hooks.join_view(joiner) == {"a": "3", "b": "2"}
    assert hooks.roster_view() == {"a": "3", "b": "2"}
    await hooks.hearing_closing()
    assert (first.closing, second.closing, third.closing) == (1, 1, 1)
