-- Keep the latest payload of each post: it is what the current engagement came from.
INSERT INTO raw_items BY NAME
SELECT post_id, source, query, fetched_at, payload::JSON AS payload FROM incoming_raw
ON CONFLICT (post_id) DO UPDATE SET
    source = excluded.source,
    query = excluded.query,
    fetched_at = excluded.fetched_at,
    payload = excluded.payload;
