"""docs/install.md performed on this machine, as far as a test can: its SQL (step 4) and its
settings (step 6) are read from the guide itself, then `courtroom check` (step 7), courtroom
and Caddy started as their units start them (steps 8 and 9, `Caddyfile.internal`: no
public name here), the first administrator's login over HTTPS (step 10) and pinning the
key (step 11).

What differs from a real server, and why: names are made unique (a shared PostgreSQL), the
directories are under the test's tmp (not /var/lib, /opt), courtroom listens on a free port
and the site is court.test; systemd is not PID 1 here, so nothing is enabled, and no
firewall or public certificate is involved.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.topology import (
    DEPLOY,
    SERVER_ADDRESS,
    SITE,
    Namespace,
    caddy,
    courtroom,
    curl,
    parse,
    participant_namespace,
    require,
)
from tests.e2e.harness import IN_CI, ROOT

GUIDE = ROOT / "docs" / "install.md"
SOCKET_DIR = "/var/run/postgresql"


def guide_block(step: str) -> str:
    """The fenced block of the guide marked ``install-step=<step>``."""
    found = re.findall(
        rf"^```\w+ install-step={re.escape(step)}\n(.*?)^```", GUIDE.read_text(), re.M | re.S
    )
    assert len(found) == 1, f"docs/install.md must have one block install-step={step}"
    return str(found[0])


def psql(sql: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require("psql"), "-h", SOCKET_DIR, "-U", "postgres", "-v", "ON_ERROR_STOP=1"],
        input=sql,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def database_name() -> Iterator[str]:
    """Step 4, the guide's SQL with this test's own role and database name."""
    name = f"ct16i_{os.getpid()}"
    created = psql(re.sub(r"\bcourtroom\b", name, guide_block("database")))
    if created.returncode != 0:
        message = f"PostgreSQL did not run the guide's SQL: {created.stderr.strip()}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    yield name
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE);\nDROP ROLE IF EXISTS {name};")


@pytest.fixture(scope="module")
def namespace() -> Iterator[Namespace]:
    with participant_namespace() as found:
        yield found


def installed_settings(base: Path, database: str) -> dict[str, str]:
    """Step 6, the guide's settings, with this machine's paths and names."""
    settings = dict(
        line.split("=", 1) for line in guide_block("settings").splitlines() if line.strip()
    )
    assert settings["COURTROOM_PUBLIC_URL"] == "https://court.example.org"
    assert settings["COURTROOM_HOST"] == "127.0.0.1"
    keys = base / "courtroom-keys"
    keys.mkdir(mode=0o700)
    return settings | {
        "COURTROOM_PUBLIC_URL": f"https://{SITE}",
        "COURTROOM_DATA_DIR": str(base / "courtroom"),
        "COURTROOM_WEB_DIR": str(ROOT / "web"),
        "COURTROOM_RECORD_KEY_FILE": str(keys / Path(settings["COURTROOM_RECORD_KEY_FILE"]).name),
        "COURTROOM_DATABASE_URL": re.sub(
            r"\bcourtroom\b", database, settings["COURTROOM_DATABASE_URL"]
        ),
        "COURTROOM_ICE_HOST_ADDRESSES": SERVER_ADDRESS,
    }


def check(base: Path, settings: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "courtroom"), "check"],
        env={**os.environ, **settings},
        cwd=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


# What depends on the machine the test runs on, not on the installation: whether its
# clock is synchronised, how much disk it has.
MACHINE = {"clock", "disk"}


def findings(output: str, severity: str) -> list[str]:
    topics = [
        line.split(":", 1)[0].split()[-1]
        for line in output.splitlines()
        if line.startswith(severity)
    ]
    return [topic for topic in topics if topic not in MACHINE]


def test_the_installation_guide_from_the_database_to_a_pinned_key(
    tmp_path: Path, database_name: str, namespace: Namespace
) -> None:
    settings = installed_settings(tmp_path, database_name)
    # The port may be taken by another test's server: courtroom's own, free one.
    settings.pop("COURTROOM_PORT")

    # Step 7: before the first start, only the two warnings the guide announces.
    status, output = check(tmp_path, settings)
    assert status == 0, output
    assert findings(output, "ERROR") == [], output
    assert sorted(findings(output, "WARNING")) == ["key", "turn"], output
    assert "database: postgresql+asyncpg://" in output and "answers" in output, output

    # Steps 8 and 9: `courtroom serve` (the unit's ExecStart), Caddy with the shipped file.
    with courtroom(tmp_path, settings) as server:
        upstream = server.direct_url.removeprefix("http://")
        with caddy(tmp_path, upstream, caddyfile=DEPLOY / "Caddyfile.internal") as front:
            # Step 10: the first administrator logs in over HTTPS with the generated password.
            password = (tmp_path / "courtroom" / "initial-admin-password").read_text().strip()
            body = f'{{"username": "admin", "password": "{password}"}}'
            login = parse(
                curl(
                    front.root_cert,
                    "/api/v1/session",
                    namespace=namespace,
                    method="POST",
                    json_body=body,
                    headers={"Origin": f"https://{SITE}"},
                )
            )
            assert login.status == 200, login.body
            session = json.loads(login.body)
            assert session["username"] == "admin", session
            # COURTROOM_ADMIN_TOTP=1 from the guide: a second factor is asked for next.
            assert session["must_enrol_second_factor"] is True, session

        # Step 11: the fingerprint, as the guide has it printed, pinned.
        printed = server.cli("archive", "public-key", "--fingerprint")
        assert printed.returncode == 0, printed.stderr
    fingerprint = printed.stdout.strip()
    pinned = settings | {"COURTROOM_RECORD_KEY_FINGERPRINT": fingerprint}
    status, output = check(tmp_path, pinned)
    assert status == 0, output
    assert findings(output, "WARNING") == ["turn"], output
    assert "the record-signing key is the pinned one" in output
