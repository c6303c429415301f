-- Versioned records, their current heads, the outbox, counters and credentials.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE record_versions (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version >= 1),
    deleted     BOOLEAN NOT NULL,
    body        TEXT,
    sensitive   TEXT,
    actor       TEXT    NOT NULL,
    recorded_at BIGINT  NOT NULL,
    PRIMARY KEY (kind, id, version)
);

CREATE TABLE record_heads (
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    deleted BOOLEAN NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE outbox (
    seq     BIGSERIAL PRIMARY KEY,
    kind    TEXT    NOT NULL,
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    deleted BOOLEAN NOT NULL
);

CREATE TABLE sequences (
    name  TEXT   PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE credentials (
    user_id       TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
);

-- History is append-only: refuse any change or removal of a stored version.
CREATE FUNCTION amparo_refuse_version_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'record versions are immutable and never deleted';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER record_versions_immutable BEFORE UPDATE OR DELETE ON record_versions
    FOR EACH ROW EXECUTE FUNCTION amparo_refuse_version_change();

-- Row triggers do not see TRUNCATE: refuse it too.
CREATE TRIGGER record_versions_no_truncate BEFORE TRUNCATE ON record_versions
    FOR EACH STATEMENT EXECUTE FUNCTION amparo_refuse_version_change();
