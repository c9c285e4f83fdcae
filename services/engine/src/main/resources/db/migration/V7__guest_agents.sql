-- Guest agents (issue 4): what each VM's guest agent last reported (topic porthole.guests.v1),
-- the console policy the engine owns per VM and pushes to the VM's host agent, and what became
-- of every disconnect action (the audit trail of lock-screen and friends).
CREATE TABLE guest_states (
    vm_id            UUID        PRIMARY KEY,   -- no foreign key: the VM may be listed later or undefined
    host_id          TEXT        NOT NULL,
    channel          BOOLEAN     NOT NULL,      -- the domain has the control channel
    connected        BOOLEAN     NOT NULL,
    responsive       BOOLEAN     NOT NULL,
    agent_version    TEXT        NOT NULL,
    protocol_version INTEGER     NOT NULL,
    hostname         TEXT        NOT NULL,
    os_name          TEXT        NOT NULL,
    users            TEXT[]      NOT NULL,
    ips              TEXT[]      NOT NULL,
    session          TEXT        NOT NULL CHECK (session IN ('unknown', 'unlocked', 'locked', 'logged-off')),
    locked           BOOLEAN     NOT NULL,      -- only ever true while responsive
    reported_at      TIMESTAMPTZ NOT NULL       -- the event's time: an older event never overwrites a newer one
);

CREATE TABLE console_policies (
    vm_id              UUID        PRIMARY KEY,
    disconnect_action  TEXT        NOT NULL
        CHECK (disconnect_action IN ('lock-screen', 'log-off', 'shutdown', 'reboot', 'none')),
    grace_ms           INTEGER     NOT NULL CHECK (grace_ms BETWEEN 0 AND 60000),
    reconnect_window_s INTEGER     NOT NULL CHECK (reconnect_window_s BETWEEN 0 AND 600),
    updated_at         TIMESTAMPTZ NOT NULL,
    pushed_at          TIMESTAMPTZ               -- when the host agent last took it; NULL: not yet
);

CREATE TABLE disconnect_actions (
    event_id    TEXT        PRIMARY KEY,
    vm_id       UUID        NOT NULL,
    host_id     TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    confirmed   BOOLEAN     NOT NULL,
    reason      TEXT        NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX disconnect_actions_vm ON disconnect_actions (vm_id, occurred_at DESC);
