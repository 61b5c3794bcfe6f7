-- Posts in the warehouse per platform and language: all of them, those linked to a launch and
-- those the active classifier version has labelled.
SELECT
    p.platform, p.lang,
    count(*) AS posts,
    count(*) FILTER (WHERE p.post_id IN (SELECT post_id FROM post_launches)) AS linked,
    count(*) FILTER (WHERE p.post_id IN (SELECT post_id FROM current_classifications)) AS classified
FROM posts p
GROUP BY ALL
ORDER BY posts DESC, p.platform, p.lang;
