"""The TURN topology's fixtures: namespaces and firewall, coturn, the courtroom server on
10.17.0.1 with TURN configured, and Chromium launched inside the participant's namespace.

Building namespaces needs root (``make pytest`` runs as root in CI); without it, or without
coturn or iptables, these tests fail rather than skip, as every missing service does in CI.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.harness import CHROMIUM, CHROMIUM_FLAGS, ROOT, Server, write_tone
from tests.e2e.hearing_page import HearingPage
from tests.network.stats import CAMERA_30FPS
from tests.network.topology import (
    LOSSY_GATEWAY_IP,
    LOSSY_PARTICIPANT_IP,
    SERVER_IP,
    TURN_IP,
    TURN_PORT,
    TURN_TLS_PORT,
    Coturn,
    LossyLink,
    Topology,
    make_certificates,
)
from tests.support.serving import courtroom_serving

SECRET = "courtroom-e2e-turn-secret"
BENCH_ROLES = ("judge", "clerk")  # in the hearing room from the start
WEB_PORT = 8417
PLAIN_WEB_PORT = 8418
DELAYED_WEB_PORT = 8419
# The delay with jitter of issue 16, on the impaired participant's TURN leg.
DELAY_RELAY_PORT = 3479
DELAY_MS = 150
JITTER_MS = 30
DELAYED_TURN_URL = f"turn:{LOSSY_GATEWAY_IP}:{DELAY_RELAY_PORT}?transport=udp"
MEDIA_PORTS = (50000, 50100)
TURN_URLS = (
    f"turn:{TURN_IP}:{TURN_PORT}?transport=udp",
    f"turn:{TURN_IP}:{TURN_PORT}?transport=tcp",
    f"turns:{TURN_IP}:{TURN_TLS_PORT}?transport=tcp",
)


def spki_hash(cert: Path) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)) of ``cert``, as Chromium's SPKI list wants it."""
    der = subprocess.run(
        f"openssl x509 -in {cert} -pubkey -noout | openssl pkey -pubin -outform der",
        shell=True,
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@dataclass
class TurnWorld:
    topology: Topology
    coturn: Coturn
    ca_cert: Path
    turn_cert: Path


@pytest.fixture(scope="package")
def turn_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TurnWorld]:
    for tool in ("ip", "iptables", "openssl", "turnserver"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (.ci/run installs iproute2, iptables, coturn)")
    if os.geteuid() != 0:
        pytest.fail("the TURN topology needs root to create network namespaces")
    base = tmp_path_factory.mktemp("turn")
    ca_cert, turn_cert, turn_key = make_certificates(base / "certs")
    topology = Topology(web_port=WEB_PORT)
    coturn = Coturn(secret=SECRET, directory=base)
    try:
        topology.build()
        coturn.start(turn_cert, turn_key)
        yield TurnWorld(topology=topology, coturn=coturn, ca_cert=ca_cert, turn_cert=turn_cert)
    finally:
        coturn.stop()
        topology.close()


@pytest.fixture(scope="package")
def turn_server(
    turn_world: TurnWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """courtroom on 10.17.0.1 as a court runs it with TURN: relay forced, media ports fixed."""
    yield from serve(
        tmp_path_factory.mktemp("turn-server"),
        WEB_PORT,
        {
            "COURTROOM_TURN_SECRET": SECRET,
            "COURTROOM_TURN_URLS": ",".join(TURN_URLS),
            "COURTROOM_TURN_TTL": "600",
            "COURTROOM_TURN_RELAY_ONLY": "1",
        },
    )


@pytest.fixture(scope="package")
def plain_server(
    turn_world: TurnWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """courtroom on 10.17.0.1 without TURN: participants reach it over UDP directly."""
    yield from serve(tmp_path_factory.mktemp("plain-server"), PLAIN_WEB_PORT, {})


@pytest.fixture
def delayed_link(turn_world: TurnWorld, lossy_link: LossyLink) -> Iterator[LossyLink]:
    """The impaired link with a delay and jitter on its TURN leg: tests/network/delay_relay.py
    on the link's gateway, relaying to coturn, and the link's UDP allowed only there, so all
    the participant's media crosses it (with ``delayed_server``, which names it as TURN)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.network.delay_relay",
         f"{LOSSY_GATEWAY_IP}:{DELAY_RELAY_PORT}", f"{TURN_IP}:{TURN_PORT}",
         str(DELAY_MS), str(JITTER_MS)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            pytest.fail("the delay relay did not start")
        lossy_link.udp_only_to(LOSSY_GATEWAY_IP, DELAY_RELAY_PORT)
        yield lossy_link
    finally:
        lossy_link.udp_only_to(None)
        process.terminate()
        process.communicate(timeout=10)


@pytest.fixture(scope="package")
def delayed_server(
    turn_world: TurnWorld, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """courtroom on 10.17.0.1 whose only TURN server is the delay relay's address: the
    participant whose UDP may go only there reaches the relay through it; the others go
    straight (host candidates first)."""
    yield from serve(
        tmp_path_factory.mktemp("delayed-server"),
        DELAYED_WEB_PORT,
        {"COURTROOM_TURN_SECRET": SECRET, "COURTROOM_TURN_URLS": DELAYED_TURN_URL},
    )


def serve(base: Path, port: int, settings: dict[str, str]) -> Iterator[Server]:
    """`courtroom serve` on 10.17.0.1:``port`` with the demo's hearing and links.

    The demo's hearing and links are made first on loopback (the demo refuses any other
    address); the server then serves them on 10.17.0.1 with the demo off.
    """
    data_dir = base / "data"
    common = {**os.environ, "PYTHONPATH": str(ROOT), "COURTROOM_DATA_DIR": str(data_dir)}
    demo = subprocess.run(
        [sys.executable, "-m", "server.cli", "demo", "--json"],
        cwd=ROOT,
        env={**common, "COURTROOM_DEMO": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if demo.returncode != 0:
        pytest.fail(f"`courtroom demo --json` failed:\n{demo.stdout}\n{demo.stderr}")
    demo_data = json.loads(demo.stdout)
    url = f"http://{SERVER_IP}:{port}"
    env = {
        **common,
        "COURTROOM_HOST": SERVER_IP,
        "COURTROOM_PORT": str(port),
        "COURTROOM_PUBLIC_URL": url,
        "COURTROOM_ICE_HOST_ADDRESSES": SERVER_IP,
        "COURTROOM_MEDIA_PORTS": f"{MEDIA_PORTS[0]}-{MEDIA_PORTS[1]}",
        **settings,
    }
    log_path = base / "server.log"
    with courtroom_serving(env, log_path, url) as process:
        yield Server(
            url=url,
            data_dir=data_dir,
            log_path=log_path,
            hearing_id=demo_data["hearing_id"],
            links=demo_data["links"],
            process=process,
        )


@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Any]:
    """One Playwright for every browser of this package (the sync API allows one at a time;
    the browser tests of tests/e2e have closed theirs by the time this package runs)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


def launch_chromium(
    playwright: Any, base: Path, namespace: str | None, origins: list[str], *extra: str
) -> Any:
    """Debian's Chromium, inside ``namespace`` if given (a wrapper Playwright starts
    instead of the browser: the DevTools pipe crosses namespaces unchanged)."""
    base.mkdir(parents=True, exist_ok=True)
    executable = CHROMIUM
    if namespace is not None:
        executable = base / "chromium-in-netns"
        executable.write_text(f'#!/bin/sh\nexec ip netns exec {namespace} {CHROMIUM} "$@"\n')
        executable.chmod(0o755)
    tone = write_tone(base / "tone.wav")
    return playwright.chromium.launch(
        executable_path=str(executable),
        headless=True,
        args=[
            *CHROMIUM_FLAGS,
            f"--use-file-for-fake-audio-capture={tone}",
            # http://10.17.0.1 is not a secure context; HTTPS is the proxy's part (Caddy).
            f"--unsafely-treat-insecure-origin-as-secure={','.join(origins)}",
            *extra,
        ],
    )


@contextmanager
def hearing_pages(
    playwright: Any,
    server: Server,
    dirs: Callable[[str], Path],
    where: dict[str, str | None],
) -> Iterator[dict[str, HearingPage]]:
    """A Chromium per role, in the network namespace ``where`` names for it (None: the
    test's own, a clean link), each joined with a moving 30 fps camera and the
    tone; the clerk admits whoever waits, and every page sees every other's video."""
    origins = [server.url]
    browsers: list[Any] = []
    pages: dict[str, HearingPage] = {}
    try:
        for role, namespace in where.items():
            browser = launch_chromium(playwright, dirs(role), namespace, origins)
            browsers.append(browser)
            context = browser.new_context(viewport={"width": 960, "height": 600})
            context.add_init_script(CAMERA_30FPS)
            pages[role] = HearingPage(
                context.new_page(), url=server.join_url(role), role=role, context=context
            )
            pages[role].open()
        for page in pages.values():
            page.wait_joined()
        pages["clerk"].admit(*(page for role, page in pages.items() if role not in BENCH_ROLES))
        for role, page in pages.items():
            page.wait_for_remote_video([other for other in pages if other != role], 30_000)
        yield pages
    finally:
        for page in pages.values():
            page.close()
        for browser in browsers:
            browser.close()


@contextmanager
def judge_and_clerk(
    playwright: Any, server: Server, link: LossyLink, dirs: Callable[[str], Path]
) -> Iterator[dict[str, HearingPage]]:
    """The judge's Chromium on a clean link and the clerk's in ``link``'s namespace, its media
    straight to the relay over that link."""
    with hearing_pages(playwright, server, dirs, {"judge": None, "clerk": link.namespace}) as pages:
        pair = pages["clerk"].selected_pair()
        assert pair is not None and pair["local"].startswith(f"{LOSSY_PARTICIPANT_IP}:"), pair
        yield pages


@pytest.fixture(scope="package")
def firewalled_browser(
    playwright_driver: Any,
    turn_world: TurnWorld,
    turn_server: Server,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """Chromium in the namespace whose firewall lets only TURN/TLS and the web port out."""
    browser = launch_chromium(
        playwright_driver,
        tmp_path_factory.mktemp("firewalled-browser"),
        turn_world.topology.namespace,
        [turn_server.url],
        # Trust coturn's test certificate (by its key), as a browser trusts a court's
        # publicly issued one: TURN/TLS is verified like any other TLS.
        f"--ignore-certificate-errors-spki-list={spki_hash(turn_world.turn_cert)}",
    )
    yield browser
    browser.close()


@pytest.fixture(scope="package")
def lossy_link(turn_world: TurnWorld) -> Iterator[LossyLink]:
    link = LossyLink()
    try:
        link.build()
        yield link
    finally:
        link.close()


@pytest.fixture
def browser_dirs(tmp_path: Path) -> Any:
    """A directory per browser a test launches (its wrapper and test media)."""
    return lambda name: tmp_path / name
