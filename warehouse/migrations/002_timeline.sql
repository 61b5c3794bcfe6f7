-- Timeline views and macros: what the timeline, the CLI and the report read.
-- Buckets are UTC whatever the session time zone: timezone('UTC', ...) converts to UTC wall
-- time before truncating and back to TIMESTAMPTZ after.

-- A chart label per event ("LMArena #2 (Maverick Exp.)"), derived by warehouse/events.py from
-- kind, source, value and the catalogue when the event is imported.
ALTER TABLE benchmark_events ADD COLUMN label VARCHAR;

-- The posts link_posts must (re)compute for the given ids (NULL: every post): the posts
-- themselves and the comments of those that are thread roots, so a root arriving after its
-- comments passes its launches down. `root_*` is the thread root's title and text, which
-- comments inherit launches from.
CREATE MACRO post_link_scope(ids) AS TABLE
    WITH requested AS (SELECT unnest(ids) AS post_id),
    scope AS (
        SELECT p.post_id FROM posts p
        WHERE ids IS NULL OR p.post_id IN (SELECT post_id FROM requested)
        UNION
        SELECT p.post_id FROM posts p
        WHERE p.thread_id IN (SELECT post_id FROM requested)
    )
    SELECT p.post_id, p.title, p.text, p.thread_id, r.title AS root_title, r.text AS root_text
    FROM posts p
    JOIN scope USING (post_id)
    LEFT JOIN posts r ON r.post_id = p.thread_id
    ORDER BY p.post_id;

-- Labels of the classifier version the timeline reads: the most recently activated one.
CREATE VIEW current_classifications AS
SELECT c.*
FROM classifications c
JOIN (
    SELECT model_id, model_version
    FROM classifier_versions
    ORDER BY activated_at DESC, model_id, model_version
    LIMIT 1
) v USING (model_id, model_version);

-- One row per post and launch it is about, with its current classification. Claim columns are
-- 0/1 for classified posts and NULL for unclassified ones, so sums count only classified posts.
CREATE VIEW post_facts AS
SELECT
    p.post_id, p.platform, p.native_id, p.url, p.source, p.thread_id, p.parent_id, p.author,
    p.title, p.text, p.lang, p.created_at, p.collected_at, p.score, p.replies, p.collector,
    p.first_seen_at, p.last_seen_at,
    pl.launch_key, pl.variant_keys, pl.matched, pl.via,
    c.post_id IS NOT NULL AS classified,
    c.sentiment, c.claims, c.scores, c.evidence, c.model_id, c.model_version,
    CASE WHEN c.post_id IS NOT NULL THEN list_contains(c.claims, 'contamination')::INTEGER END AS contamination,
    CASE WHEN c.post_id IS NOT NULL THEN list_contains(c.claims, 'benchmark_gaming')::INTEGER END AS benchmark_gaming,
    CASE WHEN c.post_id IS NOT NULL THEN list_contains(c.claims, 'regression')::INTEGER END AS regression,
    CASE WHEN c.post_id IS NOT NULL THEN list_contains(c.claims, 'praise')::INTEGER END AS praise,
    CASE WHEN c.post_id IS NOT NULL THEN list_contains(c.claims, 'comparison')::INTEGER END AS comparison,
    CASE WHEN c.post_id IS NOT NULL THEN list_contains(c.claims, 'deployment_issue')::INTEGER END AS deployment_issue
FROM post_launches pl
JOIN posts p USING (post_id)
LEFT JOIN current_classifications c USING (post_id);

CREATE MACRO utc_bucket(unit, t) AS timezone('UTC', date_trunc(unit, timezone('UTC', t)));

-- '; '-joined labels of a launch's events per bucket, in time order.
CREATE MACRO event_buckets(unit) AS TABLE
    WITH labelled AS (
        SELECT launch_key, utc_bucket(unit, event_time) AS bucket, label, min(event_time) AS first_at
        FROM benchmark_events
        WHERE launch_key IS NOT NULL
        GROUP BY ALL
    )
    SELECT launch_key, bucket, string_agg(label, '; ' ORDER BY first_at, label) AS events
    FROM labelled
    GROUP BY launch_key, bucket;

-- Counts per launch, bucket and platform. `posts` counts every post; the sentiment counts and
-- negative_share count only classified posts (negative_share is NULL when none is classified).
CREATE MACRO post_buckets(unit) AS TABLE
    SELECT
        launch_key,
        utc_bucket(unit, created_at) AS bucket,
        platform,
        count(*) AS posts,
        count(*) FILTER (WHERE sentiment = 'positive') AS positive,
        count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
        count(*) FILTER (WHERE sentiment = 'negative') AS negative,
        count(*) FILTER (WHERE sentiment = 'negative')
            / nullif(count(*) FILTER (WHERE classified), 0) AS negative_share,
        coalesce(sum(contamination), 0) AS contamination,
        coalesce(sum(benchmark_gaming), 0) AS benchmark_gaming,
        coalesce(sum(regression), 0) AS regression,
        coalesce(sum(praise), 0) AS praise,
        coalesce(sum(comparison), 0) AS comparison,
        coalesce(sum(deployment_issue), 0) AS deployment_issue
    FROM post_facts
    GROUP BY ALL;

CREATE MACRO platform_timeline(unit) AS TABLE
    SELECT b.*, coalesce(e.events, '') AS events
    FROM post_buckets(unit) b
    LEFT JOIN event_buckets(unit) e USING (launch_key, bucket);

-- All platforms together. Buckets with events but no posts appear too, with zero counts.
CREATE MACRO all_platforms_timeline(unit) AS TABLE
    WITH totals AS (
        SELECT
            launch_key, bucket,
            sum(posts) AS posts, sum(positive) AS positive, sum(neutral) AS neutral,
            sum(negative) AS negative,
            sum(negative) / nullif(sum(positive) + sum(neutral) + sum(negative), 0) AS negative_share,
            sum(contamination) AS contamination, sum(benchmark_gaming) AS benchmark_gaming,
            sum(regression) AS regression, sum(praise) AS praise, sum(comparison) AS comparison,
            sum(deployment_issue) AS deployment_issue
        FROM post_buckets(unit)
        GROUP BY launch_key, bucket
    )
    SELECT
        launch_key, bucket,
        coalesce(posts, 0)::BIGINT AS posts, coalesce(positive, 0)::BIGINT AS positive,
        coalesce(neutral, 0)::BIGINT AS neutral, coalesce(negative, 0)::BIGINT AS negative,
        negative_share,
        coalesce(contamination, 0)::BIGINT AS contamination,
        coalesce(benchmark_gaming, 0)::BIGINT AS benchmark_gaming,
        coalesce(regression, 0)::BIGINT AS regression, coalesce(praise, 0)::BIGINT AS praise,
        coalesce(comparison, 0)::BIGINT AS comparison,
        coalesce(deployment_issue, 0)::BIGINT AS deployment_issue,
        coalesce(events, '') AS events
    FROM totals
    FULL OUTER JOIN event_buckets(unit) USING (launch_key, bucket);

CREATE VIEW timeline_hour AS SELECT * FROM platform_timeline('hour');
CREATE VIEW timeline_day AS SELECT * FROM platform_timeline('day');
CREATE VIEW timeline_hour_all AS SELECT * FROM all_platforms_timeline('hour');
CREATE VIEW timeline_day_all AS SELECT * FROM all_platforms_timeline('day');

-- The posts that best show each claim for a launch: highest claim score first, then engagement.
CREATE MACRO top_claim_posts(launch, per_claim) AS TABLE
    WITH claimed AS (
        SELECT f.*, unnest(f.claims) AS claim
        FROM post_facts f
        WHERE f.launch_key = launch AND f.classified
    )
    SELECT
        claim, post_id, url, platform, author, title, text, created_at, score, replies, sentiment,
        TRY_CAST(scores ->> claim AS DOUBLE) AS claim_score,
        evidence ->> claim AS evidence,
        model_version
    FROM claimed
    QUALIFY row_number() OVER (
        PARTITION BY claim ORDER BY claim_score DESC NULLS LAST, score DESC NULLS LAST, post_id
    ) <= per_claim
    ORDER BY list_position(['contamination', 'benchmark_gaming', 'regression', 'praise', 'comparison',
                            'deployment_issue'], claim), claim, claim_score DESC NULLS LAST,
             score DESC NULLS LAST, post_id;

CREATE MACRO launch_totals(launch) AS TABLE
    SELECT
        count(DISTINCT post_id) AS posts,
        min(created_at) AS first_post,
        max(created_at) AS last_post,
        coalesce(sum(contamination), 0)::BIGINT AS contamination,
        coalesce(sum(benchmark_gaming), 0)::BIGINT AS benchmark_gaming,
        coalesce(sum(regression), 0)::BIGINT AS regression,
        coalesce(sum(praise), 0)::BIGINT AS praise,
        coalesce(sum(comparison), 0)::BIGINT AS comparison,
        coalesce(sum(deployment_issue), 0)::BIGINT AS deployment_issue,
        count(*) FILTER (WHERE sentiment = 'positive') AS positive,
        count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
        count(*) FILTER (WHERE sentiment = 'negative') AS negative,
        (SELECT model_version FROM classifier_versions ORDER BY activated_at DESC LIMIT 1) AS model_version,
        max(last_seen_at) AS data_time
    FROM post_facts
    WHERE launch_key = launch;
