"""Speech to text in a live hearing: what a participant says reaches the bench as a
suggestion with its speaker and record time; accepting writes the entry stamped where the
words began, dismissing drops it; a party never sees suggestions; off without a model."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from court.roles import Role
from recordings import RecordingStore
from recordings.speech import SPEECH_OFF
from signaling.events import ClientEvent, ServerEvent
from tests.signaling.conftest import HearingServer
from tests.signaling.test_courtroom import refused
from tests.support.media import BeepTrack
from tests.support.speech import tone_recogniser, write_model


@pytest.fixture
def recording_store(tmp_path: Path) -> RecordingStore:
    recogniser = tone_recogniser(write_model(tmp_path / "model"))
    return RecordingStore(tmp_path / "recordings", recogniser=recogniser)


def suggestions(client: Any) -> list[dict[str, Any]]:
    return [e["suggestion"] for e in client.received(ServerEvent.PROTOCOL_SUGGESTION)]


async def test_what_a_witness_says_is_suggested_to_the_bench_and_accepted_at_its_time(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    judge = await hearing_server.join(Role.JUDGE)
    assert clerk.join_data["speech_to_text"]["enabled"] is True
    voice = BeepTrack()
    witness = await hearing_server.join(Role.WITNESS, admit=False, audio=voice)
    await clerk.command(ClientEvent.SET_HEARING_STATE, {"state": "open"})
    await clerk.command(ClientEvent.CALL_WITNESS, {"participant_id": witness.participant_id})
    await witness.publish()
    await judge.command(ClientEvent.SET_HEARING_STATE, {"state": "in_session"})
    await asyncio.sleep(0.5)

    # The witness answers twice, a second each, with a pause between (beep() returns as
    # the first packet goes out: the second answer begins 1.8 s after the first).
    await voice.beep(1.0)
    await asyncio.sleep(1.8)
    await voice.beep(1.0)
    await clerk.wait_until(lambda: len(suggestions(clerk)) == 2, within_s=15)
    first, second = suggestions(clerk)
    for suggestion in (first, second):
        assert suggestion["speaker_id"] == witness.participant_id
        assert suggestion["text"] == "a tone of 1000 hertz"
        assert suggestion["end_ms"] - suggestion["record_ms"] == pytest.approx(1200, abs=150)
    assert second["record_ms"] - first["record_ms"] == pytest.approx(1800, abs=200)
    await judge.wait_until(lambda: suggestions(judge) == [first, second])  # the whole bench
    assert witness.received(ServerEvent.PROTOCOL_SUGGESTION) == []
    assert witness.join_data["speech_to_text"] == {"enabled": False, "note": "", "suggestions": []}

    # The clerk accepts the first, corrected: the entry is stamped where the words began.
    entry = (
        await clerk.command(
            ClientEvent.WRITE_PROTOCOL_ENTRY,
            {"kind": "answer", "text": "I saw the car.", "suggestion_id": first["id"]},
        )
    )["entry"]
    assert (entry["record_ms"], entry["recording_id"]) == (
        first["record_ms"],
        first["recording_id"],
    )
    assert entry["speaker_id"] == witness.participant_id and entry["automatic"] is False
    # ... and dismisses the second. Neither can be taken again.
    await clerk.command(ClientEvent.DISMISS_PROTOCOL_SUGGESTION, {"suggestion_id": second["id"]})
    await judge.wait_until(
        lambda: len(judge.received(ServerEvent.PROTOCOL_SUGGESTION_RESOLVED)) == 2
    )
    resolved = [
        (e["suggestion_id"], e["accepted"])
        for e in judge.received(ServerEvent.PROTOCOL_SUGGESTION_RESOLVED)
    ]
    assert resolved == [(first["id"], True), (second["id"], False)]
    for payload in (
        {"kind": "answer", "text": "again", "suggestion_id": first["id"]},
        {"kind": "answer", "text": "again", "suggestion_id": second["id"]},
    ):
        assert await refused(clerk, ClientEvent.WRITE_PROTOCOL_ENTRY, payload) == "not_found"
    assert (
        await refused(
            clerk, ClientEvent.DISMISS_PROTOCOL_SUGGESTION, {"suggestion_id": first["id"]}
        )
        == "not_found"
    )
    # A later join of the bench gets what is still open: nothing.
    late = await hearing_server.join(Role.JUDGE)
    assert late.join_data["speech_to_text"]["suggestions"] == []
    stored = await hearing_server.protocol.of_hearing(hearing_server.hearing_id)
    assert [e.text for e in stored if not e.automatic] == ["I saw the car."]


async def test_only_the_bench_resolves_suggestions_and_bad_input_is_refused(
    hearing_server: HearingServer,
) -> None:
    clerk = await hearing_server.join(Role.CLERK)
    witness = await hearing_server.join(Role.WITNESS)
    for payload in ({}, {"suggestion_id": ""}, {"suggestion_id": 5}, {"suggestion_id": "x" * 65}):
        assert (
            await refused(clerk, ClientEvent.DISMISS_PROTOCOL_SUGGESTION, payload)
            == "invalid_request"
        )
    assert (
        await refused(witness, ClientEvent.DISMISS_PROTOCOL_SUGGESTION, {"suggestion_id": "sug_1"})
        == "permission_denied"
    )
    assert (
        await refused(clerk, ClientEvent.DISMISS_PROTOCOL_SUGGESTION, {"suggestion_id": "sug_1"})
        == "not_found"
    )


def test_without_a_model_the_feature_is_off_and_says_so(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path / "recordings")
    assert store.speech == SPEECH_OFF
    assert "COURTROOM_SPEECH_MODEL_DIR" in store.speech.note
