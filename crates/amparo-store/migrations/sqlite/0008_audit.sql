-- Audit events (issue 7): sign-ins, sensitive reads, exports, bundle downloads, grant changes
-- and key operations. Append-only: nothing updates or deletes a row. Each event is also entered
-- in the evidence log; `log_index` is its leaf.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE audit_events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    log_index INTEGER
);

CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_log_index ON audit_events (log_index);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are immutable');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are never deleted');
END;
