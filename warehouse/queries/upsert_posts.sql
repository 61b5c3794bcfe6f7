-- New posts are inserted whole; a post seen again keeps its first sighting and content as
-- first stored, and takes the newer engagement, text edits and last_seen_at.
INSERT INTO posts BY NAME
SELECT *, collected_at AS first_seen_at, collected_at AS last_seen_at FROM incoming_posts
ON CONFLICT (post_id) DO UPDATE SET
    url = excluded.url,
    author = excluded.author,
    title = excluded.title,
    text = excluded.text,
    lang = excluded.lang,
    score = excluded.score,
    replies = excluded.replies,
    collected_at = excluded.collected_at,
    collector = excluded.collector,
    last_seen_at = greatest(posts.last_seen_at, excluded.last_seen_at);
