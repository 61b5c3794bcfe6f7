-- The dashboard's filters over one launch's stored facts, shared by its timelines and its posts
-- table. A NULL filter means "all"; an empty list matches nothing. With a claim filter, a post
-- is kept when it makes at least one of the chosen claims. hours_since_release is computed as in
-- post_facts_relative (migration 007), from integer microseconds.
CREATE MACRO dashboard_facts(p_launch, p_since, p_until, p_platforms, p_langs, p_claims) AS TABLE
SELECT f.*, (epoch_us(f.created_at) - epoch_us(l.released_at)) / 3600000000.0 AS hours_since_release
FROM launch_post_facts f
JOIN launches l USING (launch_key)
WHERE f.launch_key = p_launch
  AND (p_since IS NULL OR f.created_at >= p_since)
  AND (p_until IS NULL OR f.created_at < p_until)
  AND (p_platforms IS NULL OR list_contains(p_platforms, f.platform))
  AND (p_langs IS NULL OR list_contains(p_langs, f.lang))
  AND (p_claims IS NULL OR list_has_any(f.claims, p_claims));
