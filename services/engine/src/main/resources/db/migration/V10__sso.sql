-- Kerberos SSO into the guest: the service principal (SPN) pinned per VM and the SSO grants of
-- console sessions. No foreign keys, like the other per-VM tables: a VM row is replaced when the
-- inventory is learned again, and the pin must outlive that.
CREATE TABLE vm_sso (
    vm_id        UUID        PRIMARY KEY,
    -- The pin: the guest's first report, or what a porthole-admin set; NULL until either.
    spn          TEXT        CHECK (spn ~ '^host/[A-Za-z0-9.-]{1,253}@[A-Za-z0-9.-]{1,253}$'
                                    AND length(spn) <= 255),
    source       TEXT        CHECK (source IN ('guest', 'admin')),
    -- 'system' for a first report (the audit row names the host), else the porthole-admin.
    set_by       TEXT,
    set_at       TIMESTAMPTZ,
    -- The guest's latest report that differs from the pin: shown and audited, never used.
    reported_spn TEXT,
    reported_at  TIMESTAMPTZ,
    -- NULL: the engine's default (porthole.sso.delegation).
    delegation   TEXT        CHECK (delegation IN ('never', 'ok-as-delegate', 'always'))
);

-- One row per console session that was also granted SSO: what its SSO token named. The guest's
-- outcome event is audited only for a session that has one.
CREATE TABLE sso_grants (
    session_id UUID        PRIMARY KEY,
    vm_id      UUID        NOT NULL,
    host_id    TEXT        NOT NULL,
    spn        TEXT        NOT NULL,
    delegation TEXT        NOT NULL,
    principal  TEXT        NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL
);
