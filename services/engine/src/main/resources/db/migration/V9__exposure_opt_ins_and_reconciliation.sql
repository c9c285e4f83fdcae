-- VMs whose VNC listens beyond loopback (reachable around Porthole) get console tickets only
-- while a porthole-admin has opted them in; the row is that decision (audited both ways).
-- No foreign key: the opt-in outlives the VM row, which an inventory relearn replaces.
CREATE TABLE exposed_console_opt_ins (
    vm_id       UUID        PRIMARY KEY,
    opted_in_by TEXT        NOT NULL,
    opted_in_at TIMESTAMPTZ NOT NULL
);

-- Reconciliation closes sessions whose relay is gone ('relay-gone': the host agent no longer
-- relays them, e.g. a lost DISCONNECT or a restarted agent) or whose host went offline
-- ('host-offline').
ALTER TABLE console_sessions DROP CONSTRAINT IF EXISTS console_sessions_close_reason_check;
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_close_reason_check
    CHECK (close_reason IN ('disconnected', 'expired', 'taken-over', 'revoked', 'relay-gone', 'host-offline'));
