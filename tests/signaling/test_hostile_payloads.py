"""Whatever a participant sends, every command answers with an acknowledgement of the
documented shape, the server stays up, and the others keep their media."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from court.roles import Role
from signaling.events import ClientEvent
from signaling.limits import Limits
from tests.signaling.conftest import HearingServer, TimeFlies
from tests.signaling.helpers import frames_from
from tests.support.media import ColourCamera, ToneTrack

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=50),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)
# Commands that change the hearing only with a valid payload; leave and start/stop_recording
# are left out because a *valid* one would legitimately change state mid-run.
# Every courtroom command is in: the attacker is a defendant, so a valid court command is
# refused and a valid own command (hand, mute, chat) changes only the attacker's state.
COMMANDS = [ClientEvent.JOIN, ClientEvent.PUBLISH, ClientEvent.ANSWER] + [
    e
    for e in ClientEvent
    if e
    not in (
        ClientEvent.JOIN,
        ClientEvent.PUBLISH,
        ClientEvent.ANSWER,
        ClientEvent.LEAVE,
        ClientEvent.START_RECORDING,
        ClientEvent.STOP_RECORDING,
    )
]
NEAR_MISSES: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "revision": JSON,
        "type": st.sampled_from(["answer", "offer", "", "ANSWER"]) | JSON,
        "sdp": st.text(max_size=300) | JSON,
    }
) | st.fixed_dictionaries({"audio": JSON, "video": JSON})
NEAR_MISSES |= (
    st.fixed_dictionaries({"participant_id": JSON | st.text(max_size=70)})
    | st.fixed_dictionaries({"participant_ids": st.lists(JSON | st.text(max_size=10))})
    | st.fixed_dictionaries({"text": JSON | st.text(max_size=2100), "to": JSON})
    | st.fixed_dictionaries({"state": st.sampled_from(["open", "closed", "in_session"]) | JSON})
    | st.fixed_dictionaries({"consultation_id": JSON, "accept": JSON})
)


@pytest.fixture
def limits() -> Limits:
    """This module sends commands as fast as it can to test what they answer, not how many
    a connection may send (tests/signaling/test_limits.py): time flies between them."""
    return Limits(TimeFlies())


def assert_ack_shape(ack: Any, sent: object) -> None:
    assert isinstance(ack, dict), (sent, ack)
    if ack["ok"] is True:
        assert isinstance(ack["data"], dict)
    else:
        assert ack["ok"] is False
        assert set(ack["error"]) == {"code", "message"}
        assert ack["error"]["code"] in {
            "invalid_request",
            "invalid_state",
            "not_found",
            "permission_denied",
            "unknown_event",
        }, (sent, ack)


async def test_arbitrary_payloads_get_well_formed_acks_and_break_nothing(
    hearing_server: HearingServer,
) -> None:
    judge = await hearing_server.join(Role.JUDGE, audio=ToneTrack(), video=ColourCamera())
    await judge.publish()
    witness = await hearing_server.join(Role.WITNESS)
    attacker = await hearing_server.join(Role.DEFENDANT)
    await frames_from(witness, judge.participant_id, "video", 3)
    sent: list[tuple[str, Any]] = []

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        event=st.sampled_from(COMMANDS) | st.text(min_size=1, max_size=30),
        payload=JSON | NEAR_MISSES,
    )
    def record(event: str, payload: Any) -> None:
        sent.append((event, payload))

    record()
    for event, payload in sent:
        if event in (ClientEvent.LEAVE, ClientEvent.START_RECORDING, ClientEvent.STOP_RECORDING):
            continue
        assert_ack_shape(await attacker.call(event, payload), (event, payload))

    frames = await frames_from(witness, judge.participant_id, "audio", 25)
    assert len(frames) == 25
    assert (await attacker.call(ClientEvent.PUBLISH, {"audio": False, "video": False}))["ok"]
