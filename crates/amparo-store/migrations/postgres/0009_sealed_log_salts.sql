-- The evidence log's commitment salts are sealed under the installation's `log-salts` key
-- (issue 7): a sealed row holds a version byte, a 24-byte nonce, the 96 bytes of salts and a
-- 16-byte tag (137 bytes); rows written before hold the 96 bytes in clear and stay as they are.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

ALTER TABLE log_leaves DROP CONSTRAINT log_leaves_salts_check;
ALTER TABLE log_leaves ADD CONSTRAINT log_leaves_salts_check
    CHECK (length(salts) IN (96, 137));
