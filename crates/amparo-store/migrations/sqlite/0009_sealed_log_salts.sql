-- The evidence log's commitment salts are sealed under the installation's `log-salts` key
-- (issue 7): a sealed row holds a version byte, a 24-byte nonce, the 96 bytes of salts and a
-- 16-byte tag (137 bytes); rows written before hold the 96 bytes in clear and stay as they are.
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt (dropping a table
-- fires none of its triggers) with the same rows, index and triggers.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE log_leaves_sealed (
    idx            INTEGER PRIMARY KEY CHECK (idx >= 0),
    leaf           BLOB    NOT NULL,
    -- The actor, subject and content salts (32 bytes each): in clear (96 bytes) or sealed (137).
    salts          BLOB    NOT NULL CHECK (length(salts) IN (96, 137)),
    record_kind    TEXT,
    record_id      TEXT,
    record_version INTEGER
);

INSERT INTO log_leaves_sealed (idx, leaf, salts, record_kind, record_id, record_version)
    SELECT idx, leaf, salts, record_kind, record_id, record_version FROM log_leaves ORDER BY idx;

DROP TABLE log_leaves;
ALTER TABLE log_leaves_sealed RENAME TO log_leaves;

CREATE UNIQUE INDEX log_leaves_record ON log_leaves (record_kind, record_id, record_version)
    WHERE record_kind IS NOT NULL;

CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'log leaves are immutable');
END;
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'log leaves are never deleted');
END;
