-- Posts deleted or removed at the source stay as tombstones (id, time, counts) with author,
-- title and text blanked; the flag keeps a later sighting of an old copy from restoring them.
-- DuckDB cannot add a column with a constraint in one step; the default fills existing rows.
ALTER TABLE posts ADD COLUMN deleted BOOLEAN DEFAULT false;
ALTER TABLE posts ALTER COLUMN deleted SET NOT NULL;

-- As in 002, plus what a tombstone needs: a deleted post has lost the text its launches were
-- matched in, so it keeps the launches it is linked to (`kept_launches`), and its replies
-- inherit those (`root_kept_launches`) instead of matching the blanked root. NULL when not deleted.
CREATE OR REPLACE MACRO post_link_scope(ids) AS TABLE
    WITH requested AS (SELECT unnest(ids) AS post_id),
    scope AS (
        SELECT p.post_id FROM posts p
        WHERE ids IS NULL OR p.post_id IN (SELECT post_id FROM requested)
        UNION
        SELECT p.post_id FROM posts p
        WHERE p.thread_id IN (SELECT post_id FROM requested)
    ),
    links AS (SELECT post_id, list(launch_key ORDER BY launch_key) AS launch_keys FROM post_launches GROUP BY post_id)
    SELECT p.post_id, p.title, p.text, p.thread_id, r.title AS root_title, r.text AS root_text,
           CASE WHEN p.deleted THEN pl.launch_keys END AS kept_launches,
           CASE WHEN r.deleted THEN rl.launch_keys END AS root_kept_launches
    FROM posts p
    JOIN scope USING (post_id)
    LEFT JOIN posts r ON r.post_id = p.thread_id
    LEFT JOIN links pl ON pl.post_id = p.post_id
    LEFT JOIN links rl ON rl.post_id = p.thread_id
    ORDER BY p.post_id;
