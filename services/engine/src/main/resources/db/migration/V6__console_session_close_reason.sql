-- Why a session closed: 'disconnected' (GRAPHICS disconnect) or 'expired' (its ticket ran
-- out before any viewer authenticated).
ALTER TABLE console_sessions ADD COLUMN close_reason TEXT
    CHECK (close_reason IN ('disconnected', 'expired'));
UPDATE console_sessions SET close_reason = 'disconnected' WHERE state = 'closed';
CREATE INDEX console_sessions_issued_expiry ON console_sessions (expires_at) WHERE state = 'issued';
