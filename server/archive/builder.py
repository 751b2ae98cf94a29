"""Builds the archive's derived files in a child process: ``python -m server.archive.builder``.

Decoding and encoding a hearing's media for an hour is heavy, and a damaged file could crash
a codec: in a child process neither can stall or kill the server that is relaying live
hearings (DESIGN.md section 5: the viewing copy is built off the live path). The parent
writes a JSON spec, the child reports ``progress <fraction>`` lines on stdout and exits 0
when the output is complete (written atomically by the builders themselves).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

Progress = Callable[[float], None]


def build(spec: Mapping[str, Any], progress: Progress) -> None:
    """Run the build the spec names, in this process (the child, and the CLI directly)."""
    # Imported here: the server process only starts children and never loads the builders.
    from recordings.bundle import build_bundle
    from recordings.master_audio import build_master_audio
    from recordings.viewing_copy import Label, build_viewing_copy

    kind = spec["kind"]
    out = Path(spec["out"])
    recordings = [Path(p) for p in spec["recordings"]]
    if kind == "master_audio":
        build_master_audio(recordings, out)
        progress(1.0)
    elif kind == "viewing_copy":
        labels = {pid: Label(name=v["name"], role=v["role"]) for pid, v in spec["labels"].items()}
        build_viewing_copy(recordings, labels, out, progress)
    elif kind == "export":
        build_bundle(
            out,
            hearing=spec["hearing"],
            recordings=recordings,
            public_key_pem=spec["public_key_pem"].encode(),
            audit=spec["audit"],
            viewing_copy=_optional_path(spec.get("viewing_copy")),
            master_audio=_optional_path(spec.get("master_audio")),
            hearing_index=None
            if spec.get("hearing_index") is None
            else str(spec["hearing_index"]).encode(),
            progress=progress,
            time_zone=spec.get("time_zone"),
        )
    else:
        raise ValueError(f"unknown build {kind!r}")


def _optional_path(value: object) -> Path | None:
    return None if value is None else Path(str(value))


def _write_spec(spec: Mapping[str, Any], spec_file: Path) -> None:
    spec_file.parent.mkdir(parents=True, exist_ok=True)
    spec_file.write_text(json.dumps(spec), encoding="utf-8")


async def build_in_child(spec: Mapping[str, Any], spec_file: Path, progress: Progress) -> None:
    """Run ``build`` in a child process, relaying its progress; RuntimeError with the
    child's last words if it fails."""
    await asyncio.to_thread(_write_spec, spec, spec_file)
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.archive.builder",
        str(spec_file),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    errors = asyncio.create_task(child.stderr.read())
    try:
        async for line in child.stdout:
            words = line.decode(errors="replace").split()
            if len(words) == 2 and words[0] == "progress":
                try:
                    progress(float(words[1]))
                except ValueError:
                    continue
        code = await child.wait()
    except asyncio.CancelledError:
        child.kill()
        await child.wait()
        raise
    finally:
        await asyncio.to_thread(spec_file.unlink, missing_ok=True)
    stderr = (await errors).decode(errors="replace").strip()
    if code != 0:
        last = stderr.splitlines()[-1] if stderr else f"exit status {code}"
        raise RuntimeError(f"the build failed: {last}")


def main(argv: Sequence[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    last = -1.0

    def report(fraction: float) -> None:
        nonlocal last
        # Whole per-mille steps: enough for a smooth bar, few enough lines for a pipe.
        if fraction >= 1.0 or fraction - last >= 0.001:
            last = fraction
            print(f"progress {fraction:.4f}", flush=True)

    build(spec, report)
    report(1.0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
