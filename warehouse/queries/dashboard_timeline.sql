-- One launch's posts per UTC bucket ($unit: 'hour' or 'day') under the dashboard's filters.
-- Reads launch_post_facts, stored sorted by launch and time, so only that launch's row groups
-- are scanned. A NULL filter means "all". With a claim filter, only posts making one of the
-- chosen claims count, and only the chosen claims are counted in the claim columns.
SELECT
    make_timestamptz(bucket_us) AS bucket,
    count(*) AS posts,
    count(*) FILTER (WHERE sentiment = 'positive') AS positive,
    count(*) FILTER (WHERE sentiment = 'neutral') AS neutral,
    count(*) FILTER (WHERE sentiment = 'negative') AS negative,
    count(*) FILTER (WHERE sentiment = 'negative') / nullif(count(*) FILTER (WHERE classified), 0) AS negative_share,
    coalesce(sum(contamination) FILTER (WHERE $claims IS NULL OR list_contains($claims, 'contamination')), 0) AS contamination,
    coalesce(sum(benchmark_gaming) FILTER (WHERE $claims IS NULL OR list_contains($claims, 'benchmark_gaming')), 0) AS benchmark_gaming,
    coalesce(sum(regression) FILTER (WHERE $claims IS NULL OR list_contains($claims, 'regression')), 0) AS regression,
    coalesce(sum(praise) FILTER (WHERE $claims IS NULL OR list_contains($claims, 'praise')), 0) AS praise,
    coalesce(sum(comparison) FILTER (WHERE $claims IS NULL OR list_contains($claims, 'comparison')), 0) AS comparison,
    coalesce(sum(deployment_issue) FILTER (WHERE $claims IS NULL OR list_contains($claims, 'deployment_issue')), 0) AS deployment_issue
FROM (
    SELECT *, utc_bucket_us($unit, created_at) AS bucket_us
    FROM launch_post_facts
    WHERE launch_key = $launch
      AND ($since IS NULL OR created_at >= $since)
      AND ($until IS NULL OR created_at < $until)
      AND ($platforms IS NULL OR list_contains($platforms, platform))
      AND ($langs IS NULL OR list_contains($langs, lang))
      AND ($claims IS NULL OR list_has_any(claims, $claims))
)
GROUP BY bucket_us
ORDER BY bucket_us;
