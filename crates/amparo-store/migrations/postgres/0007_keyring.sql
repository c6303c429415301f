-- Encryption at rest: the keyring (how the installation key is obtained, and a check value that
-- tells a wrong key or passphrase from the right one) and the data keys, each wrapped under the
-- installation key. A destroyed (purged) data key keeps its row with `wrapped` NULL.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE keyring (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    source      TEXT    NOT NULL,
    kdf         TEXT,
    check_value BYTEA   NOT NULL,
    generation  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE data_keys (
    id           TEXT    PRIMARY KEY,
    purpose      TEXT    NOT NULL,
    wrapped      BYTEA,
    created_at   BIGINT  NOT NULL,
    destroyed_at BIGINT
);

CREATE INDEX data_keys_by_purpose ON data_keys (purpose);
