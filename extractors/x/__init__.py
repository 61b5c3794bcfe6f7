"""X (Twitter): a tweepy API v2 client (client.py) and a pure normalizer shared with twarc2 dumps (normalize.py)."""

from extractors.x.client import XExtractor
from extractors.x.normalize import flatten_page, normalize

__all__ = ["XExtractor", "flatten_page", "normalize"]
