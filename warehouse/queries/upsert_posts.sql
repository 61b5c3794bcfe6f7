-- New posts are inserted whole; a post seen again keeps its first sighting and content as
-- first stored, and takes the newer engagement, text edits and last_seen_at.
-- Deletion is sticky: once a post is seen deleted at the source, no later sighting (an older
-- archive copy, a cached API response) brings back its author, title or text.
INSERT INTO posts BY NAME
SELECT *, collected_at AS first_seen_at, collected_at AS last_seen_at FROM incoming_posts
ON CONFLICT (post_id) DO UPDATE SET
    url = excluded.url,
    author = CASE WHEN posts.deleted OR excluded.deleted THEN NULL ELSE excluded.author END,
    title = CASE WHEN posts.deleted OR excluded.deleted THEN NULL ELSE excluded.title END,
    text = CASE WHEN posts.deleted OR excluded.deleted THEN '' ELSE excluded.text END,
    lang = excluded.lang,
    score = excluded.score,
    replies = excluded.replies,
    collected_at = excluded.collected_at,
    collector = excluded.collector,
    deleted = posts.deleted OR excluded.deleted,
    last_seen_at = greatest(posts.last_seen_at, excluded.last_seen_at);
