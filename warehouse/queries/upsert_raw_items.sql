-- Keep the latest payload of each post: it is what the current engagement came from. A post
-- stored as deleted keeps its tombstone payload unless this sighting is a tombstone too, so an
-- older copy of the content cannot come back through raw_items either.
INSERT INTO raw_items BY NAME
SELECT i.post_id, i.source, i.query, i.fetched_at, i.payload::JSON AS payload
FROM incoming_raw i
JOIN incoming_posts n USING (post_id)
WHERE n.deleted OR NOT EXISTS (SELECT 1 FROM posts p WHERE p.post_id = i.post_id AND p.deleted)
ON CONFLICT (post_id) DO UPDATE SET
    source = excluded.source,
    query = excluded.query,
    fetched_at = excluded.fetched_at,
    payload = excluded.payload;
