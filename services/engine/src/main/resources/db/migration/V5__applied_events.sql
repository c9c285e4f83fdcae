-- Kafka events already applied: a replayed event_id is a no-op.
CREATE TABLE applied_events (
    event_id   TEXT        PRIMARY KEY,
    topic      TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX applied_events_applied_at ON applied_events (applied_at);
