-- Deletion reaches the labels too: a tombstone's classifications keep their sentiment and claims
-- (they are counts on the timeline) but lose the sentences quoted from the deleted text.
UPDATE classifications SET evidence = '{}'::JSON
WHERE post_id IN (SELECT post_id FROM incoming_posts WHERE deleted)
  AND evidence::VARCHAR <> '{}';
