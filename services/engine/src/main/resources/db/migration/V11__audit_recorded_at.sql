-- When each audit row was written, by the database's clock: the outbox measures from it to the
-- broker's acknowledgement (porthole_kafka_publish_lag_seconds). occurred_at cannot serve: a
-- refusal's comes from the refusing service's clock. Rows older than this column keep NULL (no
-- table rewrite) and are not measured.
ALTER TABLE audit_events ADD COLUMN recorded_at TIMESTAMPTZ;
ALTER TABLE audit_events ALTER COLUMN recorded_at SET DEFAULT clock_timestamp();
