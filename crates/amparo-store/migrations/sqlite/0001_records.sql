-- Versioned records, their current heads, the outbox, counters and credentials.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE record_versions (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    deleted     INTEGER NOT NULL CHECK (deleted IN (0, 1)),
    body        TEXT,
    sensitive   TEXT,
    actor       TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (kind, id, version)
) WITHOUT ROWID;

CREATE TABLE record_heads (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

CREATE TABLE outbox (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL
);

CREATE TABLE sequences (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE credentials (
    user_id       TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
) WITHOUT ROWID;

-- History is append-only: refuse any change or removal of a stored version.
CREATE TRIGGER record_versions_no_update BEFORE UPDATE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record versions are immutable');
END;
CREATE TRIGGER record_versions_no_delete BEFORE DELETE ON record_versions
BEGIN
    SELECT RAISE(ABORT, 'record versions are never deleted');
END;
