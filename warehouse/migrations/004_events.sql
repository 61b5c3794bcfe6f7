-- Launch-relative time, event impact, spikes (alerts) and where each claim started.
-- All times are UTC; "T+h" is hours since the launch's released_at in the catalogue.

-- post_facts reduced to what the analyses below count, stored as a table sorted by launch and
-- time. Joining posts, links and labels on text keys at query time takes seconds at millions of
-- posts; a stored copy lets a per-launch query read only its launch's blocks. It is refreshed
-- from post_facts after every classification (warehouse/facts.py), so the published snapshot
-- always carries a current copy.
CREATE TABLE launch_post_facts AS
SELECT launch_key, post_id, platform, lang, created_at, score, classified, sentiment, claims, scores,
       contamination, benchmark_gaming, regression, praise, comparison, deployment_issue
FROM post_facts
LIMIT 0;

-- Every post of a launch with its hours since the launch's release (negative: before it).
-- Differences of epochs, not of TIMESTAMPTZ values: interval arithmetic on TIMESTAMPTZ goes
-- through the calendar and is ~100x slower per row.
CREATE VIEW post_facts_relative AS
SELECT f.*, l.released_at, (epoch(f.created_at) - epoch(l.released_at)) / 3600.0 AS hours_since_release
FROM launch_post_facts f
JOIN launches l USING (launch_key);

-- Every event of a launch on the same axis.
CREATE VIEW events_relative AS
SELECT e.*, l.released_at, (epoch(e.event_time) - epoch(l.released_at)) / 3600.0 AS hours_since_release
FROM benchmark_events e
JOIN launches l USING (launch_key);

-- Counts per launch and bucket of `bucket_hours` hours since release; t_hours is the bucket's
-- start (T+0 holds hours [0, bucket_hours)). Shares count classified posts only, as elsewhere.
CREATE MACRO relative_timeline(bucket_hours) AS TABLE
    SELECT
        launch_key,
        (floor(hours_since_release / bucket_hours) * bucket_hours)::BIGINT AS t_hours,
        count(*) AS posts,
        count(*) FILTER (WHERE sentiment = 'positive') AS positive,
        count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
        count(*) FILTER (WHERE sentiment = 'negative') AS negative,
        count(*) FILTER (WHERE sentiment = 'negative') / nullif(count(*) FILTER (WHERE classified), 0) AS negative_share,
        coalesce(sum(contamination), 0)::BIGINT AS contamination,
        coalesce(sum(benchmark_gaming), 0)::BIGINT AS benchmark_gaming,
        coalesce(sum(regression), 0)::BIGINT AS regression,
        coalesce(sum(praise), 0)::BIGINT AS praise,
        coalesce(sum(comparison), 0)::BIGINT AS comparison,
        coalesce(sum(deployment_issue), 0)::BIGINT AS deployment_issue
    FROM post_facts_relative
    GROUP BY ALL;

CREATE VIEW timeline_relative_hour AS SELECT * FROM relative_timeline(1);

-- Wilson score interval for k successes in n trials (95%); NULL when n = 0. The bounds at
-- k = 0 and k = n are exactly 0 and 1 (rounding would otherwise make an open bound finite).
CREATE MACRO wilson_low(k, n) AS CASE WHEN n > 0 AND k = 0 THEN 0.0 WHEN n > 0 THEN greatest(0.0,
    (k / n + 1.920729 / n - 1.959964 * sqrt(k / n * (1 - k / n) / n + 0.960365 / (n * n))) / (1 + 3.841459 / n)) END;
CREATE MACRO wilson_high(k, n) AS CASE WHEN n > 0 AND k = n THEN 1.0 WHEN n > 0 THEN least(1.0,
    (k / n + 1.920729 / n + 1.959964 * sqrt(k / n * (1 - k / n) / n + 0.960365 / (n * n))) / (1 + 3.841459 / n)) END;
-- A proportion p of `after` among before + after, as the rate ratio after/before (windows of
-- equal length): p / (1 - p), open-ended (infinity) at p = 1.
CREATE MACRO odds(p) AS CASE WHEN p >= 1 THEN 'infinity'::DOUBLE ELSE p / (1 - p) END;

-- Per event of a launch (every launch when `launch` is NULL): each measure in the `window_hours`
-- before the event ([t - w, t)) and after it ([t, t + w)).
-- Counts (posts and each claim type): the rate ratio after/before with a 95% interval from the
-- conditional binomial: given n = before + after, after ~ Binomial(n, RR / (1 + RR)); the Wilson
-- interval of that proportion, mapped through p / (1 - p), bounds RR. Zero counts stay honest:
-- after = 0 gives a lower bound of 0, before = 0 an open upper bound (infinity), both 0 no ratio.
-- negative_share: each window's share of classified posts with its Wilson interval, and the
-- difference after - before with Newcombe's hybrid score interval.
-- Events at the same instant share their windows, so they are one row with their labels joined
-- ("LMArena #32 (Maverick); LMArena dropped (Maverick Exp.)"); the same fact from two files (an
-- Aider result in the sourced timeline and in the Aider import) shows its label once. `covered` says whether collection
-- (the successful ingest runs of the launch) spans both windows; if not, a low "before" may only
-- mean that nothing was collected then.
CREATE MACRO event_impact(launch, window_hours) AS TABLE
    WITH events AS (
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
    windows AS (
        SELECT
            e.launch_key, e.event_id, e.event_time, e.time_precision, e.kind, e.label,
            coalesce(c.collected_from <= e.window_start AND c.collected_until >= e.window_end, false) AS covered,
            f.created_at >= e.event_time AS after,
            f.post_id, f.classified, f.sentiment, f.contamination, f.benchmark_gaming, f.regression,
            f.praise, f.comparison, f.deployment_issue
        FROM events e
        LEFT JOIN coverage c USING (launch_key)
        LEFT JOIN launch_post_facts f
            ON f.launch_key = e.launch_key
           AND (launch IS NULL OR f.launch_key = launch)
           AND f.created_at >= e.window_start
           AND f.created_at < e.window_end
    ),
    sums AS MATERIALIZED (
        SELECT
            launch_key, event_id, event_time, time_precision, kind, label, covered,
            count(post_id) FILTER (WHERE NOT after) AS posts_b,
            count(post_id) FILTER (WHERE after) AS posts_a,
            count(post_id) FILTER (WHERE NOT after AND classified) AS classified_b,
            count(post_id) FILTER (WHERE after AND classified) AS classified_a,
            count(post_id) FILTER (WHERE NOT after AND sentiment = 'negative') AS negative_b,
            count(post_id) FILTER (WHERE after AND sentiment = 'negative') AS negative_a,
            coalesce(sum(contamination) FILTER (WHERE NOT after), 0) AS contamination_b,
            coalesce(sum(contamination) FILTER (WHERE after), 0) AS contamination_a,
            coalesce(sum(benchmark_gaming) FILTER (WHERE NOT after), 0) AS benchmark_gaming_b,
            coalesce(sum(benchmark_gaming) FILTER (WHERE after), 0) AS benchmark_gaming_a,
            coalesce(sum(regression) FILTER (WHERE NOT after), 0) AS regression_b,
            coalesce(sum(regression) FILTER (WHERE after), 0) AS regression_a,
            coalesce(sum(praise) FILTER (WHERE NOT after), 0) AS praise_b,
            coalesce(sum(praise) FILTER (WHERE after), 0) AS praise_a,
            coalesce(sum(comparison) FILTER (WHERE NOT after), 0) AS comparison_b,
            coalesce(sum(comparison) FILTER (WHERE after), 0) AS comparison_a,
            coalesce(sum(deployment_issue) FILTER (WHERE NOT after), 0) AS deployment_issue_b,
            coalesce(sum(deployment_issue) FILTER (WHERE after), 0) AS deployment_issue_a
        FROM windows
        GROUP BY ALL
    ),
    counts AS (
        SELECT launch_key, event_id, event_time, time_precision, kind, label, covered, metric, m.ord,
               m.b::DOUBLE AS before, m.a::DOUBLE AS after
        FROM sums,
        LATERAL (VALUES
            ('posts', 0, posts_b, posts_a),
            ('contamination', 2, contamination_b, contamination_a),
            ('benchmark_gaming', 3, benchmark_gaming_b, benchmark_gaming_a),
            ('regression', 4, regression_b, regression_a),
            ('praise', 5, praise_b, praise_a),
            ('comparison', 6, comparison_b, comparison_a),
            ('deployment_issue', 7, deployment_issue_b, deployment_issue_a)
        ) AS m(metric, ord, b, a)
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

CREATE VIEW event_impacts AS SELECT * EXCLUDE (ord) FROM event_impact(NULL, 24);

-- Spike detection input: hourly counts per launch and metric ('posts' or a claim type) from the
-- launch's first post hour to its last, empty hours included, with the mean of the
-- `baseline_hours` hours before each hour. Only hours with a full trailing window are compared,
-- so a launch's first burst (which has no baseline) is not a spike.
CREATE MACRO hourly_baseline(baseline_hours) AS TABLE
    WITH span AS (
        SELECT launch_key, min(utc_bucket('hour', created_at)) AS first_hour,
               max(utc_bucket('hour', created_at)) AS last_hour
        FROM launch_post_facts GROUP BY launch_key
    ),
    hours AS (
        SELECT launch_key, first_hour, unnest(generate_series(first_hour, last_hour, INTERVAL 1 HOUR)) AS hour
        FROM span
    ),
    counts AS (
        SELECT launch_key, utc_bucket('hour', created_at) AS hour, count(*) AS posts,
               coalesce(sum(contamination), 0) AS contamination, coalesce(sum(benchmark_gaming), 0) AS benchmark_gaming,
               coalesce(sum(regression), 0) AS regression, coalesce(sum(praise), 0) AS praise,
               coalesce(sum(comparison), 0) AS comparison, coalesce(sum(deployment_issue), 0) AS deployment_issue
        FROM launch_post_facts GROUP BY ALL
    ),
    filled AS (
        SELECT h.launch_key, h.first_hour, h.hour, metric, coalesce(m.n, 0)::BIGINT AS count
        FROM hours h
        CROSS JOIN (VALUES ('posts'), ('contamination'), ('benchmark_gaming'), ('regression'), ('praise'),
                           ('comparison'), ('deployment_issue')) AS metrics(metric)
        LEFT JOIN (
            UNPIVOT counts ON posts, contamination, benchmark_gaming, regression, praise, comparison, deployment_issue
            INTO NAME metric VALUE n
        ) m USING (launch_key, hour, metric)
    ),
    running_counts AS (
        SELECT *, sum(count) OVER (PARTITION BY launch_key, metric ORDER BY hour) AS running
        FROM filled
    ),
    -- The trailing sum is the difference of two running sums; windows are computed after a
    -- WHERE, so the hours are filtered only in the outer query.
    baselines AS (
        SELECT launch_key, metric, hour, first_hour, count,
            (lag(running, 1, 0) OVER w - lag(running, baseline_hours + 1, 0) OVER w) / baseline_hours AS baseline
        FROM running_counts
        WINDOW w AS (PARTITION BY launch_key, metric ORDER BY hour)
    )
    SELECT launch_key, metric, hour, count, baseline
    FROM baselines
    WHERE hour >= first_hour + to_hours(baseline_hours);

-- Hours whose count is at least `min_count` and at least `threshold` times the trailing mean.
CREATE MACRO spikes(baseline_hours, threshold, min_count) AS TABLE
    SELECT launch_key, metric, hour, count, baseline,
           CASE WHEN baseline > 0 THEN count / baseline ELSE 'infinity'::DOUBLE END AS ratio
    FROM hourly_baseline(baseline_hours)
    WHERE count >= min_count AND count >= threshold * baseline;

-- A spike: an hour where a launch's posts, or posts making one claim, rose far above the
-- trailing baseline (see warehouse/alerts.py for the rule and when it runs).
CREATE TABLE alerts (
    launch_key     VARCHAR NOT NULL,
    metric         VARCHAR NOT NULL,     -- 'posts' or a claim type
    hour           TIMESTAMPTZ NOT NULL, -- the UTC hour of the spike
    count          BIGINT NOT NULL,      -- posts (making the claim) in that hour
    baseline       DOUBLE NOT NULL,      -- mean hourly count over the trailing window
    ratio          DOUBLE NOT NULL,      -- count / baseline (infinity when the baseline is 0)
    threshold      DOUBLE NOT NULL,      -- the settings the spike was found with
    baseline_hours INTEGER NOT NULL,
    min_count      INTEGER NOT NULL,
    top_posts      STRUCT(post_id VARCHAR, url VARCHAR, platform VARCHAR, title VARCHAR, text VARCHAR, score BIGINT)[],
    detected_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (launch_key, metric, hour)
);

-- Where each claim started: for each launch and claim type, the first post per platform
-- (`scope` = 'platform') and per language (`scope` = 'lang'), with its link and T+h.
CREATE VIEW claim_first_posts AS
WITH claimed AS (
    SELECT f.*, unnest(f.claims) AS claim FROM post_facts_relative f WHERE f.classified
),
firsts AS (
    SELECT 'platform' AS scope, platform AS value, * FROM claimed
    QUALIFY row_number() OVER (PARTITION BY launch_key, claim, platform ORDER BY created_at, post_id) = 1
    UNION ALL
    SELECT 'lang' AS scope, coalesce(lang, 'und') AS value, * FROM claimed
    QUALIFY row_number() OVER (PARTITION BY launch_key, claim, coalesce(lang, 'und') ORDER BY created_at, post_id) = 1
)
SELECT f.launch_key, f.claim, f.scope, f.value, f.created_at, f.hours_since_release, f.post_id, p.url,
       f.platform, f.lang, p.author, p.title, p.text
FROM firsts f
JOIN posts p USING (post_id)
ORDER BY f.launch_key, f.claim, f.scope, f.created_at;
