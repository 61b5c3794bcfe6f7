"""Reddit: a praw client (client.py) and a pure normalizer shared with the archive dumps (normalize.py)."""

from extractors.reddit.client import DEFAULT_SUBREDDITS, RedditExtractor
from extractors.reddit.normalize import normalize

__all__ = ["DEFAULT_SUBREDDITS", "RedditExtractor", "normalize"]
