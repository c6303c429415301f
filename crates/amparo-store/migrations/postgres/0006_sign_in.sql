-- Sign-in hardening (issue 7): API token scopes and expiry, TOTP second factors and their
-- single-use recovery codes. Operational state, updated in place (not evidence).
-- Migrations are append-only: never edit this file once it has landed; add a new one.

-- Tokens made before scopes existed keep the full rights of their user.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;

-- One TOTP secret per user: pending until `confirmed_at` is set by a first good code.
-- `last_step` is the last RFC 6238 time step accepted, so that no code is accepted twice.
CREATE TABLE second_factors (
    user_id      TEXT   PRIMARY KEY,
    secret       BYTEA  NOT NULL,
    created_at   BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT NOT NULL
);

-- Recovery codes, as SHA-256 of the code only; each one signs in once.
CREATE TABLE recovery_codes (
    user_id   TEXT   NOT NULL,
    code_hash TEXT   NOT NULL,
    used_at   BIGINT,
    PRIMARY KEY (user_id, code_hash)
);
