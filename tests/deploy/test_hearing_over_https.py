"""A hearing over HTTPS through Caddy, from a browser on another network namespace.

Chromium runs inside the participant's namespace (10.16.0.2) and opens
https://court.test, which resolves to the server's side of the link (10.16.0.1): Caddy with
the shipped ``Caddyfile.internal``, courtroom behind it on 127.0.0.1. Chromium trusts
Caddy's local certificate authority the way a court's workstation would be told to, through
its NSS database (certutil), not by ignoring certificate errors. Nothing here is loopback to
the browser, so camera and microphone work only because the page is a secure context; the
media go to the server's address on the link, and the judge's recording holds the
defendant's tone.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.deploy.topology import (
    PARTICIPANT_ADDRESS,
    SERVER_ADDRESS,
    SITE,
    Caddy,
    Courtroom,
    Namespace,
    caddy,
    courtroom,
    participant_namespace,
    require,
)
from tests.e2e.harness import CHROMIUM, CHROMIUM_FLAGS, TONE_HZ, save_for_review, write_tone
from tests.e2e.hearing_page import COLOURS, WAIT_MS, HearingPage, camera_script
from tests.support.master import decode_mono

pytestmark = pytest.mark.e2e

ORIGIN = f"https://{SITE}"
CLERK, CLERK_PASSWORD = "https-clerk", "the https clerk's long password"
JUDGE, JUDGE_PASSWORD = "https-judge", "the https judge's long password"
CAST = {"judge": "Judith Secure", "defendant": "Dmitri Remote"}
RECORD_S = 4.0


@dataclass(frozen=True)
class Hearing:
    id: str
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def namespace() -> Iterator[Namespace]:
    with participant_namespace() as found:
        yield found


@pytest.fixture(scope="module")
def installation(
    tmp_path_factory: pytest.TempPathFactory, namespace: Namespace
) -> Iterator[tuple[Courtroom, Caddy]]:
    base = tmp_path_factory.mktemp("https-hearing")
    settings = {
        "COURTROOM_PUBLIC_URL": ORIGIN,
        "COURTROOM_TRUSTED_PROXIES": "127.0.0.1,::1",
        # The server's address on the participant's link: its only ICE host candidate.
        "COURTROOM_ICE_HOST_ADDRESSES": SERVER_ADDRESS,
    }
    with courtroom(base, settings) as server:
        for username, role, password in (
            (CLERK, "clerk", CLERK_PASSWORD),
            (JUDGE, "judge", JUDGE_PASSWORD),
        ):
            added = server.cli(
                "users", "add", username, "--role", role, "--name", username, "--password-stdin",
                stdin=password + "\n",
            )  # fmt: skip
            assert added.returncode == 0, added.stderr
        with caddy(base, server.direct_url.removeprefix("http://")) as front:
            yield server, front


def _trusting_home(home: Path, root_cert: Path) -> Path:
    """A HOME whose NSS database (Chromium's trust store on Linux) trusts ``root_cert``."""
    certutil = require("certutil")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    for argv in (
        [certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"],
        [certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "court CA", "-i", str(root_cert)],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        assert done.returncode == 0, f"{argv}: {done.stderr}"
    return home


def _chromium_in(namespace: Namespace, directory: Path) -> Path:
    """A wrapper Playwright launches as its browser: Debian's Chromium inside the namespace
    (the pipe Playwright talks over is inherited, so no port has to cross the link)."""
    wrapper = directory / "chromium-in-namespace"
    command = " ".join(namespace.command(str(CHROMIUM)))
    wrapper.write_text(f'#!/bin/sh\nexec {command} "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


@pytest.fixture(scope="module")
def participant_browser(
    tmp_path_factory: pytest.TempPathFactory,
    namespace: Namespace,
    installation: tuple[Courtroom, Caddy],
) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    _, front = installation
    base = tmp_path_factory.mktemp("participant")
    home = _trusting_home(base / "home", front.root_cert)
    tone = write_tone(base / "tone.wav")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(_chromium_in(namespace, base)),
            headless=True,
            env={**os.environ, "HOME": str(home)},
            args=[
                *CHROMIUM_FLAGS,
                f"--use-file-for-fake-audio-capture={tone}",
                # The court's DNS name, as the court's DNS would answer it.
                f"--host-resolver-rules=MAP {SITE} {SERVER_ADDRESS}",
            ],
        )
        try:
            yield browser
        finally:
            browser.close()


# The page's own fetch, same origin: the clerk's browser keeps the session cookie.
_POST = """
async ([path, data]) => {
  const response = await fetch(path, {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify(data),
  });
  return {status: response.status, body: await response.json()};
}
"""


def test_a_browser_not_told_to_trust_the_courts_ca_refuses_the_page(
    tmp_path: Path, namespace: Namespace, installation: tuple[Courtroom, Caddy]
) -> None:
    """The trust in the hearing test comes from the NSS database and nothing else. (Defined
    before the hearing test: sync Playwright cannot start while the module's browser runs.)"""
    from playwright.sync_api import Error, sync_playwright

    (tmp_path / "home").mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(_chromium_in(namespace, tmp_path)),
            headless=True,
            env={**os.environ, "HOME": str(tmp_path / "home")},
            args=[*CHROMIUM_FLAGS, f"--host-resolver-rules=MAP {SITE} {SERVER_ADDRESS}"],
        )
        try:
            page = browser.new_page()
            with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
                page.goto(f"{ORIGIN}/login")
        finally:
            browser.close()


def _schedule(browser: Any) -> Hearing:
    """The clerk schedules a hearing through the API from a page of their own, in the
    participant's namespace (Playwright's own HTTP client runs outside it)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{ORIGIN}/login")

        def post(path: str, data: dict[str, Any]) -> dict[str, Any]:
            answer = page.evaluate(_POST, [path, data])
            assert answer["status"] in (200, 201), f"{path}: {answer}"
            body: dict[str, Any] = answer["body"]
            return body

        post("/api/v1/session", {"username": CLERK, "password": CLERK_PASSWORD})
        hearing = post(
            "/api/v1/hearings",
            {
                "case_number": f"16-{datetime.now(UTC):%H%M%S}/https",
                "title": "A hearing over HTTPS",
                "court": "Remote District Court",
                "courtroom": "Courtroom 16",
                "presiding_judge": JUDGE,
                "scheduled_start": datetime.now(UTC).replace(microsecond=0).isoformat(),
                "duration_minutes": 60,
            },
        )
        base = f"/api/v1/hearings/{hearing['id']}/participants"
        tokens = {}
        for role, name in CAST.items():
            if role == "judge":
                continue  # the bench gets no link: the judge joins from their own session
            added = post(base, {"name": name, "role": role})
            tokens[role] = post(f"{base}/{added['id']}/links", {})["token"]
        post("/api/v1/session", {"username": JUDGE, "password": JUDGE_PASSWORD})
        tokens["judge"] = post(f"/api/v1/hearings/{hearing['id']}/bench", {})["token"]
        return Hearing(hearing["id"], tokens)
    finally:
        context.close()


def _open(browser: Any, role: str, token: str, colour: str, *, tone: bool) -> HearingPage:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(camera_script(colour, tone=tone))
    page = HearingPage(
        context.new_page(), url=f"{ORIGIN}/join#token={token}&rawaudio=1", role=role,
        context=context,
    )  # fmt: skip
    page.open()
    return page


def _peak_hz(samples: np.ndarray, rate: int) -> float:
    window = samples * np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(window))
    spectrum[: int(50 * len(samples) / rate)] = 0  # ignore DC and rumble below 50 Hz
    return float(np.argmax(spectrum) * rate / len(samples))


def test_a_hearing_over_https_from_another_network_is_seen_heard_and_recorded(
    installation: tuple[Courtroom, Caddy],
    participant_browser: Any,
    tmp_path: Path,
) -> None:
    server, _ = installation
    hearing = _schedule(participant_browser)
    judge = _open(participant_browser, "judge", hearing.tokens["judge"], COLOURS["red"], tone=False)
    defendant = _open(
        participant_browser, "defendant", hearing.tokens["defendant"], COLOURS["green"], tone=True
    )
    try:
        # A real secure context on a name that is not localhost: the reason camera and
        # microphone are allowed at all.
        where = defendant.page.evaluate("() => [window.isSecureContext, location.origin]")
        assert where == [True, ORIGIN], where
        judge.admit(defendant)
        judge.wait_for_remote_video(["defendant"])
        defendant.wait_for_remote_video(["judge"])
        assert defendant.state()["publishing"] == {"audio": True, "video": True}

        # Media cross the link between the namespaces: the browser's side is the
        # participant's address, the server's is the one it was told to offer.
        for page in (judge, defendant):
            pair = page.selected_pair()
            assert pair is not None, f"{page.role} has no selected ICE candidate pair"
            assert pair["local"].startswith(f"{PARTICIPANT_ADDRESS}:"), (page.role, pair)
            assert pair["remote"].startswith(f"{SERVER_ADDRESS}:"), (page.role, pair)

        judge.page.get_by_role("button", name="Start recording").click()
        for page in (judge, defendant):
            page.page.locator("#recording-badge").wait_for(state="visible", timeout=WAIT_MS)
        recording_id = judge.state()["recording"]["id"]
        time.sleep(RECORD_S)  # the length of the recording, not a wait for a state
        judge.page.get_by_role("button", name="Stop recording").click()
        for page in (judge, defendant):
            page.page.locator("#recording-badge").wait_for(state="hidden", timeout=WAIT_MS)
        save_for_review(judge.screenshot(tmp_path / "https-hearing-judge.png"))
    finally:
        judge.close()
        defendant.close()
    assert not judge.problems and not defendant.problems, judge.problems + defendant.problems
    # Signaling went over Caddy's proxied WebSocket (the page asks for no other transport):
    # courtroom's access log has the upgrades, one per page, written as each one closes.
    upgrade = re.compile(r'"GET /socket\.io/\?[^"]*transport=websocket[^"]*" 101 ')
    deadline = time.monotonic() + WAIT_MS / 1000
    while len(upgrade.findall(server.log())) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)  # polling a log file another process writes
    assert len(upgrade.findall(server.log())) >= 2, server.log()[-2000:]

    found = list((server.data_dir / "recordings").glob(f"*/{recording_id}"))
    assert len(found) == 1, f"no recording {recording_id}"
    samples, rate = decode_mono(found[0])
    assert len(samples) / rate >= RECORD_S - 0.5, len(samples) / rate
    steady = samples[int(0.5 * rate) :]  # the tone may start a few frames in
    peak = _peak_hz(steady, rate)
    rms = float(np.sqrt(np.mean(steady**2)))
    print(
        f"\nrecorded {len(samples) / rate:.2f} s over HTTPS: FFT peak {peak:.1f} Hz, RMS {rms:.3f}"
    )
    assert abs(peak - TONE_HZ) <= 5, peak
    assert rms > 0.05, rms  # the tone at 0.4 of full scale arrives well above silence
