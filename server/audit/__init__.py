"""The audit log: append-only, hash-chained, verifiable (log.py); signed checkpoints of its
head kept outside the database (checkpoints.py); its HTTP edge (routes.py).

Everyone records through ``AuditLog.record``; the routes and the checkpoints' periodic task
are wired by server.app.
"""

from server.audit.checkpoints import (
    AnchorBroken,
    AuditCheckpoints,
    Checkpoint,
    verify_anchored,
)
from server.audit.log import (
    GENESIS,
    AuditLog,
    ChainBreak,
    Outcome,
    Problem,
    VerifyReport,
    entry_digest,
)
from server.persistence.repositories.audit import AuditEntry

__all__ = [
    "GENESIS",
    "AnchorBroken",
    "AuditCheckpoints",
    "AuditEntry",
    "AuditLog",
    "ChainBreak",
    "Checkpoint",
    "Outcome",
    "Problem",
    "VerifyReport",
    "entry_digest",
    "verify_anchored",
]
