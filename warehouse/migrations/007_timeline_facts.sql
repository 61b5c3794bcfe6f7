-- The timeline reads the stored launch_post_facts (migration 004) instead of post_facts, and
-- buckets UTC hours and days by integer arithmetic on the epoch. Joining posts, links and labels
-- on text keys at query time, and timezone()/date_trunc per row, made one launch's timeline take
-- seconds at millions of posts. Columns and results are unchanged: launch_post_facts is rebuilt
-- after every classification and on every publish (warehouse/facts.py, warehouse/snapshot.py).
-- The views timeline_hour(_all) and timeline_day(_all) of migration 002 call these macros by
-- name, so they read the new definitions without being recreated.

-- The start of t's UTC bucket in microseconds since the epoch. UTC hours and days have fixed
-- lengths, so their start is the epoch floored to a multiple of that length (floored, not
-- truncated towards zero, so times before 1970 fall in the right bucket too); other units
-- (week, month, ...) go through the calendar as before. Grouping by this BIGINT and making
-- the timestamp once per group is what keeps an hourly timeline fast.
CREATE OR REPLACE MACRO utc_bucket_us(unit, t) AS CASE unit
    WHEN 'hour' THEN epoch_us(t) - (epoch_us(t) % 3600000000 + 3600000000) % 3600000000
    WHEN 'day' THEN epoch_us(t) - (epoch_us(t) % 86400000000 + 86400000000) % 86400000000
    ELSE epoch_us(timezone('UTC', date_trunc(unit, timezone('UTC', t))))
END;

CREATE OR REPLACE MACRO utc_bucket(unit, t) AS make_timestamptz(utc_bucket_us(unit, t));

-- Counts per launch, bucket and platform, as in migration 002, from the stored copy.
CREATE OR REPLACE MACRO post_buckets(unit) AS TABLE
    SELECT
        launch_key,
        make_timestamptz(bucket_us) AS bucket,
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
    FROM (SELECT *, utc_bucket_us(unit, created_at) AS bucket_us FROM launch_post_facts)
    GROUP BY launch_key, bucket_us, platform;

-- As in migration 004, with the hours computed from integer microseconds: epoch() of a
-- TIMESTAMPTZ is ~3x slower per row than epoch_us(), and was most of `compare`'s time.
CREATE OR REPLACE VIEW post_facts_relative AS
SELECT f.*, l.released_at, (epoch_us(f.created_at) - epoch_us(l.released_at)) / 3600000000.0 AS hours_since_release
FROM launch_post_facts f
JOIN launches l USING (launch_key);

-- As in migration 004 (which documents the statistics), with the same columns and results, but
-- counted in two steps: first per event and side of the event (before/after) with plain counts,
-- then pivoted per event. Grouping the joined posts by the event's labels and source columns
-- with eighteen filtered aggregates cost most of the query; grouping by (event_id, after) does not.
CREATE OR REPLACE MACRO event_impact(launch, window_hours) AS TABLE
    WITH events AS MATERIALIZED (
        SELECT launch_key, event_time, time_precision,
               string_agg(DISTINCT kind, '; ' ORDER BY kind) AS kind,
               string_agg(DISTINCT label, '; ' ORDER BY label) AS label,
               min(event_id) AS event_id,
               event_time - to_hours(window_hours) AS window_start,
               event_time + to_hours(window_hours) AS window_end
        FROM benchmark_events
        WHERE launch_key IS NOT NULL AND (launch IS NULL OR launch_key = launch)
        GROUP BY launch_key, event_time, time_precision
    ),
    coverage AS (
        SELECT launch_key, min(window_start) AS collected_from, max(window_end) AS collected_until
        FROM ingest_runs WHERE status = 'ok' GROUP BY launch_key
    ),
    -- event_id is unique per event row above (the smallest id of the events merged into it).
    sides AS (
        SELECT
            e.event_id, f.created_at >= e.event_time AS after,
            count(*) AS posts,
            count(*) FILTER (WHERE f.classified) AS classified,
            count(*) FILTER (WHERE f.sentiment = 'negative') AS negative,
            sum(f.contamination) AS contamination, sum(f.benchmark_gaming) AS benchmark_gaming,
            sum(f.regression) AS regression, sum(f.praise) AS praise, sum(f.comparison) AS comparison,
            sum(f.deployment_issue) AS deployment_issue
        FROM events e
        JOIN launch_post_facts f
            ON f.launch_key = e.launch_key
           AND (launch IS NULL OR f.launch_key = launch)
           AND f.created_at >= e.window_start
           AND f.created_at < e.window_end
        GROUP BY e.event_id, after
    ),
    sums AS MATERIALIZED (
        SELECT
            e.launch_key, e.event_id, e.event_time, e.time_precision, e.kind, e.label,
            coalesce(c.collected_from <= e.window_start AND c.collected_until >= e.window_end, false) AS covered,
            coalesce(sum(s.posts) FILTER (WHERE NOT s.after), 0)::BIGINT AS posts_b,
            coalesce(sum(s.posts) FILTER (WHERE s.after), 0)::BIGINT AS posts_a,
            coalesce(sum(s.classified) FILTER (WHERE NOT s.after), 0)::BIGINT AS classified_b,
            coalesce(sum(s.classified) FILTER (WHERE s.after), 0)::BIGINT AS classified_a,
            coalesce(sum(s.negative) FILTER (WHERE NOT s.after), 0)::BIGINT AS negative_b,
            coalesce(sum(s.negative) FILTER (WHERE s.after), 0)::BIGINT AS negative_a,
            coalesce(sum(s.contamination) FILTER (WHERE NOT s.after), 0) AS contamination_b,
            coalesce(sum(s.contamination) FILTER (WHERE s.after), 0) AS contamination_a,
            coalesce(sum(s.benchmark_gaming) FILTER (WHERE NOT s.after), 0) AS benchmark_gaming_b,
            coalesce(sum(s.benchmark_gaming) FILTER (WHERE s.after), 0) AS benchmark_gaming_a,
            coalesce(sum(s.regression) FILTER (WHERE NOT s.after), 0) AS regression_b,
            coalesce(sum(s.regression) FILTER (WHERE s.after), 0) AS regression_a,
            coalesce(sum(s.praise) FILTER (WHERE NOT s.after), 0) AS praise_b,
            coalesce(sum(s.praise) FILTER (WHERE s.after), 0) AS praise_a,
            coalesce(sum(s.comparison) FILTER (WHERE NOT s.after), 0) AS comparison_b,
            coalesce(sum(s.comparison) FILTER (WHERE s.after), 0) AS comparison_a,
            coalesce(sum(s.deployment_issue) FILTER (WHERE NOT s.after), 0) AS deployment_issue_b,
            coalesce(sum(s.deployment_issue) FILTER (WHERE s.after), 0) AS deployment_issue_a
        FROM events e
        LEFT JOIN coverage c USING (launch_key)
        LEFT JOIN sides s USING (event_id)
        GROUP BY ALL
    ),
    -- One row per event and count metric; unnesting a list, unlike LATERAL (VALUES ...), needs
    -- no correlated join.
    counts AS (
        SELECT launch_key, event_id, event_time, time_precision, kind, label, covered,
               m.metric, m.ord, m.b::DOUBLE AS before, m.a::DOUBLE AS after
        FROM (
            SELECT *, unnest([
                {'metric': 'posts', 'ord': 0, 'b': posts_b, 'a': posts_a},
                {'metric': 'contamination', 'ord': 2, 'b': contamination_b, 'a': contamination_a},
                {'metric': 'benchmark_gaming', 'ord': 3, 'b': benchmark_gaming_b, 'a': benchmark_gaming_a},
                {'metric': 'regression', 'ord': 4, 'b': regression_b, 'a': regression_a},
                {'metric': 'praise', 'ord': 5, 'b': praise_b, 'a': praise_a},
                {'metric': 'comparison', 'ord': 6, 'b': comparison_b, 'a': comparison_a},
                {'metric': 'deployment_issue', 'ord': 7, 'b': deployment_issue_b, 'a': deployment_issue_a}
            ]) AS m
            FROM sums
        )
    ),
    shares AS (
        SELECT
            launch_key, event_id, event_time, time_precision, kind, label, covered,
            negative_b / nullif(classified_b, 0) AS before,
            negative_a / nullif(classified_a, 0) AS after,
            wilson_low(negative_b, classified_b) AS before_low, wilson_high(negative_b, classified_b) AS before_high,
            wilson_low(negative_a, classified_a) AS after_low, wilson_high(negative_a, classified_a) AS after_high
        FROM sums
    )
    SELECT
        launch_key, event_id, event_time, time_precision, kind, label, window_hours, covered, metric,
        before, after, NULL::DOUBLE AS before_low, NULL::DOUBLE AS before_high,
        NULL::DOUBLE AS after_low, NULL::DOUBLE AS after_high,
        'rate ratio' AS change_kind,
        CASE WHEN before + after > 0 THEN odds(after / (before + after)) END AS change,
        odds(wilson_low(after, before + after)) AS change_low,
        odds(wilson_high(after, before + after)) AS change_high,
        ord
    FROM counts
    UNION ALL
    SELECT
        launch_key, event_id, event_time, time_precision, kind, label, window_hours, covered,
        'negative_share' AS metric, before, after, before_low, before_high, after_low, after_high,
        'difference' AS change_kind,
        after - before AS change,
        after - before - sqrt((after - after_low) ** 2 + (before_high - before) ** 2) AS change_low,
        after - before + sqrt((after_high - after) ** 2 + (before - before_low) ** 2) AS change_high,
        1 AS ord
    FROM shares
    ORDER BY launch_key, event_time, label, ord;
