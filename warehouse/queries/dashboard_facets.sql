-- What a launch's filters can offer: its posts per platform and language, and their time span.
SELECT
    coalesce(list(DISTINCT platform ORDER BY platform), []) AS platforms,
    coalesce(list(DISTINCT lang ORDER BY lang), []) AS langs,
    min(created_at) AS first_post,
    max(created_at) AS last_post,
    count(*) AS posts
FROM launch_post_facts
WHERE launch_key = $launch;
