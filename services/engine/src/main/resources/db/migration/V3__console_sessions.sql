-- Console sessions: one per ticket issued; moved by graphics events.
CREATE TABLE console_sessions (
    id              UUID        PRIMARY KEY,
    vm_id           UUID        NOT NULL,   -- no foreign key: the VM may be undefined later
    host_id         TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    channel         TEXT        NOT NULL,
    state           TEXT        NOT NULL CHECK (state IN ('issued', 'connected', 'closed')),
    created_at      TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    connect_seen_at TIMESTAMPTZ,            -- GRAPHICS connect (before authentication)
    client_address  TEXT,
    connected_at    TIMESTAMPTZ,            -- GRAPHICS initialize (authenticated)
    closed_at       TIMESTAMPTZ             -- GRAPHICS disconnect
);
CREATE INDEX console_sessions_vm_id ON console_sessions (vm_id);
