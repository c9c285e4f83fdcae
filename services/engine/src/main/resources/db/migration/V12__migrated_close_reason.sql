-- A VM that moved to another host (live migration) closes its sessions on the old host
-- ('migrated'): QEMU there is gone, and the old host refuses their tokens.
ALTER TABLE console_sessions DROP CONSTRAINT IF EXISTS console_sessions_close_reason_check;
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_close_reason_check
    CHECK (close_reason IN ('disconnected', 'expired', 'taken-over', 'revoked', 'relay-gone',
                            'host-offline', 'migrated'));
