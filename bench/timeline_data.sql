-- Synthetic warehouse for bench/timeline.py: $posts posts across $launches launches.
INSERT INTO launches
SELECT printf('bench-%02d', i), printf('Bench %02d', i), 'Bench Labs',
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_days(i * 15), NULL
FROM range($launches) t(i);

INSERT INTO classifier_versions VALUES ('bench', '1', TIMESTAMPTZ '2025-01-01 00:00:00+00');

-- Each launch's posts fall from 2 days before its release to 12 days after, denser early on.
CREATE TEMP TABLE gen AS
SELECT i, i % $launches AS l,
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_days((i % $launches) * 15)
         + to_seconds((pow(random(), 2) * 14 * 86400 - 2 * 86400)::BIGINT) AS created_at,
       random() AS r1, random() AS r2
FROM range($posts) t(i);

INSERT INTO posts
SELECT 'bench:' || i, CASE WHEN r1 < 0.5 THEN 'hackernews' ELSE 'reddit' END, i::VARCHAR,
       'https://e.org/' || i, 'bench', NULL, NULL, 'user' || (i % 50000), NULL,
       'post number ' || i, CASE WHEN r2 < 0.2 THEN 'zh' ELSE 'en' END, created_at, created_at,
       (r1 * 100)::BIGINT, 0, 'bench/1', created_at, created_at, false
FROM gen;

INSERT INTO post_launches
SELECT 'bench:' || i, printf('bench-%02d', l), [], [], 'alias' FROM gen;

INSERT INTO classifications
SELECT 'bench:' || i, 'bench', '1',
       CASE WHEN r2 < 0.4 THEN 'negative' WHEN r2 < 0.7 THEN 'neutral' ELSE 'positive' END,
       list_filter(['contamination', 'benchmark_gaming', 'regression', 'praise', 'comparison', 'deployment_issue'],
                   (c, k) -> ((r1 * 1000)::BIGINT // (k * 7)) % 5 = 0),
       '{}', '{}', created_at
FROM gen;

INSERT INTO benchmark_events
SELECT printf('ev-%02d-%d', l, k), printf('bench-%02d', l), NULL,
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_days(l * 15) + to_hours(k * 17 + 3), 'second',
       'leaderboard_entry', 'Bench', 'bench', NULL, 'https://e.org', NULL, 'bench',
       TIMESTAMPTZ '2025-06-01 00:00:00+00', 'Event ' || k
FROM range($launches) a(l), range(10) b(k);

INSERT INTO ingest_runs (source, launch_key, window_start, window_end, started_at, status)
SELECT 'bench', launch_key, released_at - to_days(3), released_at + to_days(13), released_at, 'ok' FROM launches;
