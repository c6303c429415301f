-- Which record points to which, for the current version of every record: the index behind
-- "the custody periods of this person" and "the hearings of this proceeding".
-- Kept by the store on every write; a tombstone has no references.

CREATE TABLE record_refs (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    PRIMARY KEY (target_kind, target_id, kind, id)
) WITHOUT ROWID;

CREATE INDEX record_refs_by_source ON record_refs (kind, id);
