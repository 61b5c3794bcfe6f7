-- The stored copy of post_facts that the event analyses read, sorted by launch and time so a
-- query for one launch reads only that launch's row groups (see migration 004).
INSERT INTO launch_post_facts
SELECT launch_key, post_id, platform, lang, created_at, score, classified, sentiment, claims, scores,
       contamination, benchmark_gaming, regression, praise, comparison, deployment_issue
FROM post_facts
ORDER BY launch_key, created_at;
