-- API tokens for scripts and other tools: only the SHA-256 of each secret is kept.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE api_tokens (
    id           TEXT    PRIMARY KEY,
    user_id      TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    label        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
) WITHOUT ROWID;

CREATE INDEX api_tokens_by_user ON api_tokens (user_id);
