"""The audit log: append-only, hash-chained, verifiable (log.py); its HTTP edge (routes.py).

Everyone records through ``AuditLog.record``; the routes are wired by server.app.
"""

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
    "AuditEntry",
    "AuditLog",
    "ChainBreak",
    "Outcome",
    "Problem",
    "VerifyReport",
    "entry_digest",
]
