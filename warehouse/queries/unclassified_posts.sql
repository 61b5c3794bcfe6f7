-- Posts without a label from the given model version ($1 id, $2 version). Only posts linked to a
-- launch unless $3 asks for every post: unlinked posts never reach a timeline.
SELECT p.post_id, concat_ws(E'\n', p.title, p.text) AS text
FROM posts p
WHERE ($3 OR EXISTS (SELECT 1 FROM post_launches pl WHERE pl.post_id = p.post_id))
  AND NOT EXISTS (
      SELECT 1 FROM classifications c
      WHERE c.post_id = p.post_id AND c.model_id = $1 AND c.model_version = $2
  )
ORDER BY p.post_id;
