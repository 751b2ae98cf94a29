"""The pieces of the browser tests that are not fixtures: the server process, test media,
Chromium's flags, and where screenshots go for people to look at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.e2e.hearing_page import HearingPage
from tests.support.serving import wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
IN_NETNS = os.environ.get("E2E_NETNS") == "1"
IN_CI = os.environ.get("CI", "").lower() == "true"
SHOTS_FOR_REVIEW = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/courtroom-shots"))

TONE_HZ = 440.0
SAMPLE_RATE = 48000

# browser-testing.md section 5, plus autoplay with sound without a click (tests only).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--allow-loopback-in-peer-connection",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]

# open_participant(role, *, colour=None, tone=False, token=None, goto=True, deny_camera=False,
#                  through_check=True, on=None)
OpenParticipant = Callable[..., HearingPage]


@dataclass
class Server:
    url: str
    data_dir: Path
    log_path: Path
    hearing_id: str
    links: dict[str, dict[str, str]]
    process: subprocess.Popen[bytes] = field(repr=False)

    def join_url(self, role: str, *, raw_audio: bool = True) -> str:
        return self.join_url_for(self.links[role]["token"], raw_audio=raw_audio)

    def join_url_for(self, token: str, *, raw_audio: bool = True) -> str:
        # rawaudio=1 turns the browser's voice processing off, which would damage the tone.
        return f"{self.url}/join#token={token}" + ("&rawaudio=1" if raw_audio else "")

    def name(self, role: str) -> str:
        return self.links[role]["name"]

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"


def add_staff(server: Server, username: str, *, role: str, name: str, password: str) -> None:
    """Create a staff account with the `courtroom users add` command, as an operator would.

    The running server shares the SQLite database (WAL), so the account can log in at once.
    """
    command = ["users", "add", username, "--role", role, "--name", name, "--password-stdin"]
    created = subprocess.run(
        [sys.executable, "-m", "server.cli", *command],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COURTROOM_DATA_DIR": str(server.data_dir)},
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    if created.returncode != 0:
        pytest.fail(f"`courtroom users add {username}` failed:\n{created.stdout}{created.stderr}")


# An administrator the tests read the audit log as (the bootstrap administrator must change
# its generated password before it may read anything).
AUDITOR = "e2e-auditor"
AUDITOR_PASSWORD = "the auditor's long password"
_auditors: set[Path] = set()


def audit_entries(server: Server, browser: Any, action: str, limit: int = 1000) -> list[Any]:
    """The audit log's entries with ``action``, read through the API as an administrator."""
    if server.data_dir not in _auditors:
        add_staff(
            server, AUDITOR, role="administrator", name="Test Auditor", password=AUDITOR_PASSWORD
        )
        _auditors.add(server.data_dir)
    context = browser.new_context()
    try:
        api = context.request
        login = api.post(
            f"{server.url}/api/v1/session",
            data={"username": AUDITOR, "password": AUDITOR_PASSWORD},
            headers={"Origin": server.url},
        )
        assert login.ok, login.text()
        found = api.get(f"{server.url}/api/v1/audit", params={"action": action, "limit": limit})
        assert found.ok, found.text()
        entries: list[Any] = found.json()["entries"]
        return entries
    finally:
        context.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    wait_until_answering(f"{url}/api/v1/health", process, log)


def write_tone(path: Path, seconds: int = 2) -> Path:
    """A 440 Hz sine, 48 kHz mono s16 (Chromium's fake microphone loops it)."""
    t = np.arange(SAMPLE_RATE * seconds) / SAMPLE_RATE  # whole periods: the loop is seamless
    samples = (0.4 * 32767 * np.sin(2 * np.pi * TONE_HZ * t)).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.tobytes())
    return path


def save_for_review(shot: Path) -> Path:
    """Copy a screenshot to a fixed place where people can look at it after the run."""
    SHOTS_FOR_REVIEW.mkdir(parents=True, exist_ok=True)
    target = SHOTS_FOR_REVIEW / shot.name
    shutil.copyfile(shot, target)
    return target


def watch_for_page_errors(page: Any, problems: list[str]) -> None:
    """Collect the page's uncaught errors and CSP refusals into ``problems``: a page that
    works only because an error went unseen is a failing page."""

    def on_console(message: Any) -> None:
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            problems.append(f"console: {text}")

    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.on("console", on_console)


@contextmanager
def checked_pages(browser: Any, **context_options: Any) -> Iterator[Callable[[], Any]]:
    """Open pages, each in a context of its own (a person of their own); on exit the
    contexts close and any script error or CSP refusal on any page fails the test."""
    contexts: list[Any] = []
    problems: list[str] = []

    def open_() -> Any:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", **context_options
        )
        contexts.append(context)
        page = context.new_page()
        watch_for_page_errors(page, problems)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "the page reported errors:\n" + "\n".join(problems)


def full_screenshot(page: Any, shots_dir: Path, name: str) -> None:
    """A whole-page screenshot, kept for people to look at (save_for_review)."""
    path = shots_dir / name
    page.screenshot(path=str(path), full_page=True)
    save_for_review(path)
