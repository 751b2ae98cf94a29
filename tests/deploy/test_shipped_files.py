"""The files deploy/ ships are what the installation guide copies: the systemd unit must be
one systemd accepts, the example settings must be settings courtroom accepts, and both
Caddyfiles must be ones Caddy accepts, proxying to courtroom's loopback port."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from server.settings import Settings
from tests.deploy.topology import DEPLOY, require
from tests.e2e.harness import ROOT

INSTALLED = "/opt/courtroom/.venv/bin/courtroom"


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines as systemd's EnvironmentFile reads them (comments and blanks skipped)."""
    env: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def test_the_systemd_unit_is_one_systemd_accepts(tmp_path: Path) -> None:
    analyze = require("systemd-analyze")
    unit = (DEPLOY / "systemd" / "courtroom.service").read_text()
    assert f"ExecStart={INSTALLED} serve" in unit
    assert f"ExecStartPre={INSTALLED} check" in unit
    # systemd-analyze checks that the commands exist: this checkout's stand in for /opt's.
    local = tmp_path / "courtroom.service"
    local.write_text(unit.replace(INSTALLED, str(ROOT / ".venv" / "bin" / "courtroom")))
    verified = subprocess.run(
        [analyze, "verify", str(local)], capture_output=True, text=True, timeout=60, check=False
    )
    assert verified.returncode == 0, verified.stderr
    # Unknown or misspelt directives are warnings, not a failing exit: none may be printed.
    complaints = [line for line in verified.stderr.splitlines() if "courtroom.service" in line]
    assert not complaints, verified.stderr


def test_the_example_settings_are_settings_courtroom_accepts(tmp_path: Path) -> None:
    env = read_env_file(DEPLOY / "courtroom.env")
    assert env["COURTROOM_WEB_DIR"] == "/opt/courtroom/web"
    # The installation's directories, here under tmp_path (they must exist).
    (tmp_path / "keys").mkdir()
    env |= {
        "COURTROOM_DATA_DIR": str(tmp_path / "data"),
        "COURTROOM_WEB_DIR": str(ROOT / "web"),
        "COURTROOM_RECORD_KEY_FILE": str(tmp_path / "keys" / "key.pem"),
    }
    settings = Settings.from_env(env)
    assert settings.host == "127.0.0.1", "behind Caddy, courtroom listens on loopback only"
    assert settings.public_url.startswith("https://")
    assert not settings.demo
    assert [str(n) for n in settings.trusted_proxies] == ["127.0.0.1/32", "::1/128"]


@pytest.mark.parametrize("name", ["Caddyfile", "Caddyfile.internal"])
def test_each_caddyfile_proxies_everything_to_courtroom_on_loopback(name: str) -> None:
    caddy = require("caddy")
    adapted = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / name), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert adapted.returncode == 0, adapted.stderr
    config = json.loads(adapted.stdout)
    text = json.dumps(config)
    assert '"dial": "127.0.0.1:8080"' in text, text
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"]
    internal = "internal" in text and '"module": "internal"' in text
    assert internal == (name == "Caddyfile.internal"), text
