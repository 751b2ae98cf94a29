"""The relay benchmark: what one delivered audio+video stream costs the server.

One publisher (bench/clip.py: VP8 640x360 at 30 fps plus Opus) is relayed to N subscribers,
through our relay (``python -m server.cli serve``, packet passthrough) and through stock
aiortc (bench/baseline_server.py, decode and re-encode per subscriber), in the same run,
alternating per N so both see the same machine. Each server runs in its own process; the
publisher and all subscribers run in this one (the load process), whose receivers forward
instead of decoding (media.passthrough) so the load generator stays cheap.

Per run: start the server, connect the publisher, connect N subscribers, wait until each
receives audio and video, warm up, then measure for a window: the server process's CPU
(psutil, user + system, all threads) and each subscriber's frames and packets per second.

Cost per delivered stream = server cores / N: everything the server spent, the publisher's
share included, divided by the audio+video streams it delivered. The marginal cost,
(cores(N) - cores(0)) / N, leaves out the publisher's share and is shown beside it.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import aiortc
import av

from bench.baseline import BaselineTarget
from bench.clip import Clip, make_clip
from bench.courtroom import CourtroomTarget
from bench.measure import (
    CpuMeter,
    LoopLagProbe,
    OtherProcessesMeter,
    RunFailed,
    SubscriberStats,
)
from bench.target import Peer, RelayTarget
from media import passthrough
from media.ice import use_host_addresses

TARGET_RATIO = 20.0
TARGET_FPS = 29.0  # "30 fps", with room for timer jitter at the edges of the window
TARGET_N = 16
FIRST_MEDIA_TIMEOUT_S = 15.0
BUSY_MACHINE_CORES = 0.2


@dataclass(frozen=True, slots=True)
class RunResult:
    server: str
    n: int
    window_s: float
    server_cores: float
    load_cores: float
    other_cores: float
    load_max_lag_s: float
    min_video_fps: float | None
    min_audio_pps: float | None
    max_video_gap_s: float | None

    @property
    def cores_per_stream(self) -> float | None:
        return self.server_cores / self.n if self.n else None


async def _wait_for(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout_s} s")
        await asyncio.sleep(0.05)


async def run_one(
    target: RelayTarget,
    n: int,
    clip: Clip,
    workdir: Path,
    *,
    warmup_s: float,
    window_s: float,
) -> RunResult:
    stats = [SubscriberStats() for _ in range(n)]
    async with target.server(workdir) as server:
        peers: list[Peer] = []
        try:
            peers.append(await target.publish(server, clip))
            for index, subscriber in enumerate(stats):
                peers.append(await target.subscribe(server, index, subscriber))
            await _wait_for(
                lambda: all(s.video.count and s.audio.count for s in stats),
                FIRST_MEDIA_TIMEOUT_S,
                f"{target.name}: not every subscriber received audio and video",
            )
            await asyncio.sleep(warmup_s)
            server_cpu, load_cpu = CpuMeter(server.pid), CpuMeter(os.getpid())
            other_cpu = OtherProcessesMeter({server.pid, os.getpid()})
            lag = LoopLagProbe()
            for subscriber in stats:
                subscriber.start_window()
            other_cpu.start()
            server_cpu.start()
            load_cpu.start()
            lag.start()
            started = time.monotonic()
            await asyncio.sleep(window_s)
            server_cores, load_cores = server_cpu.stop(), load_cpu.stop()
            other_cores, load_max_lag = other_cpu.stop(), lag.stop()
            elapsed = time.monotonic() - started
            rates = [s.rates(elapsed) for s in stats]
        except Exception as exc:
            raise RunFailed(
                f"{type(exc).__name__}: {exc}\n--- end of the server log ---\n{server.log_tail()}"
            ) from exc
        finally:
            await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)
    return RunResult(
        server=target.name,
        n=n,
        window_s=elapsed,
        server_cores=server_cores,
        load_cores=load_cores,
        other_cores=other_cores,
        load_max_lag_s=load_max_lag,
        min_video_fps=min((v for v, _ in rates), default=None),
        min_audio_pps=min((a for _, a in rates), default=None),
        max_video_gap_s=max((s.video.max_gap for s in stats), default=None),
    )


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _marginal(results: Sequence[RunResult], r: RunResult) -> float | None:
    idle = next((x for x in results if x.server == r.server and x.n == 0), None)
    if idle is None or r.n == 0:
        return None
    return (r.server_cores - idle.server_cores) / r.n


def ratios(
    results: Sequence[RunResult],
    ours: str,
    baseline: str,
    cost: Callable[[RunResult], float | None],
) -> dict[int, float]:
    """Baseline cost divided by ours, by N (where both were measured)."""
    by_key = {(r.server, r.n): r for r in results}
    out: dict[int, float] = {}
    for (server, n), r in by_key.items():
        other = by_key.get((baseline, n))
        if server != ours or other is None:
            continue
        mine, theirs = cost(r), cost(other)
        if mine is not None and theirs is not None and mine > 0:
            out[n] = theirs / mine
    return dict(sorted(out.items()))


def report(results: Sequence[RunResult], clip: Clip, ours: str, baseline: str) -> tuple[str, bool]:
    lines = [
        f"Relay benchmark: 1 publisher (VP8 640x360@30 {clip.video_kbps:.0f} kbit/s + Opus"
        " 20 ms) -> N subscribers, each receiving audio+video.",
        "cores: CPU-seconds per second of the server process (psutil user+sys, all threads).",
        "per stream = cores / N (the publisher's share included);"
        " marginal = (cores(N) - cores(N=0)) / N.",
        "max gap: longest pause between two video frames at any subscriber; load, lag s: CPU"
        " and longest event-loop stall of the load process (publisher + subscribers); other:"
        " CPU of every other process.",
        "",
        f"{'N':>3}  {'server':<13} {'cores':>6} {'per stream':>10} {'marginal':>9}"
        f" {'min fps':>8} {'min aud/s':>9} {'max gap s':>9} {'load':>6} {'lag s':>6}"
        f" {'other':>6}",
    ]
    for r in sorted(results, key=lambda r: (r.n, r.server != ours)):
        lines.append(
            f"{r.n:>3}  {r.server:<13} {r.server_cores:>6.3f}"
            f" {_fmt(r.cores_per_stream, '.4f'):>10} {_fmt(_marginal(results, r), '.4f'):>9}"
            f" {_fmt(r.min_video_fps, '.1f'):>8} {_fmt(r.min_audio_pps, '.1f'):>9}"
            f" {_fmt(r.max_video_gap_s, '.3f'):>9} {r.load_cores:>6.3f} {r.load_max_lag_s:>6.3f}"
            f" {r.other_cores:>6.3f}"
        )
    per_stream = ratios(results, ours, baseline, lambda r: r.cores_per_stream)
    marginal = ratios(results, ours, baseline, lambda r: _marginal(results, r))
    lines.append("")
    for label, by_n in (("per delivered stream", per_stream), ("marginal", marginal)):
        lines.append(
            f"{baseline} / {ours}, {label}: "
            + (", ".join(f"N={n}: {ratio:.1f}x" for n, ratio in by_n.items()) or "-")
        )
    short = [
        r for r in results if r.n and r.min_video_fps is not None and r.min_video_fps < TARGET_FPS
    ]
    for r in short:
        lines.append(
            f"note: {r.server} at N={r.n} did not deliver {TARGET_FPS:.0f} fps to every"
            f" subscriber (min {r.min_video_fps:.1f}): it ran out of CPU, so its cost per"
            " full-rate stream is higher than shown."
        )
    busy = [r for r in results if r.other_cores > BUSY_MACHINE_CORES]
    if busy:
        lines.append(
            f"warning: other processes used more than {BUSY_MACHINE_CORES} core during"
            f" {len(busy)} of {len(results)} windows (max {max(r.other_cores for r in busy):.2f}):"
            " the machine was shared, compare these numbers with care."
        )
    at_target = [r for r in results if r.server == ours and r.n == TARGET_N]
    ratio = per_stream.get(TARGET_N)
    fps = at_target[0].min_video_fps if at_target else None
    passed = ratio is not None and ratio >= TARGET_RATIO and (fps or 0) >= TARGET_FPS
    lines.append(
        f"{'PASS' if passed else 'FAIL'}: target {ours} >= {TARGET_RATIO:.0f}x cheaper per"
        f" delivered stream at N={TARGET_N} (measured {_fmt(ratio, '.1f')}x) with every"
        f" subscriber >= {TARGET_FPS:.0f} fps (min {_fmt(fps, '.1f')})"
    )
    return "\n".join(lines), passed


async def measure(
    ns: Sequence[int], *, warmup_s: float, window_s: float, only: str | None
) -> tuple[list[RunResult], Clip, list[str]]:
    """Every run, alternating relays per N; failed runs are reported and skipped."""
    # The load process: loopback ICE, and receivers that count packets instead of decoding.
    use_host_addresses(("127.0.0.1",))
    passthrough.install()
    clip = make_clip()
    targets: list[RelayTarget] = [
        t
        for t in (CourtroomTarget(max_viewers=max(ns)), BaselineTarget())
        if only in (None, t.name)
    ]
    results: list[RunResult] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="courtroom-bench-") as tmp:
        for n in ns:
            for target in targets:
                try:
                    result = await run_one(
                        target, n, clip, Path(tmp), warmup_s=warmup_s, window_s=window_s
                    )
                except RunFailed as exc:
                    failures.append(f"{target.name} N={n}: {exc}")
                    print(f"  N={n:<3} {target.name:<13} FAILED: {exc}", flush=True)
                    continue
                print(
                    f"  N={n:<3} {target.name:<13} {result.server_cores:.3f} cores,"
                    f" min {_fmt(result.min_video_fps, '.1f')} fps",
                    flush=True,
                )
                results.append(result)
    return results, clip, failures


def run(
    ns: Sequence[int],
    *,
    warmup_s: float,
    window_s: float,
    json_path: Path | None,
    only: str | None = None,
) -> bool:
    """Measure, print the table, write the JSON; True if the target is met."""
    results, clip, failures = asyncio.run(
        measure(ns, warmup_s=warmup_s, window_s=window_s, only=only)
    )
    ours, baseline = CourtroomTarget.name, BaselineTarget.name
    text, passed = report(results, clip, ours, baseline)
    print()
    print(text)
    if failures:
        print(f"{len(failures)} run(s) failed; see above.")
    passed = passed and not failures
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(
            json.dumps(
                {
                    "benchmark": "relay",
                    "time": time.time(),
                    "machine": {
                        "cpus": os.cpu_count(),
                        "python": platform.python_version(),
                        "aiortc": aiortc.__version__,
                        "av": av.__version__,
                    },
                    "clip_video_kbps": clip.video_kbps,
                    "warmup_s": warmup_s,
                    "results": [
                        {
                            **asdict(r),
                            "cores_per_stream": r.cores_per_stream,
                            "marginal_cores_per_stream": _marginal(results, r),
                        }
                        for r in results
                    ],
                    "ratio_per_stream_by_n": ratios(
                        results, ours, baseline, lambda r: r.cores_per_stream
                    ),
                    "ratio_marginal_by_n": ratios(
                        results, ours, baseline, lambda r: _marginal(results, r)
                    ),
                    "failures": failures,
                    "passed": passed,
                },
                indent=2,
            )
        )
        print(f"Results: {json_path}")
    return passed
