-- Host agents the engine has heard from (porthole.hosts.v1).
CREATE TABLE hosts (
    id                        TEXT        PRIMARY KEY,  -- the agent's gRPC authority host:port
    online                    BOOLEAN     NOT NULL,
    agent_version             TEXT        NOT NULL DEFAULT '',
    api_versions              TEXT        NOT NULL DEFAULT '',
    boot_id                   TEXT        NOT NULL DEFAULT '',
    inventory_boot_id         TEXT        NOT NULL DEFAULT '',  -- boot whose domains were listed
    heartbeat_timeout_seconds INTEGER     NOT NULL,
    last_seen                 TIMESTAMPTZ NOT NULL,
    first_seen                TIMESTAMPTZ NOT NULL
);
