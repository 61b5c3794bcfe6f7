-- Replace the alerts with the spikes found under the given settings, each with its top posts:
-- for a claim, the posts making it that hour, highest claim score first; for 'posts', the
-- hour's posts with the most engagement.
INSERT INTO alerts
SELECT
    s.launch_key, s.metric, s.hour, s.count, s.baseline, s.ratio,
    $threshold, $baseline_hours, $min_count,
    (
        SELECT list(
            struct_pack(post_id := f.post_id, url := p.url, platform := f.platform, title := p.title,
                        text := left(p.text, 280), score := f.score)
            ORDER BY TRY_CAST(f.scores ->> s.metric AS DOUBLE) DESC NULLS LAST, f.score DESC NULLS LAST, f.post_id
        )[1:$top_posts]
        FROM launch_post_facts f
        JOIN posts p USING (post_id)
        WHERE f.launch_key = s.launch_key
          AND utc_bucket('hour', f.created_at) = s.hour
          AND (s.metric = 'posts' OR list_contains(f.claims, s.metric))
    ),
    $now
FROM spikes($baseline_hours, $threshold, $min_count) s;
