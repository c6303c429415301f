-- The evidence log: an append-only RFC 6962 Merkle tree whose leaves are numbered from 0 without
-- gaps. Each record version's leaf is written in the same transaction as the version.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE log_leaves (
    idx            BIGINT PRIMARY KEY CHECK (idx >= 0),
    leaf           BYTEA  NOT NULL,
    -- The 32-byte salts of the actor, subject and content commitments, in that order.
    salts          BYTEA  NOT NULL CHECK (length(salts) = 96),
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
    idx    BIGINT PRIMARY KEY CHECK (idx >= 0),
    hashes BYTEA  NOT NULL CHECK (length(hashes) = 16352)
);

-- The hash of every perfect subtree of 256 leaves or more.
CREATE TABLE log_nodes (
    level INTEGER NOT NULL CHECK (level >= 8),
    idx   BIGINT  NOT NULL CHECK (idx >= 0),
    hash  BYTEA   NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
);

-- Signed checkpoints, as C2SP signed notes, one per tree size.
CREATE TABLE log_checkpoints (
    size      BIGINT PRIMARY KEY CHECK (size >= 0),
    note      TEXT   NOT NULL,
    signed_at BIGINT NOT NULL
);

CREATE FUNCTION amparo_refuse_log_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the evidence log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER log_leaves_immutable BEFORE UPDATE OR DELETE ON log_leaves
    FOR EACH ROW EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_leaves_no_truncate BEFORE TRUNCATE ON log_leaves
    FOR EACH STATEMENT EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_tiles_immutable BEFORE UPDATE OR DELETE ON log_tiles
    FOR EACH ROW EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_tiles_no_truncate BEFORE TRUNCATE ON log_tiles
    FOR EACH STATEMENT EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_nodes_immutable BEFORE UPDATE OR DELETE ON log_nodes
    FOR EACH ROW EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_nodes_no_truncate BEFORE TRUNCATE ON log_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_checkpoints_immutable BEFORE UPDATE OR DELETE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION amparo_refuse_log_change();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION amparo_refuse_log_change();
