-- One launch's posts per bucket under the dashboard's filters (dashboard_facts, migration 008).
-- With $bucket_hours NULL the buckets are UTC $unit ('hour' or 'day') and `bucket` is set; else
-- they are $bucket_hours hours since release and `t_hours` is the bucket's start (T+0 holds
-- hours [0, $bucket_hours); negative before release). Grouping by a BIGINT key and making the
-- timestamp once per group keeps an hourly timeline fast. With a claim filter, only the chosen
-- claims are counted in the claim columns.
SELECT
    CASE WHEN $bucket_hours IS NULL THEN make_timestamptz(bucket_key) END AS bucket,
    CASE WHEN $bucket_hours IS NOT NULL THEN bucket_key END AS t_hours,
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
    SELECT *,
        CASE WHEN $bucket_hours IS NULL THEN utc_bucket_us($unit, created_at)
             ELSE (floor(hours_since_release / $bucket_hours) * $bucket_hours)::BIGINT END AS bucket_key
    FROM dashboard_facts($launch, $since, $until, $platforms, $langs, $claims)
)
GROUP BY bucket_key
ORDER BY bucket_key;
