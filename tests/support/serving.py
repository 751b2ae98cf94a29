"""`courtroom serve` as a process of a test's own: started, waited for, stopped.

The browser tests, the production layout's, the network's and the server's own command-line
tests all run the real server this way; one copy of how.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0


def wait_until_answering(
    check_url: str,
    process: subprocess.Popen[bytes],
    log: Path,
    what: str = "the server",
    context: ssl.SSLContext | None = None,
) -> None:
    """Until ``check_url`` answers 200; the test fails, with the log, if the process ends or
    START_TIMEOUT_S passes first."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"{what} exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(check_url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)  # the polling interval of a health check
    pytest.fail(
        f"{what} did not answer {check_url} in {START_TIMEOUT_S:g} s:\n"
        + log.read_text(errors="replace")
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (the server seals its recordings), then SIGKILL if it takes too long."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def courtroom_serving(
    env: Mapping[str, str],
    log_path: Path,
    base_url: str,
    *,
    context: ssl.SSLContext | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """`courtroom serve` with ``env``, its output in ``log_path``, answering at ``base_url``
    for the block, then stopped."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve"],
            cwd=ROOT,
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"{base_url}/api/v1/health", process, log_path, "courtroom", context)
        yield process
    finally:
        stop(process)
