"""Measuring tools: server processes we start and stop by PID, their CPU, what subscribers get.

CPU is read per process with psutil (user + system time of all its threads). Machine-wide
counters are useless on our VMs: an idle loop shows ~0.004 core per process but ~0.7 core
"busy" machine-wide (../shared/reference/aiortc-relay.md, section 1).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil  # type: ignore[import-untyped]  # no stubs in the dev dependencies
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

REPO_ROOT = Path(__file__).resolve().parent.parent
STOP_GRACE_S = 5.0


class RunFailed(Exception):
    """One benchmark run could not be measured; the message ends with the server's log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    """A server we started: its PID for psutil, its log for when it fails."""

    process: asyncio.subprocess.Process
    base_url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@contextlib.asynccontextmanager
async def server_process(
    args: Sequence[str],
    *,
    port: int,
    log_path: Path,
    ready_path: str = "/",
    env: Mapping[str, str] | None = None,
    start_timeout_s: float = 20.0,
) -> AsyncIterator[ServerProcess]:
    """Run ``python <args>`` from the repository root until the block ends.

    Ready means it answers HTTP on ``ready_path`` (any status). It is always stopped by its
    PID: SIGTERM for a graceful shutdown, SIGKILL if it does not exit in time.
    """
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *args,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )
    server = ServerProcess(process, f"http://127.0.0.1:{port}", log_path)
    try:
        await _wait_ready(server, ready_path, start_timeout_s)
        yield server
    finally:
        await _stop(process)


async def _wait_ready(server: ServerProcess, path: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as http:
        while True:
            if server.process.returncode is not None:
                raise RunFailed(
                    f"server exited with {server.process.returncode}:\n{server.log_tail()}"
                )
            try:
                async with http.get(server.base_url + path) as response:
                    await response.read()
                    return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RunFailed(f"server not ready in {timeout_s} s:\n{server.log_tail()}")
            await asyncio.sleep(0.1)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()


class CpuMeter:
    """CPU-seconds per second (cores) of one process between ``start()`` and ``stop()``."""

    def __init__(self, pid: int) -> None:
        self._process = psutil.Process(pid)
        self._cpu0 = 0.0
        self._t0 = 0.0

    def _cpu(self) -> float:
        times = self._process.cpu_times()
        return float(times.user + times.system)

    def start(self) -> None:
        self._cpu0, self._t0 = self._cpu(), time.monotonic()

    def stop(self) -> float:
        return (self._cpu() - self._cpu0) / (time.monotonic() - self._t0)


class OtherProcessesMeter:
    """Cores used by every other process on the machine, to flag a busy machine.

    Both relays share the machine with the load process; anything else that runs during a
    window (a test suite, a browser) takes CPU from the server and skews the comparison.
    Summed per process, for the reason in the module docstring.
    """

    def __init__(self, exclude: set[int]) -> None:
        self._exclude = exclude
        self._cpu0: dict[int, float] = {}
        self._t0 = 0.0

    def _snapshot(self) -> dict[int, float]:
        cpu: dict[int, float] = {}
        for process in psutil.process_iter(["pid", "cpu_times"]):
            times = process.info["cpu_times"]
            if times is not None and process.info["pid"] not in self._exclude:
                cpu[process.info["pid"]] = float(times.user + times.system)
        return cpu

    def start(self) -> None:
        self._cpu0, self._t0 = self._snapshot(), time.monotonic()

    def stop(self) -> float:
        # A process started during the window counts with all it used; one that ended
        # during the window is missed (rare here, and it only makes the flag lenient).
        used = sum(c - self._cpu0.get(pid, 0.0) for pid, c in self._snapshot().items())
        return used / (time.monotonic() - self._t0)


class LoopLagProbe:
    """The longest stall of this process's event loop, to tell load-side gaps from the server's.

    A subscriber's gap in video can come from the server or from the load process itself
    (all subscribers share its one loop); a stall here as long as the gap points at us.
    """

    INTERVAL_S = 0.01

    def __init__(self) -> None:
        self.max_lag = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.INTERVAL_S)
            self.max_lag = max(self.max_lag, loop.time() - before - self.INTERVAL_S)

    def start(self) -> None:
        self.max_lag = 0.0
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> float:
        if self._task is not None:
            self._task.cancel()
        return self.max_lag


@dataclass
class StreamCounter:
    """Frames that arrive on one received track, and the largest pause between two."""

    count: int = 0
    last: float | None = None
    max_gap: float = 0.0

    def tick(self, now: float) -> None:
        if self.last is not None:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last = now
        self.count += 1

    def reset_gap(self) -> None:
        self.max_gap = 0.0


@dataclass
class SubscriberStats:
    """One subscriber's received audio and video, as seen over the measuring window."""

    video: StreamCounter = field(default_factory=StreamCounter)
    audio: StreamCounter = field(default_factory=StreamCounter)
    _window: tuple[int, int] = (0, 0)

    def counter(self, kind: str) -> StreamCounter:
        return self.video if kind == "video" else self.audio

    def start_window(self) -> None:
        self._window = (self.video.count, self.audio.count)
        self.video.reset_gap()
        self.audio.reset_gap()

    def rates(self, seconds: float) -> tuple[float, float]:
        """(video frames/s, audio packets/s) since ``start_window()``."""
        video0, audio0 = self._window
        return (
            (self.video.count - video0) / seconds,
            (self.audio.count - audio0) / seconds,
        )


async def count_frames(track: MediaStreamTrack, counter: StreamCounter) -> None:
    """Consume ``track`` (aiortc queues what nobody reads) and count what arrives."""
    loop = asyncio.get_running_loop()
    try:
        while True:
            await track.recv()
            counter.tick(loop.time())
    except MediaStreamError:
        pass
