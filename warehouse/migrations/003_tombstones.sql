-- Posts deleted or removed at the source stay as tombstones (id, time, counts) with author,
-- title and text blanked; the flag keeps a later sighting of an old copy from restoring them.
-- DuckDB cannot add a column with a constraint in one step; the default fills existing rows.
ALTER TABLE posts ADD COLUMN deleted BOOLEAN DEFAULT false;
ALTER TABLE posts ALTER COLUMN deleted SET NOT NULL;
