-- Encryption at rest: the keyring (how the installation key is obtained, and a check value that
-- tells a wrong key or passphrase from the right one) and the data keys, each wrapped under the
-- installation key. A destroyed (purged) data key keeps its row with `wrapped` NULL.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE keyring (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    source      TEXT    NOT NULL,
    kdf         TEXT,
    check_value BLOB    NOT NULL,
    generation  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE data_keys (
    id           TEXT    PRIMARY KEY,
    purpose      TEXT    NOT NULL,
    wrapped      BLOB,
    created_at   INTEGER NOT NULL,
    destroyed_at INTEGER
) WITHOUT ROWID;

CREATE INDEX data_keys_by_purpose ON data_keys (purpose);
