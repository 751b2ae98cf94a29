"""Upgrade tests: bring a test's database to just before one migration, put in the rows an
older release wrote, then migrate to the newest schema and read them back."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.script import ScriptDirectory

from server.persistence.database import alembic_config


async def upgrade_to_just_before(database_url: str, migration_file_suffix: str) -> None:
    """Migrate to the revision before the one whose file ends in ``migration_file_suffix``
    (found by name, so a renumbered migration is still found)."""
    config = alembic_config(database_url)
    ours = next(
        script
        for script in ScriptDirectory.from_config(config).walk_revisions()
        if script.path.endswith(migration_file_suffix)
    )
    assert isinstance(ours.down_revision, str)
    await asyncio.to_thread(command.upgrade, config, ours.down_revision)
