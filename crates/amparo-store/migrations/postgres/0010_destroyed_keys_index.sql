-- Every few milliseconds a running server counts the destroyed data keys, to learn of a purge
-- made by another process: a partial index holds only the destroyed ones, so the count reads
-- that short list and not every key.
CREATE INDEX data_keys_destroyed ON data_keys (destroyed_at) WHERE destroyed_at IS NOT NULL;
