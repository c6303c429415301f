-- Feed subscriptions with their polling state, and the durable job queue of ingestion.
-- Operational state, not evidence: rows are updated in place (what a poll or a job produces is
-- written as versioned records). Workers take feeds and jobs with leases that run out, so work
-- held by a crashed process is due again once its lease has expired.
-- Times are microseconds since the epoch; lists and JSON objects are stored as JSON text.
-- Migrations are append-only: never edit this file once it has landed; add a new one.

CREATE TABLE feeds (
    id               TEXT    PRIMARY KEY,
    url              TEXT    NOT NULL UNIQUE,
    added_by         TEXT    NOT NULL,
    added_at         INTEGER NOT NULL,
    title            TEXT    NOT NULL,
    site_url         TEXT,
    case_ids         TEXT    NOT NULL DEFAULT '[]',
    paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    interval_seconds INTEGER NOT NULL CHECK (interval_seconds >= 0),
    etag             TEXT,
    last_modified    TEXT,
    -- NULL: due now.
    next_poll_at     INTEGER,
    last_polled_at   INTEGER,
    last_success_at  INTEGER,
    last_status      INTEGER,
    failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    last_error       TEXT,
    last_capture_id  TEXT,
    items_seen       INTEGER NOT NULL DEFAULT 0 CHECK (items_seen >= 0),
    problems         TEXT    NOT NULL DEFAULT '[]',
    -- Until when a poller holds the feed; NULL or a past time when nobody does.
    lease_until      INTEGER
) WITHOUT ROWID;

CREATE INDEX feeds_due ON feeds (paused, next_poll_at);

-- No foreign key to feeds: a deleted feed's done and failed jobs stay, as history.
CREATE TABLE jobs (
    id          TEXT    PRIMARY KEY,
    kind        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    feed_id     TEXT,
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    not_before  INTEGER NOT NULL,
    lease_until INTEGER,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    finished_at INTEGER,
    result      TEXT,
    UNIQUE (kind, key)
) WITHOUT ROWID;

CREATE INDEX jobs_due ON jobs (state, kind, not_before);
CREATE INDEX jobs_by_feed ON jobs (feed_id);
CREATE INDEX jobs_by_time ON jobs (created_at, id);
