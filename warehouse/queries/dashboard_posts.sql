-- One page of a launch's posts under the dashboard's filters, with their current labels and
-- evidence. $pattern is an ILIKE pattern built from the user's words with % and _ escaped by
-- backslash; NULL means no search. {order} is one of the fixed clauses in warehouse/dashboard.py.
-- `matches` is the number of posts on all pages.
-- The page is chosen from launch_post_facts (sorted by launch and time) before the posts' text
-- and the labels' evidence are joined, so only a page of rows is joined unless a search needs
-- the text of every candidate.
WITH chosen AS (
    SELECT post_id, platform, lang, created_at, score, sentiment, claims
    FROM dashboard_facts($launch, $since, $until, $platforms, $langs, $claims)
),
matched AS MATERIALIZED (
    SELECT * FROM chosen
    WHERE $pattern IS NULL OR post_id IN (
        SELECT p.post_id FROM posts p SEMI JOIN chosen c USING (post_id)
        WHERE coalesce(p.title, '') ILIKE $pattern ESCAPE '\' OR p.text ILIKE $pattern ESCAPE '\'
    )
),
page AS (
    SELECT * FROM matched ORDER BY {order} LIMIT $limit OFFSET $offset
)
SELECT
    f.post_id, f.created_at, f.platform, f.lang, p.author, p.title, p.text, p.url,
    p.score, p.replies, f.sentiment, f.claims, c.evidence::VARCHAR AS evidence, c.model_version,
    (SELECT count(*) FROM matched) AS matches
FROM page f
JOIN posts p USING (post_id)
LEFT JOIN current_classifications c USING (post_id)
ORDER BY {order};
