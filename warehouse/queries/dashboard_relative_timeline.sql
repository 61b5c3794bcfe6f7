-- As dashboard_timeline.sql, on hours since the launch's release: t_hours is the start of a
-- bucket of $bucket_hours hours (T+0 holds hours [0, $bucket_hours); negative before release).
-- Hours come from integer microseconds, as in post_facts_relative (migration 007).
SELECT
    (floor((epoch_us(f.created_at) - epoch_us(l.released_at)) / 3600000000.0 / $bucket_hours) * $bucket_hours)::BIGINT AS t_hours,
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
FROM launch_post_facts f
JOIN launches l USING (launch_key)
WHERE f.launch_key = $launch
  AND ($since IS NULL OR f.created_at >= $since)
  AND ($until IS NULL OR f.created_at < $until)
  AND ($platforms IS NULL OR list_contains($platforms, f.platform))
  AND ($langs IS NULL OR list_contains($langs, f.lang))
  AND ($claims IS NULL OR list_has_any(f.claims, $claims))
GROUP BY ALL
ORDER BY t_hours;
