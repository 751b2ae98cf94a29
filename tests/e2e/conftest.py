"""Browser tests: the real server as a subprocess, driven by headless Debian Chromium.

One server and one browser serve the whole session; every test opens its own browser
contexts (one per participant) and closes them again. Run inside a network namespace that
has only loopback (E2E_NETNS=1) to prove that media flows over 127.0.0.1 alone:

    unshare -n sh -c 'ip link set lo up && E2E_NETNS=1 PYTHONPATH=. python -m pytest tests/e2e'
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    IN_CI,
    ROOT,
    OpenParticipant,
    Server,
    free_port,
    write_tone,
)
from tests.e2e.hearing_page import HearingPage, camera_script
from tests.e2e.scheduling import Scheduler
from tests.support.serving import courtroom_serving
from tests.support.speech import write_model


def _unavailable(message: str) -> NoReturn:
    # In CI a missing browser is a broken install, not a reason to run nothing.
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`courtroom demo --json`, then `courtroom serve` on a free port, the demo on (as `make
    run` has it), all state in tmp."""
    yield from _serve(tmp_path_factory.mktemp("server"), {})


@pytest.fixture(scope="package")
def speech_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A second server, as an operator runs it with speech to text on: the tests' tone
    recogniser (tests/support/speech.py) stands in for a model, configured the same way."""
    base = tmp_path_factory.mktemp("speech-server")
    yield from _serve(
        base,
        {
            "COURTROOM_SPEECH_MODEL_DIR": str(write_model(base / "model")),
            "COURTROOM_SPEECH_RECOGNISER": "tests.support.speech:tone_recogniser",
        },
    )


def _serve(base: Path, settings: dict[str, str]) -> Iterator[Server]:
    data_dir = base / "data"
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COURTROOM_DATA_DIR": str(data_dir),
        "COURTROOM_HOST": "127.0.0.1",
        "COURTROOM_PORT": str(port),
        "COURTROOM_ICE_HOST_ADDRESSES": "127.0.0.1",
        # The demo hearing and its staff, as make run has them (loopback only).
        "COURTROOM_DEMO": "1",
        # A court of its own name; its zone is the default (Asia/Baku), which the browsers'
        # contexts (UTC, or a zone a test names) do not share.
        "COURTROOM_COURT_NAME": "Baku Court of Grave Crimes",
        **settings,
    }
    demo = subprocess.run(
        [sys.executable, "-m", "server.cli", "demo", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if demo.returncode != 0:
        pytest.fail(f"`courtroom demo --json` failed:\n{demo.stdout}\n{demo.stderr}")
    demo_data = json.loads(demo.stdout)

    log_path = base / "server.log"
    url = f"http://127.0.0.1:{port}"
    with courtroom_serving(env, log_path, url) as process:
        yield Server(
            url=url,
            data_dir=data_dir,
            log_path=log_path,
            hearing_id=demo_data["hearing_id"],
            links=demo_data["links"],
            process=process,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed:
        found = getattr(item, "funcargs", {}).get("server")
        if isinstance(found, Server):
            report.sections.append(("server log (last lines)", found.log_tail()))
    return report


@pytest.fixture(scope="session")
def tone_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tone(tmp_path_factory.mktemp("media") / "tone.wav")


# Package scope, not session: sync Playwright keeps an event loop running on this thread
# while it is open, and the asyncio tests collected after tests/e2e could not start theirs.
@pytest.fixture(scope="package")
def browser(tone_wav: Path) -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _unavailable(f"playwright is not installed: {exc}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*CHROMIUM_FLAGS, f"--use-file-for-fake-audio-capture={tone_wav}"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="package")
def own_hearings(browser: Any, server: Server) -> Iterator[Scheduler]:
    """Schedules hearings of a test's own (REST API, as the demo clerk)."""
    scheduler = Scheduler(browser, server)
    yield scheduler
    scheduler.close()


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def open_participant(browser: Any, server: Server) -> Iterator[OpenParticipant]:
    """Open a join link in a fresh browser context (its own storage, camera and microphone).

    ``colour`` replaces the camera by a solid-colour canvas (all contexts of one browser share
    one fake camera, so colours are what prove who is who); ``tone`` keeps Chromium's fake
    microphone (the 440 Hz file), otherwise the microphone is silent until the page's
    ``window.__voice.speak(true)`` sounds a 220 Hz voice. ``on`` opens the link on another
    server than the session's (``speech_server``); ``timezone_id`` sets the browser's own
    zone (the court's times must not follow it). A role that publishes
    goes through the camera and microphone check with its "Join the hearing" button unless
    ``through_check`` is false. Pages that throw or break the Content-Security-Policy fail
    the test.
    """
    contexts: list[Any] = []
    pages: list[HearingPage] = []

    def open_(
        role: str,
        *,
        colour: str | None = None,
        tone: bool = False,
        token: str | None = None,
        goto: bool = True,
        deny_camera: bool = False,
        through_check: bool = True,
        on: Server | None = None,
        timezone_id: str | None = None,
    ) -> HearingPage:
        context = browser.new_context(
            viewport={"width": 1280, "height": 800},
            **({} if timezone_id is None else {"timezone_id": timezone_id}),
        )
        contexts.append(context)
        context.add_init_script(
            camera_script(colour or "#808080", tone=tone, deny_camera=deny_camera)
        )
        on = server if on is None else on
        url = on.join_url(role) if token is None else on.join_url_for(token)
        hearing_page = HearingPage(context.new_page(), url=url, role=role, context=context)
        pages.append(hearing_page)
        if goto:
            hearing_page.open(through_check=through_check)
        return hearing_page

    yield open_
    for context in contexts:
        with contextlib.suppress(Exception):  # some were closed by the test already
            context.close()
    problems = [f"{p.role}: {problem}" for p in pages for problem in p.problems]
    assert not problems, "the page reported errors:\n" + "\n".join(problems)
