-- Posts without a label from the given model version ($1 id, $2 version). Only posts linked to a
-- launch unless $3 asks for every post: unlinked posts never reach a timeline.
-- `target` is the model the post is about, read by a target-aware classifier: the one variant
-- it names, else its launch, when the post is linked to exactly one launch; NULL otherwise.
WITH single AS (
    SELECT pl.post_id,
           CASE WHEN len(any_value(pl.variant_keys)) = 1 THEN any_value(v.name) ELSE any_value(l.name) END AS target
    FROM post_launches pl
    JOIN launches l ON l.launch_key = pl.launch_key
    LEFT JOIN launch_variants v ON v.variant_key = pl.variant_keys[1]
    GROUP BY pl.post_id
    HAVING count(*) = 1
)
SELECT p.post_id, concat_ws(E'\n', p.title, p.text) AS text, s.target
FROM posts p
LEFT JOIN single s ON s.post_id = p.post_id
WHERE ($3 OR EXISTS (SELECT 1 FROM post_launches pl WHERE pl.post_id = p.post_id))
  AND NOT EXISTS (
      SELECT 1 FROM classifications c
      WHERE c.post_id = p.post_id AND c.model_id = $1 AND c.model_version = $2
  )
ORDER BY p.post_id;
