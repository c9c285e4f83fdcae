-- The VM inventory, learned through ListDomains and kept current by lifecycle events.
CREATE TABLE vms (
    id               UUID        PRIMARY KEY,
    host_id          TEXT        NOT NULL,
    name             TEXT        NOT NULL,
    state            TEXT        NOT NULL,
    graphics_type    TEXT,                   -- NULL: no graphics device
    graphics_exposed BOOLEAN     NOT NULL DEFAULT FALSE,
    password_capable BOOLEAN     NOT NULL DEFAULT FALSE,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX vms_host_id ON vms (host_id);
