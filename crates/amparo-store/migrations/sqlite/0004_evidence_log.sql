-- The evidence log: an append-only RFC 6962 Merkle tree whose leaves are numbered from 0 without
-- gaps. Each record version's leaf is written in the same transaction as the version.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE log_leaves (
    idx            INTEGER PRIMARY KEY CHECK (idx >= 0),
    leaf           BLOB    NOT NULL,
    -- The 32-byte salts of the actor, subject and content commitments, in that order.
    salts          BLOB    NOT NULL CHECK (length(salts) = 96),
    -- The record version the leaf is for, when it is for one (not for exports or audit events).
    record_kind    TEXT,
    record_id      TEXT,
    record_version INTEGER
);

CREATE UNIQUE INDEX log_leaves_record ON log_leaves (record_kind, record_id, record_version)
    WHERE record_kind IS NOT NULL;

-- Full level-0 tiles: every level of the subtree of leaves [256 * idx, 256 * idx + 256), the
-- 256 leaf hashes first, then the 128 nodes above them, and so on up to the tile's root (511
-- hashes), so that proofs need no hashing below tile height.
CREATE TABLE log_tiles (
    idx    INTEGER PRIMARY KEY CHECK (idx >= 0),
    hashes BLOB    NOT NULL CHECK (length(hashes) = 16352)
);

-- The hash of every perfect subtree of 256 leaves or more.
CREATE TABLE log_nodes (
    level INTEGER NOT NULL CHECK (level >= 8),
    idx   INTEGER NOT NULL CHECK (idx >= 0),
    hash  BLOB    NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;

-- Signed checkpoints, as C2SP signed notes, one per tree size.
CREATE TABLE log_checkpoints (
    size      INTEGER PRIMARY KEY CHECK (size >= 0),
    note      TEXT    NOT NULL,
    signed_at INTEGER NOT NULL
);

CREATE TRIGGER log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'log leaves are immutable');
END;
CREATE TRIGGER log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'log leaves are never deleted');
END;
CREATE TRIGGER log_tiles_no_update BEFORE UPDATE ON log_tiles
BEGIN
    SELECT RAISE(ABORT, 'log tiles are immutable');
END;
CREATE TRIGGER log_tiles_no_delete BEFORE DELETE ON log_tiles
BEGIN
    SELECT RAISE(ABORT, 'log tiles are never deleted');
END;
CREATE TRIGGER log_nodes_no_update BEFORE UPDATE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'log nodes are immutable');
END;
CREATE TRIGGER log_nodes_no_delete BEFORE DELETE ON log_nodes
BEGIN
    SELECT RAISE(ABORT, 'log nodes are never deleted');
END;
CREATE TRIGGER log_checkpoints_no_update BEFORE UPDATE ON log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'log checkpoints are immutable');
END;
CREATE TRIGGER log_checkpoints_no_delete BEFORE DELETE ON log_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'log checkpoints are never deleted');
END;
