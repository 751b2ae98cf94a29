"""``python -m bench``: run the benchmarks and print their tables (``make bench``)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench import recording, relay
from bench.baseline import BaselineTarget
from bench.courtroom import CourtroomTarget
from bench.measure import REPO_ROOT

ONLY = {"courtroom": CourtroomTarget.name, "baseline": BaselineTarget.name}


def _counts(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "benchmark", nargs="?", choices=["relay", "recording"], default=None, help="default: all"
    )
    parser.add_argument(
        "--n", type=_counts, default=(0, 1, 4, 16), help="subscriber counts (default 0,1,4,16)"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds before measuring")
    parser.add_argument("--window", type=float, default=15.0, help="seconds measured")
    parser.add_argument(
        "--only", choices=sorted(ONLY), help="run one relay only (no ratio, so no PASS)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO_ROOT / ".bench" / f"relay-{time.strftime('%Y%m%d-%H%M%S')}.json",
        help="where to write the results (default .bench/relay-<time>.json)",
    )
    recording_options = parser.add_argument_group("recording")
    recording_options.add_argument(
        "--participants", type=int, default=6, help="publishing participants (default 6)"
    )
    recording_options.add_argument(
        "--record-warmup", type=float, default=3.0, help="seconds recorded before measuring"
    )
    recording_options.add_argument(
        "--record-window", type=float, default=30.0, help="seconds of recording measured"
    )
    recording_options.add_argument(
        "--baseline-media",
        type=int,
        default=3,
        help="seconds of one participant's media per transcoding baseline run (default 3)",
    )
    recording_options.add_argument(
        "--recording-json",
        type=Path,
        default=REPO_ROOT / ".bench" / f"recording-{time.strftime('%Y%m%d-%H%M%S')}.json",
        help="where to write the results (default .bench/recording-<time>.json)",
    )
    args = parser.parse_args(argv)
    passed = True
    if args.benchmark in (None, "relay"):
        passed = relay.run(
            args.n,
            warmup_s=args.warmup,
            window_s=args.window,
            json_path=args.json,
            only=ONLY.get(args.only or ""),
        )
    if args.benchmark in (None, "recording"):
        if args.benchmark is None:
            print()
        passed = (
            recording.run(
                args.participants,
                warmup_s=args.record_warmup,
                window_s=args.record_window,
                baseline_s=args.baseline_media,
                json_path=args.recording_json,
            )
            and passed
        )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
