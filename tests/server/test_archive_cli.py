"""``courtroom archive purge`` and ``export`` from a shell, on real recordings."""

from __future__ import annotations

import asyncio
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from server import keys
from server.app import create_app
from server.archive.cli import ProgressBar
from server.cli import main
from server.settings import Settings
from tests.server.api_support import Client, MakeClient, actor_header, as_
from tests.server.archive_support import API, REASON, recorded_hearing


@pytest.fixture
async def client(aiohttp_client: MakeClient, settings: Settings) -> Client:
    app = create_app(settings)
    app.middlewares.append(actor_header)
    return await aiohttp_client(app)


async def test_purge_dry_run_lists_what_would_go_keeps_held_records_and_changes_nothing(
    client: Client, settings: Settings, cli_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    held, _, _ = await recorded_hearing(
        client, settings, case_number="9-1/2026", name="A", cancel=True
    )
    due, _, _ = await recorded_hearing(
        client, settings, case_number="9-2/2026", name="B", cancel=True
    )
    fresh, _, _ = await recorded_hearing(
        client, settings, case_number="9-3/2026", name="C", cancel=True
    )
    # Past its date, but the hearing has not closed: it may still be recording.
    sitting, _, _ = await recorded_hearing(client, settings, case_number="9-5/2026", name="E")
    past = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    for hearing_id, hold in ((held, True), (due, False), (sitting, False)):
        response = await client.put(
            f"{API}/{hearing_id}/retention",
            json={"reason": REASON, "retain_until": past, "legal_hold": hold},
            headers=as_("archivist"),
        )
        assert response.status == 200
    before = sorted(
        p.relative_to(settings.recordings_dir) for p in settings.recordings_dir.rglob("*")
    )

    capsys.readouterr()
    assert await asyncio.to_thread(main, ["archive", "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("hrg_")}
    assert set(lines) == {held, due, sitting}
    assert " delete " in lines[due] and " keep " in lines[held] and "legal hold" in lines[held]
    assert " keep " in lines[sitting] and "the hearing is scheduled" in lines[sitting]
    assert "Dry run: 1 hearing(s) would be deleted; nothing was changed." in out
    after = sorted(
        p.relative_to(settings.recordings_dir) for p in settings.recordings_dir.rglob("*")
    )
    assert after == before

    assert await asyncio.to_thread(main, ["archive", "purge", "--yes"]) == 2  # no reason
    assert (settings.recordings_dir / due).is_dir()
    purge = ["archive", "purge", "--yes", "--reason", "retention period over"]
    assert await asyncio.to_thread(main, purge) == 0
    assert not (settings.recordings_dir / due).exists()
    for kept in (held, fresh, sitting):
        assert (settings.recordings_dir / kept).is_dir()
    audit = client.app[keys.AUDIT].entries
    purges = await audit.page(limit=1000, action="archive.purge")
    assert [e.object for e in purges] == [f"hearing:{due}"]
    assert purges[0].actor.startswith("cli:") and "retention period over" in purges[0].reason
    purged = await audit.page(limit=1000, action="archive.purged")
    assert [e.object for e in purged] == [f"hearing:{due}"]


async def test_purge_refuses_to_run_without_saying_dry_run_or_yes(
    cli_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["archive", "purge"])
    assert exit_.value.code == 2
    assert "--dry-run" in capsys.readouterr().err


async def test_export_writes_a_verifiable_zip_with_a_progress_bar_and_audits_the_reason(
    client: Client,
    settings: Settings,
    cli_environment: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hearing_id, recording_id, _ = await recorded_hearing(
        client, settings, case_number="9-4/2026", name="D"
    )
    out = tmp_path / "record.zip"
    export = ["archive", "export", hearing_id, "--out", str(out), "--reason", REASON]
    assert await asyncio.to_thread(main, export) == 0
    err = capsys.readouterr().err
    assert f"Export of {hearing_id}: 100 %" in err  # not a terminal: a line per tenth
    with zipfile.ZipFile(out) as bundle:
        names = bundle.namelist()
    assert any(n.endswith("/README.md") for n in names)
    assert any(f"recordings/{recording_id}/segment-000001.ogg" in n for n in names)
    exports = await client.app[keys.AUDIT].entries.page(limit=1000, action="archive.export")
    assert [(e.object, e.reason) for e in exports] == [(f"hearing:{hearing_id}", REASON)]
    export[2] = "hrg_none"
    assert await asyncio.to_thread(main, export) == 1


def test_the_progress_bar_redraws_in_place_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = ProgressBar("Viewing copy", screen)
    for fraction in (0.0, 0.004, 0.5, 1.0):
        bar(fraction)
    frames = screen.getvalue().split("\r")[1:]
    assert len(frames) == 3  # 0.4 % shows as 0 %, not redrawn
    assert frames[1] == "Viewing copy [###############...............]  50 %"
    assert frames[2].endswith("100 %\n")
