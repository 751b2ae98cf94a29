"""Link quality: what the relay knows of one endpoint's connection, and a grade for it.

Everything is read from what aiortc keeps anyway, when asked (every few seconds), never on the
per-packet path:

- towards the endpoint (down): the receiver reports its browser sends about each stream the
  relay forwards to it (RTCP RR: packets lost; aiortc's sender turns each into
  ``remote-inbound-rtp`` statistics, with the round trip from LSR and DLSR, RFC 3550 6.4.1);
- from the endpoint (up): what the relay's receivers count of each stream it publishes
  (packets expected and lost before retransmission, ``passthrough.received_counts``);
- both ways, bytes on the connection (``Transport.counts``) and whether ICE selected a pair
  through a TURN relay.

Counters are cumulative, so a quality is the difference between two readings: loss and
bitrate over the time between them (``LinkMeter``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal, get_args

from aiortc.stats import RTCRemoteInboundRtpStreamStats

from media import passthrough
from media.ice import IcePath
from media.transport import Transport

Grade = Literal["good", "poor", "bad"]
GRADES: Final[tuple[Grade, ...]] = get_args(Grade)

# The grades' thresholds, each direction's loss and the round trip judged alike.
# Loss: Opus conceals a few per cent and the relay and browsers repair lost video packets
# (NACK, RTX), so up to 3 % the court sees and hears nothing of it; past 3 % the repair
# takes a round trip each time and speech begins to crackle (the impaired-link test at 5 %:
# video holds, 4-5 % of audio concealed); past 10 % video freezes and words are lost.
LOSS_POOR = 0.03
LOSS_BAD = 0.10
# Round trip: past 400 ms (200 ms one way, beyond ITU-T G.114's 150 ms for conversation)
# people talk over each other; past 1 s a question and its answer no longer follow.
ROUND_TRIP_POOR_MS = 400
ROUND_TRIP_BAD_MS = 1000
# Fewer packets than this in a reading say nothing about a few per cent lost (one lost
# packet of 20 would read as 5 %): the loss is unknown then.
MIN_PACKETS = 50


@dataclass(frozen=True, slots=True)
class RemoteReport:
    """The endpoint's last receiver report about one stream the relay sends it."""

    expected: int  # packets the relay had sent on the stream when the report arrived
    lost: int  # cumulative, as the endpoint counts them
    round_trip_s: float | None  # aiortc's smoothed estimate; None before the first


@dataclass(frozen=True, slots=True)
class LinkCounters:
    """One reading of a connection's cumulative counters."""

    at: float  # monotonic seconds
    bytes_sent: int
    bytes_received: int
    up: Mapping[int, passthrough.ReceivedCount]  # by SSRC the endpoint publishes on
    down: Mapping[str, RemoteReport]  # by sender (aiortc's stats id)
    path: IcePath | None


@dataclass(frozen=True, slots=True)
class LinkQuality:
    """A connection over the time between two readings. Up: from the endpoint to the relay;
    down: from the relay to the endpoint. A loss is a fraction (0.05 is 5 %), None when too
    few packets crossed to tell; the round trip is None until the endpoint reports on a
    stream the relay sends it (one who receives nothing has none)."""

    path: IcePath | None
    round_trip_ms: int | None
    loss_up: float | None
    loss_down: float | None
    kbit_s_up: int
    kbit_s_down: int

    @property
    def grade(self) -> Grade:
        """Bad or poor as soon as one figure is; good when none is (or none is known)."""
        loss = max((x for x in (self.loss_up, self.loss_down) if x is not None), default=0.0)
        round_trip = self.round_trip_ms or 0
        if loss > LOSS_BAD or round_trip > ROUND_TRIP_BAD_MS:
            return "bad"
        if loss > LOSS_POOR or round_trip > ROUND_TRIP_POOR_MS:
            return "poor"
        return "good"


def _loss(lost: int, expected: int) -> float | None:
    if expected < MIN_PACKETS:
        return None
    return min(1.0, max(0, lost) / expected)


def _kbit_s(before: int, now: int, seconds: float) -> int:
    return round(max(0, now - before) * 8 / seconds / 1000)


def link_quality(before: LinkCounters, now: LinkCounters) -> LinkQuality:
    """The quality of the connection between two readings of it."""
    seconds = max(now.at - before.at, 1e-3)
    up_lost = up_expected = 0
    for ssrc, count in now.up.items():
        earlier = before.up.get(ssrc, passthrough.ReceivedCount(0, 0))
        up_expected += max(0, count.expected - earlier.expected)
        up_lost += max(0, count.lost - earlier.lost)
    down_lost = down_expected = 0
    round_trips: list[float] = []
    for sender, report in now.down.items():
        previous = before.down.get(sender, RemoteReport(0, 0, None))
        expected = report.expected - previous.expected
        if expected <= 0:
            # No report since the last reading, or the stream was idle (a subscription
            # without a Producer): nothing new of it. An idle sender's reports repeat the
            # last frame's NTP time, so aiortc matches an echo to the wrong report and its
            # round trip goes wrong, even below zero.
            continue
        down_expected += expected
        down_lost += max(0, report.lost - previous.lost)
        if report.round_trip_s is not None:
            # A stream that fell idle during the reading may still carry such an estimate.
            round_trips.append(max(0.0, report.round_trip_s))
    return LinkQuality(
        path=now.path,
        # Every stream crosses the same ICE pair: their estimates differ by the endpoint's
        # RTCP timing only, so the mean of those reported on since the last reading.
        round_trip_ms=round(1000 * sum(round_trips) / len(round_trips)) if round_trips else None,
        loss_up=_loss(up_lost, up_expected),
        loss_down=_loss(down_lost, down_expected),
        kbit_s_up=_kbit_s(before.bytes_received, now.bytes_received, seconds),
        kbit_s_down=_kbit_s(before.bytes_sent, now.bytes_sent, seconds),
    )


async def read_counters(transport: Transport, at: float) -> LinkCounters:
    """Read ``transport``'s counters now (``at``: the monotonic time of reading)."""
    up: dict[int, passthrough.ReceivedCount] = {}
    for receiver in transport.receivers():
        up.update(passthrough.received_counts(receiver))
    down: dict[str, RemoteReport] = {}
    for sender in transport.senders():
        for stats in (await sender.getStats()).values():
            if isinstance(stats, RTCRemoteInboundRtpStreamStats):
                down[stats.id] = RemoteReport(
                    # aiortc gives packetsReceived as what it had sent less what was lost.
                    expected=stats.packetsReceived + stats.packetsLost,
                    lost=stats.packetsLost,
                    round_trip_s=stats.roundTripTime,
                )
    counts = transport.counts()
    return LinkCounters(
        at=at,
        bytes_sent=counts.bytes_sent,
        bytes_received=counts.bytes_received,
        up=up,
        down=down,
        path=counts.path,
    )


class LinkMeter:
    """Measures connections: each reading against the one before it of the same Transport."""

    def __init__(self, monotonic: Callable[[], float]) -> None:
        self._monotonic = monotonic
        self._last: dict[Transport, LinkCounters] = {}

    async def measure(self, transport: Transport) -> LinkQuality | None:
        """The quality since this Transport was last measured; None the first time."""
        now = await read_counters(transport, self._monotonic())
        before = self._last.get(transport)
        self._last[transport] = now
        return None if before is None else link_quality(before, now)

    def keep_only(self, transports: Iterable[Transport]) -> None:
        """Forget every Transport but these (the others closed or left)."""
        keep = set(transports)
        self._last = {t: c for t, c in self._last.items() if t in keep}
