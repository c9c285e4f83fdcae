-- Console ACLs, VM tags and the audit trail (issue 3).

-- Who may do what on which VM (or on every VM carrying a tag). User subjects are stored lower
-- case (matched case-blind, as Keycloak user names are); group subjects exactly as Keycloak names them.
CREATE TABLE acl_entries (
    id           BIGSERIAL   PRIMARY KEY,
    subject_kind TEXT        NOT NULL CHECK (subject_kind IN ('user', 'group')),
    subject      TEXT        NOT NULL CHECK (length(subject) BETWEEN 1 AND 64),
    object_kind  TEXT        NOT NULL CHECK (object_kind IN ('vm', 'tag')),
    object       TEXT        NOT NULL CHECK (length(object) BETWEEN 1 AND 64),
    permission   TEXT        NOT NULL
        CHECK (permission IN ('console.view', 'console.connect', 'console.takeover', 'console.sso', 'admin')),
    created_by   TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (subject_kind, subject, object_kind, object, permission)
);
CREATE INDEX acl_entries_object ON acl_entries (object_kind, object);
CREATE INDEX acl_entries_subject ON acl_entries (subject_kind, subject);

-- Tags group VMs for ACLs. No foreign key: a VM may be relearned later with the same UUID.
CREATE TABLE vm_tags (
    vm_uuid UUID NOT NULL,
    tag     TEXT NOT NULL CHECK (length(tag) BETWEEN 1 AND 64),
    PRIMARY KEY (vm_uuid, tag)
);
CREATE INDEX vm_tags_tag ON vm_tags (tag);

-- Every audited fact, written in the transaction of the change it records. The outbox
-- publisher sends unpublished rows to porthole.audit.v1 in id order and then marks them.
CREATE TABLE audit_events (
    id             BIGSERIAL   PRIMARY KEY,
    kind           TEXT        NOT NULL,
    occurred_at    TIMESTAMPTZ NOT NULL,
    actor          TEXT        NOT NULL,
    client_address TEXT        NOT NULL DEFAULT '',
    vm_uuid        UUID,
    session_id     UUID,
    reason         TEXT        NOT NULL DEFAULT '',
    detail         JSONB       NOT NULL DEFAULT '{}'::jsonb,
    published      BOOLEAN     NOT NULL DEFAULT FALSE
);
CREATE INDEX audit_events_unpublished ON audit_events (id) WHERE NOT published;
CREATE INDEX audit_events_vm ON audit_events (vm_uuid, id DESC);
CREATE INDEX audit_events_actor ON audit_events (actor, id DESC);
CREATE INDEX audit_events_session ON audit_events (session_id);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

-- A console session belongs to a signed-in user and has a mode. The owner's groups and admin
-- role as they were at issue let revocation still judge ACLs while the directory is down.
ALTER TABLE console_sessions ADD COLUMN owner TEXT;
ALTER TABLE console_sessions ADD COLUMN owner_groups TEXT[] NOT NULL DEFAULT '{}';
ALTER TABLE console_sessions ADD COLUMN owner_admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE console_sessions ADD COLUMN mode TEXT NOT NULL DEFAULT 'interactive'
    CHECK (mode IN ('interactive', 'view'));
UPDATE console_sessions SET owner = lower(subject);
ALTER TABLE console_sessions ALTER COLUMN owner SET NOT NULL;
ALTER TABLE console_sessions DROP CONSTRAINT IF EXISTS console_sessions_close_reason_check;
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_close_reason_check
    CHECK (close_reason IN ('disconnected', 'expired', 'taken-over', 'revoked'));
CREATE INDEX console_sessions_live ON console_sessions (vm_id) WHERE state <> 'closed';
CREATE INDEX console_sessions_owner ON console_sessions (owner, created_at DESC);
