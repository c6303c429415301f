-- Audit events (issue 7): sign-ins, sensitive reads, exports, bundle downloads, grant changes
-- and key operations. Append-only: nothing updates or deletes a row. Each event is also entered
-- in the evidence log; `log_index` is its leaf.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE audit_events (
    seq       BIGSERIAL PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT   NOT NULL,
    action    TEXT   NOT NULL,
    subject   TEXT   NOT NULL,
    detail    TEXT   NOT NULL,
    log_index BIGINT
);

CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_log_index ON audit_events (log_index);

CREATE FUNCTION amparo_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION amparo_refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION amparo_refuse_audit_change();
