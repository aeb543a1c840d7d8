"""Backups of onramp's state and their restore (``onramp backup``;
docs/runbooks/backup-restore.md)."""

from onramp.runtime.backup.archive import (
    Restored,
    RestoreTargetNotEmpty,
    create_backup,
    peek_header,
    restore_backup,
    verify_backup,
)
from onramp.runtime.backup.envelope import BackupCorrupt, BackupError, new_key, read_key

__all__ = [
    "BackupCorrupt",
    "BackupError",
    "RestoreTargetNotEmpty",
    "Restored",
    "create_backup",
    "new_key",
    "peek_header",
    "read_key",
    "restore_backup",
    "verify_backup",
]
