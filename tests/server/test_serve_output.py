"""What ``courtroom serve`` prints, which a service journal keeps: never a password or a
token, only the paths of the 0600 files that hold them."""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.auth.bootstrap import DEMO_STAFF_FILE, INITIAL_ADMIN_FILE, read_passwords
from server.demo import DEMO_LINKS_FILE
from tests.e2e.harness import free_port
from tests.support.serving import courtroom_serving

ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r"#token=")


class Served:
    def __init__(self, data_dir: Path, log: Path) -> None:
        self.data_dir = data_dir
        self.log = log

    def output(self, until: str, timeout: float = 30.0) -> str:
        """The server's stdout and stderr so far, once ``until`` is in it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log.read_text()
            if until in text or time.monotonic() > deadline:
                return text
            time.sleep(0.1)


def serve(tmp_path: Path, extra: dict[str, str]) -> Iterator[Served]:
    data_dir = tmp_path / "data"
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COURTROOM_")},
        "PYTHONPATH": str(ROOT),
        "COURTROOM_DATA_DIR": str(data_dir),
        "COURTROOM_HOST": "127.0.0.1",
        "COURTROOM_PORT": str(port),
        "COURTROOM_ICE_HOST_ADDRESSES": "127.0.0.1",
        **extra,
    }
    log = tmp_path / "serve.log"
    with courtroom_serving(env, log, f"http://127.0.0.1:{port}"):
        yield Served(data_dir, log)


@pytest.fixture
def served_with_demo(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path, {"COURTROOM_DEMO": "1"})


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """``courtroom serve`` as a court runs it: no COURTROOM_DEMO at all."""
    yield from serve(tmp_path, {})


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_serve_prints_where_the_secrets_are_never_the_secrets(served_with_demo: Served) -> None:
    data_dir = served_with_demo.data_dir
    printed = served_with_demo.output(until=DEMO_STAFF_FILE)

    admin_file = data_dir / INITIAL_ADMIN_FILE
    staff_file = data_dir / DEMO_STAFF_FILE
    links_file = data_dir / DEMO_LINKS_FILE
    for path in (admin_file, staff_file, links_file):
        assert str(path) in printed
        assert mode(path) == 0o600
    secrets = [admin_file.read_text().strip(), *read_passwords(staff_file).values()]
    assert len(secrets) == 3 and all(secrets)
    for secret in secrets:
        assert secret not in printed
    assert not TOKEN.search(printed)
    links = links_file.read_text()
    assert len(TOKEN.findall(links)) == 5
    for token in re.findall(r"#token=(\S+)", links):
        assert token not in printed


def test_serve_starts_without_the_demo(served: Served) -> None:
    data_dir = served.data_dir
    printed = served.output(until=INITIAL_ADMIN_FILE)

    assert "Demo off" in printed
    assert not (data_dir / DEMO_LINKS_FILE).exists()
    assert not (data_dir / DEMO_STAFF_FILE).exists()
    assert mode(data_dir / INITIAL_ADMIN_FILE) == 0o600
    assert (data_dir / INITIAL_ADMIN_FILE).read_text().strip() not in printed
    assert "1-123/2026" not in printed
