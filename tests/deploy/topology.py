"""The production layout, built on this machine for the tests: a participant's network
namespace joined to the test's own by a veth pair, Caddy (Debian's) in front over HTTPS with
its own certificate authority (``deploy/Caddyfile.internal``, as shipped), and courtroom on a
loopback port behind it.

The participant is at PARTICIPANT_ADDRESS, the server side at SERVER_ADDRESS: neither is
loopback, so a page opened from the participant's namespace is a secure context only
because it is HTTPS with a certificate its browser trusts, as on a court's network.
Namespace names carry the test process's id: ``ip netns`` names are machine-wide, even
when the test runs inside a private network namespace of its own (``make pytest``).
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.harness import IN_CI, ROOT, free_port
from tests.support.serving import START_TIMEOUT_S, courtroom_serving, stop

DEPLOY = ROOT / "deploy"
SUBNET_PREFIX = 24
SERVER_ADDRESS = "10.16.0.1"
PARTICIPANT_ADDRESS = "10.16.0.2"
SITE = "court.test"
# Where Caddy keeps the root of its `tls internal` authority under XDG_DATA_HOME.
CADDY_ROOT_CERT = Path("caddy/pki/authorities/local/root.crt")


def require(tool: str) -> str:
    """The path of a system tool the test cannot do without. In CI its absence is a broken
    install (.ci/run installs it) and fails; elsewhere it skips with the package to install."""
    found = shutil.which(tool)
    if found is None:
        message = f"{tool} is not installed (see the apt list in .ci/run)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


def _run(*command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.strip()}")
    return done


@dataclass(frozen=True)
class Namespace:
    """A network namespace with one veth link to the test's namespace."""

    name: str
    address: str
    peer_address: str

    def command(self, *argv: str) -> list[str]:
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*argv), capture_output=True, text=True, timeout=timeout, check=False
        )


@contextmanager
def participant_namespace() -> Iterator[Namespace]:
    """``ct16p<pid>`` at PARTICIPANT_ADDRESS, linked to SERVER_ADDRESS in this namespace."""
    require("ip")
    if os.geteuid() != 0:
        pytest.fail("the network-namespace tests need root (ip netns add), as make pytest runs")
    name = f"ct16p{os.getpid()}"
    host_end, ns_end = f"c16h{os.getpid()}"[:15], f"c16n{os.getpid()}"[:15]
    _run("ip", "netns", "add", name)
    try:
        _run("ip", "link", "add", host_end, "type", "veth", "peer", "name", ns_end)
        _run("ip", "link", "set", ns_end, "netns", name)
        _run("ip", "addr", "add", f"{SERVER_ADDRESS}/{SUBNET_PREFIX}", "dev", host_end)
        _run("ip", "link", "set", host_end, "up")
        inside = ["ip", "netns", "exec", name]
        _run(*inside, "ip", "addr", "add", f"{PARTICIPANT_ADDRESS}/{SUBNET_PREFIX}", "dev", ns_end)
        _run(*inside, "ip", "link", "set", ns_end, "up")
        _run(*inside, "ip", "link", "set", "lo", "up")
        yield Namespace(name, PARTICIPANT_ADDRESS, SERVER_ADDRESS)
    finally:
        # Deleting the namespace deletes its end of the pair, and with it the other end.
        _run("ip", "netns", "delete", name, check=False)
        _run("ip", "link", "delete", host_end, check=False)


@dataclass
class Courtroom:
    """courtroom serving on a loopback port, as under systemd behind Caddy."""

    direct_url: str  # http://127.0.0.1:<port>, for the test's own health checks
    public_url: str
    data_dir: Path
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def cli(self, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """A ``courtroom`` command against this installation, as its operator runs one."""
        return subprocess.run(
            [sys.executable, "-m", "server.cli", *argv],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def courtroom(
    base: Path, settings: Mapping[str, str], *, trust: Path | None = None
) -> Iterator[Courtroom]:
    """``courtroom serve`` on 127.0.0.1 with ``settings``, its state under ``base``; with
    ``trust`` (a CA certificate) it is expected to serve HTTPS itself."""
    port = free_port()
    data_dir = base / "data"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "COURTROOM_DATA_DIR": str(data_dir),
        "COURTROOM_HOST": "127.0.0.1",
        "COURTROOM_PORT": str(port),
        **settings,
    }
    log_path = base / "courtroom.log"
    direct = f"{'https' if trust else 'http'}://127.0.0.1:{port}"
    context = None if trust is None else ssl.create_default_context(cafile=str(trust))
    with courtroom_serving(env, log_path, direct, context=context) as process:
        yield Courtroom(
            direct_url=direct,
            public_url=env.get("COURTROOM_PUBLIC_URL", direct),
            data_dir=data_dir,
            env=env,
            log_path=log_path,
            process=process,
        )


@dataclass(frozen=True)
class Caddy:
    root_cert: Path  # the `tls internal` authority's root, for clients to trust
    log_path: Path
    https_port: int = 443


@contextmanager
def caddy(
    base: Path,
    upstream: str,
    *,
    https_port: int = 443,
    caddyfile: Path = DEPLOY / "Caddyfile.internal",
) -> Iterator[Caddy]:
    """Debian's Caddy with the shipped Caddyfile, in front of ``upstream`` (host:port), on
    ``https_port`` of every address of this namespace (a private one in make pytest)."""
    binary = require("caddy")
    home = base / "caddy-home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "COURTROOM_SITE": SITE,
        "COURTROOM_UPSTREAM": upstream,
        "COURTROOM_CADDY_ADMIN": "off",
        "COURTROOM_HTTPS_PORT": str(https_port),
        "COURTROOM_HTTP_PORT": str(free_port()),
    }
    log_path = base / "caddy.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [binary, "run", "--config", str(caddyfile), "--adapter", "caddyfile"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    root = home / "data" / CADDY_ROOT_CERT
    try:
        _wait_caddy(root, process, log_path, https_port)
        yield Caddy(root_cert=root, log_path=log_path, https_port=https_port)
    finally:
        stop(process)


def _wait_caddy(root: Path, process: subprocess.Popen[bytes], log: Path, port: int) -> None:
    """Until Caddy answers HTTPS for SITE with a certificate of its own authority."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"caddy exited with {process.returncode}:\n{log.read_text()}")
        if root.exists():
            probe = curl(root, "/api/v1/health", port=port)
            if probe.returncode == 0:
                return
        time.sleep(0.1)  # polling a process that is starting
    pytest.fail(f"caddy did not serve https://{SITE} in {START_TIMEOUT_S:g} s:\n{log.read_text()}")


def curl(
    root_cert: Path,
    path: str,
    *,
    namespace: Namespace | None = None,
    method: str = "GET",
    json_body: str | None = None,
    headers: Mapping[str, str] | None = None,
    port: int = 443,
) -> subprocess.CompletedProcess[str]:
    """curl https://court.test<path> (resolved to SERVER_ADDRESS, verified against
    ``root_cert``), from ``namespace`` or from this one; prints the response's headers, an
    empty line, then its body."""
    argv = [
        "curl",
        "--silent",
        "--show-error",
        "--include",
        "--max-time",
        "20",
        "--cacert",
        str(root_cert),
        "--resolve",
        f"{SITE}:{port}:{SERVER_ADDRESS}",
        "--request",
        method,
    ]
    for name, value in (headers or {}).items():
        argv += ["--header", f"{name}: {value}"]
    if json_body is not None:
        argv += ["--header", "Content-Type: application/json", "--data", json_body]
    argv.append(f"https://{SITE}:{port}{path}")
    if namespace is not None:
        argv = namespace.command(*argv)
    return subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, list[str]]
    body: str


def parse(done: subprocess.CompletedProcess[str]) -> Response:
    """What ``curl --include`` printed, as a status, headers (lower-case names) and body."""
    assert done.returncode == 0, f"curl failed ({done.returncode}): {done.stderr}"
    head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
    status_line, *lines = head.split("\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return Response(int(status_line.split()[1]), headers, body)
