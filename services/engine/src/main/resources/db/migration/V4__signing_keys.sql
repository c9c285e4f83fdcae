-- Ed25519 keys that sign console tokens. The newest unretired key signs; a retired key
-- stays published in the JWKS for a grace period so that tokens in flight keep working.
CREATE TABLE signing_keys (
    kid         TEXT        PRIMARY KEY,
    private_key BYTEA       NOT NULL,   -- PKCS#8
    public_key  BYTEA       NOT NULL,   -- X.509 SubjectPublicKeyInfo
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);
