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
from onramp.runtime.backup.base_backup import (
    BaseBackup,
    BaseBackupCorrupt,
    NotANewDirectory,
    RecoveryPrepared,
    prepare_recovery,
    take_base_backup,
)
from onramp.runtime.backup.envelope import BackupCorrupt, BackupError, new_key, read_key
from onramp.runtime.backup.wal import (
    SegmentAbsent,
    SegmentConflict,
    fetch_segment,
    push_segment,
)

__all__ = [
    "BackupCorrupt",
    "BackupError",
    "BaseBackup",
    "BaseBackupCorrupt",
    "NotANewDirectory",
    "RecoveryPrepared",
    "RestoreTargetNotEmpty",
    "SegmentAbsent",
    "SegmentConflict",
    "Restored",
    "create_backup",
    "fetch_segment",
    "new_key",
    "peek_header",
    "prepare_recovery",
    "push_segment",
    "read_key",
    "restore_backup",
    "take_base_backup",
    "verify_backup",
]
