"""Prometheus metrics at ``/metrics``, for the operator's own scraper.

Everything is gathered when Prometheus asks, by reading the live hearings
(``Signaling.live_hearings``) and each connection's counters (``Transport.counts``): the live
path does no extra work for it. The event loop's lag is measured by a task of its own.

Who may read them: only a client on this machine, directly. The figures are aggregates
(no hearing id, no participant, no address) but they still tell when hearings run and how
many people attend, so ``/metrics`` answers only a loopback peer whose request did not come
through a proxy (no X-Forwarded-For: Caddy on the same machine is a loopback peer too), and
the shipped Caddyfile refuses the path as well. Everyone else gets the same 404 as for any
unknown path. Prometheus scrapes http://127.0.0.1:8080/metrics on the server itself.

Counters of bytes and packets are exact over the process's life: a connection's counts are
read at every scrape while it is live, and once more after it has closed (it is kept until
the next scrape for that), then added to what closed connections carried.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector

from media.link_quality import GRADES
from media.producer import Producer
from media.transport import Transport, TransportCounts
from server.problems import problem
from server.settings import is_loopback
from signaling.live.attendance import ConnectionState
from signaling.live.hearing import LiveHearing

PATH = "/metrics"
LAG_INTERVAL_S = 0.5
# From "unnoticed" to "every participant hears it": the relay forwards a frame per wake-up.
LAG_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
PATHS = ("relay", "direct")


@dataclass
class Totals:
    bytes_sent: int = 0
    bytes_received: int = 0
    packets_sent: int = 0
    packets_received: int = 0

    def add(self, counts: TransportCounts) -> None:
        self.bytes_sent += counts.bytes_sent
        self.bytes_received += counts.bytes_received
        self.packets_sent += counts.packets_sent
        self.packets_received += counts.packets_received


def _final_counts(transport: Transport, last: TransportCounts) -> TransportCounts:
    """A closed connection's counters, read once more; what was last seen if unreadable."""
    try:
        return transport.counts()
    except Exception:  # a torn-down peer connection: keep the previous scrape's figures
        return last


@dataclass(eq=False)  # registered by identity
class LiveCollector(Collector):
    """The live hearings, their participants, recorders and connections, read at scrape."""

    hearings: Callable[[], list[LiveHearing]]
    _tracked: dict[Transport, TransportCounts] = field(default_factory=dict)
    _closed: Totals = field(default_factory=Totals)
    # Connections counted by the path ICE selected for them, once each.
    _selected: Counter[str] = field(default_factory=Counter)
    # Bytes publishers sent past their bitrate budget (media/producer.py), by Producer while
    # it lives, then added up.
    _dropped: dict[Producer, int] = field(default_factory=dict)
    _dropped_closed: int = 0

    def describe(self) -> Iterable[Metric]:
        # Registering would otherwise collect once, counting connections before a scrape.
        return []

    def collect(self) -> Iterable[Metric]:
        live = self.hearings()
        current = {
            transport: transport.counts()
            for hearing in live
            for room in hearing.rooms()
            for transport in room.router.transports()
        }
        for gone in self._tracked.keys() - current.keys():
            self._closed.add(_final_counts(gone, self._tracked[gone]))
        for transport, counts in current.items():
            previous = self._tracked.get(transport)
            if counts.path is not None and (previous is None or previous.path is None):
                self._selected[counts.path] += 1
        self._tracked = current
        producers = [
            producer
            for hearing in live
            for room in hearing.rooms()
            for producer in room.router.producers()
        ]
        yield from self._hearings(live)
        yield from self._relay(current.values())
        yield from self._budgets(producers)

    def _budgets(self, producers: list[Producer]) -> Iterable[Metric]:
        current = {producer: producer.dropped_bytes for producer in producers}
        for gone in self._dropped.keys() - current.keys():
            self._dropped_closed += max(gone.dropped_bytes, self._dropped[gone])
        self._dropped = current
        yield GaugeMetricFamily(
            "courtroom_relay_publishers_over_budget",
            "Published tracks past their bitrate budget now: neither forwarded nor recorded "
            "(COURTROOM_MEDIA_MAX_VIDEO_KBPS); should be 0",
            value=sum(producer.over_budget for producer in producers),
        )
        yield CounterMetricFamily(
            "courtroom_relay_dropped_bytes",
            "Bytes publishers sent past their bitrate budget, neither forwarded nor recorded",
            value=self._dropped_closed + sum(current.values()),
        )

    def _hearings(self, live: list[LiveHearing]) -> Iterable[Metric]:
        yield GaugeMetricFamily(
            "courtroom_hearings_live",
            "Hearings with people or a recording in this process",
            value=len(live),
        )
        present = Counter(
            attendance.room.kind.value
            for hearing in live
            for attendance in hearing.attendance.values()
            if attendance.present
        )
        participants = GaugeMetricFamily(
            "courtroom_participants",
            "Participants connected, by the kind of room they are in",
            labels=["room"],
        )
        for room, count in sorted(present.items()):
            participants.add_metric([room], count)
        yield participants
        yield GaugeMetricFamily(
            "courtroom_participants_connection_lost",
            "Participants whose heartbeats or media have stopped (shown to the court as lost)",
            value=sum(
                a.present and a.connection is ConnectionState.CONNECTION_LOST
                for hearing in live
                for a in hearing.attendance.values()
            ),
        )
        grades = Counter(
            a.link.grade
            for hearing in live
            for a in hearing.attendance.values()
            if a.present and a.link is not None
        )
        links = GaugeMetricFamily(
            "courtroom_participants_link_grade",
            "Participants by the grade of their connection as last measured (good, poor, bad; "
            "media/link_quality.py), observers and those not yet measured aside",
            labels=["grade"],
        )
        for grade in GRADES:
            links.add_metric([grade], grades[grade])
        yield links
        recordings = [h.recorder.recording for h in live if h.recorder.recording is not None]
        yield GaugeMetricFamily(
            "courtroom_recordings_running",
            "Recordings being written",
            value=sum(r.is_running for r in recordings),
        )
        yield GaugeMetricFamily(
            "courtroom_recordings_failed",
            "Recordings of live hearings whose recorder stopped on its own (the court is "
            "alerted); should be 0",
            value=sum(not r.is_running for r in recordings),
        )

    def _relay(self, live: Iterable[TransportCounts]) -> Iterable[Metric]:
        totals = Totals(**vars(self._closed))
        paths: Counter[str] = Counter()
        for counts in live:
            totals.add(counts)
            if counts.path is not None:
                paths[counts.path] += 1
        sent = CounterMetricFamily(
            "courtroom_relay_bytes",
            "Bytes the relay's connections carried (SRTP, SRTCP)",
            labels=["direction"],
        )
        sent.add_metric(["sent"], totals.bytes_sent)
        sent.add_metric(["received"], totals.bytes_received)
        yield sent
        packets = CounterMetricFamily(
            "courtroom_relay_packets",
            "Datagrams the relay's connections carried",
            labels=["direction"],
        )
        packets.add_metric(["sent"], totals.packets_sent)
        packets.add_metric(["received"], totals.packets_received)
        yield packets
        connections = GaugeMetricFamily(
            "courtroom_ice_connections",
            "Connections by the path ICE selected: through a TURN relay or direct",
            labels=["path"],
        )
        selected = CounterMetricFamily(
            "courtroom_ice_selected",
            "Connections that ICE completed, by path, since the process started",
            labels=["path"],
        )
        for path in PATHS:
            connections.add_metric([path], paths[path])
            selected.add_metric([path], self._selected[path])
        yield connections
        yield selected


class LagMonitor:
    """How late the event loop wakes a task that asked to sleep LAG_INTERVAL_S: the delay
    every forwarded packet and every command suffers at that moment."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.lag = Histogram(
            "courtroom_event_loop_lag_seconds",
            "How late the event loop woke a task, sampled every half second",
            buckets=LAG_BUCKETS,
            registry=registry,
        )
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(LAG_INTERVAL_S)
            self.lag.observe(max(0.0, loop.time() - asked - LAG_INTERVAL_S))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Metrics:
    def __init__(self, hearings: Callable[[], list[LiveHearing]]) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(LiveCollector(hearings))
        # CPU seconds, resident memory, open file descriptors of this process.
        ProcessCollector(namespace="courtroom", registry=self.registry)
        self.lag = LagMonitor(self.registry)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


METRICS = web.AppKey("metrics", Metrics)


def from_this_machine(request: web.Request) -> bool:
    """A loopback peer that is not a proxy passing someone else's request on."""
    forwarded = "X-Forwarded-For" in request.headers or "Forwarded" in request.headers
    return not forwarded and is_loopback(request.remote or "")


async def metrics(request: web.Request) -> web.Response:
    if not from_this_machine(request):
        return problem(404, "not_found", "Not found.")
    body = request.app[METRICS].exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def setup_metrics(app: web.Application, hearings: Callable[[], list[LiveHearing]]) -> None:
    app[METRICS] = Metrics(hearings)
    app.router.add_get(PATH, metrics)

    async def lifetime(app: web.Application) -> AsyncIterator[None]:
        app[METRICS].lag.start()
        yield
        await app[METRICS].lag.stop()

    app.cleanup_ctx.append(lifetime)
