"""A loopback Reddit for praw: OAuth token, subreddit search, comment trees, morechildren.

Shapes follow Reddit's API as praw consumes it: a search answers a `Listing`
(`{"kind": "Listing", "data": {"after", "before", "dist", "modhash", "geo_filter",
"children": [{"kind": "t3", "data": {...}}]}}`), `/comments/<id>/` answers a two-element array
(the submission's Listing, then the comment Listing whose t1 children nest their `replies` as
Listings, or "" when there are none, and end with `more` stubs), `/api/morechildren` answers
`{"json": {"errors": [], "data": {"things": [...]}}}`, and `/api/v1/access_token` answers the
OAuth2 token object. A refused client gets Reddit's 401 body `{"message": "Unauthorized", "error": 401}`.
"""

from __future__ import annotations

import base64
import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "s3cr3t-never-print-me"


def t3(base36: str, created: int, title: str, selftext: str = "", subreddit: str = "LocalLLaMA", **extra: Any) -> dict:
    """A submission object with the field set Reddit's API returns (abridged of media fields)."""
    data = {
        "approved_at_utc": None, "subreddit": subreddit, "selftext": selftext, "author_fullname": "t2_8ab3k2",
        "saved": False, "gilded": 0, "clicked": False, "title": title, "link_flair_richtext": [],
        "subreddit_name_prefixed": f"r/{subreddit}", "hidden": False, "pwls": 6, "link_flair_css_class": None,
        "downs": 0, "thumbnail_height": None, "top_awarded_type": None, "hide_score": False, "name": f"t3_{base36}",
        "quarantine": False, "link_flair_text_color": "dark", "upvote_ratio": 0.93, "author_flair_background_color": None,
        "subreddit_type": "public", "ups": 120, "total_awards_received": 0, "thumbnail_width": None,
        "author_flair_template_id": None, "is_original_content": False, "secure_media": None, "is_reddit_media_domain": False,
        "is_meta": False, "category": None, "link_flair_text": "News", "can_mod_post": False, "score": 120,
        "approved_by": None, "is_created_from_ads_ui": False, "author_premium": False, "thumbnail": "self",
        "edited": False, "author_flair_css_class": None, "gildings": {}, "content_categories": None, "is_self": True,
        "mod_note": None, "created": float(created), "link_flair_type": "text", "wls": 6, "removed_by_category": None,
        "banned_by": None, "author_flair_type": "text", "domain": f"self.{subreddit}", "allow_live_comments": False,
        "selftext_html": None, "likes": None, "suggested_sort": None, "banned_at_utc": None, "view_count": None,
        "archived": False, "no_follow": False, "is_crosspostable": False, "pinned": False, "over_18": False,
        "all_awardings": [], "awarders": [], "media_only": False, "can_gild": False, "spoiler": False, "locked": False,
        "author_flair_text": None, "treatment_tags": [], "visited": False, "removed_by": None, "num_reports": None,
        "distinguished": None, "subreddit_id": "t5_81eyvm", "author_is_blocked": False, "mod_reason_by": None,
        "removal_reason": None, "link_flair_background_color": "", "id": base36, "is_robot_indexable": True,
        "report_reasons": None, "author": "alice_ml", "discussion_type": None, "num_comments": 0, "send_replies": True,
        "contest_mode": False, "mod_reports": [], "author_patreon_flair": False, "author_flair_text_color": None,
        "permalink": f"/r/{subreddit}/comments/{base36}/{_slug(title)}/", "stickied": False,
        "url": f"https://www.reddit.com/r/{subreddit}/comments/{base36}/{_slug(title)}/", "subreddit_subscribers": 412000,
        "created_utc": float(created), "num_crossposts": 0, "media": None, "is_video": False,
    }
    data.update(extra)
    return data


def t1(base36: str, created: int, text: str, link: str, parent: str | None = None, subreddit: str = "LocalLLaMA", **extra: Any) -> dict:
    """A comment object with the field set Reddit's API returns; `link` and `parent` are base36 ids."""
    data = {
        "subreddit_id": "t5_81eyvm", "approved_at_utc": None, "author_is_blocked": False, "comment_type": None,
        "awarders": [], "mod_reason_by": None, "banned_by": None, "author_flair_type": "text",
        "total_awards_received": 0, "subreddit": subreddit, "author_flair_template_id": None, "likes": None,
        "replies": "", "user_reports": [], "saved": False, "id": base36, "banned_at_utc": None, "mod_reason_title": None,
        "gilded": 0, "archived": False, "collapsed_reason_code": None, "no_follow": True, "author": "bob_gpu",
        "can_mod_post": False, "created_utc": float(created), "send_replies": True,
        "parent_id": f"t1_{parent}" if parent else f"t3_{link}", "score": 14, "author_fullname": "t2_1x9q7",
        "approved_by": None, "mod_note": None, "all_awardings": [], "collapsed": False, "body": text, "edited": False,
        "top_awarded_type": None, "author_flair_css_class": None, "name": f"t1_{base36}", "is_submitter": False,
        "downs": 0, "author_flair_richtext": [], "author_patreon_flair": False, "body_html": f"<div class=\"md\"><p>{text}</p></div>",
        "removal_reason": None, "collapsed_reason": None, "distinguished": None, "associated_award": None,
        "stickied": False, "author_premium": False, "can_gild": False, "gildings": {}, "unrepliable_reason": None,
        "author_flair_text_color": None, "score_hidden": False, "permalink": f"/r/{subreddit}/comments/{link}/comment/{base36}/",
        "subreddit_type": "public", "locked": False, "report_reasons": None, "created": float(created),
        "author_flair_text": None, "treatment_tags": [], "link_id": f"t3_{link}", "subreddit_name_prefixed": f"r/{subreddit}",
        "controversiality": 0, "depth": 0, "author_flair_background_color": None, "collapsed_because_crowd_control": None,
        "mod_reports": [], "num_reports": None, "ups": 14,
    }
    data.update(extra)
    return data


def _slug(title: str) -> str:
    return "_".join("".join(c for c in word if c.isalnum()) for word in title.lower().split()[:8])


def listing(children: list[dict], after: str | None = None) -> dict:
    return {
        "kind": "Listing",
        "data": {"after": after, "dist": len(children), "modhash": "", "geo_filter": "", "children": children, "before": None},
    }


@dataclass
class FakeReddit:
    """Submissions and comments to serve, and errors to answer before serving."""

    submissions: list[dict] = field(default_factory=list)
    comments: list[dict] = field(default_factory=list)
    # Responses (status, headers, body) answered, in order, instead of the next data requests.
    failures: deque = field(default_factory=deque)
    requests: list[str] = field(default_factory=list)
    more_batch: int = 2  # comments shown per level before a `more` stub
    page_cap: int = 100  # Reddit serves at most 100 listing items per request, whatever limit asks

    def install(self, httpserver) -> dict[str, Any]:
        """Route the fake on `httpserver`; returns the praw settings that point praw at it."""
        httpserver.expect_request("/api/v1/access_token", method="POST").respond_with_handler(self._token)
        httpserver.expect_request(_MORE).respond_with_handler(self._guarded(self._morechildren))
        httpserver.expect_request(_SEARCH).respond_with_handler(self._guarded(self._search))
        httpserver.expect_request(_COMMENTS).respond_with_handler(self._guarded(self._comments))
        root = httpserver.url_for("").rstrip("/")
        return {"oauth_url": root, "reddit_url": root}

    def _token(self, request: Request) -> Response:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return _json({"message": "Unauthorized", "error": 401}, 401)
        return _json({"access_token": "fake-bearer-token", "token_type": "bearer", "expires_in": 86400, "scope": "*"})

    def _guarded(self, handler):
        def handle(request: Request) -> Response:
            self.requests.append(f"{request.method} {request.full_path}")
            if request.headers.get("Authorization") != "bearer fake-bearer-token":
                return _json({"message": "Unauthorized", "error": 401}, 401)
            if self.failures:
                status, headers, body = self.failures.popleft()
                return Response(body, status=status, headers=headers, content_type="application/json")
            return handler(request)

        return handle

    def _search(self, request: Request) -> Response:
        subs = {s.lower() for s in request.path.split("/")[2].split("+")}
        words = [w.lower() for w in request.args["q"].strip('"').split()]
        hits = [
            s for s in sorted(self.submissions, key=lambda s: -s["created_utc"])
            if s["subreddit"].lower() in subs
            and all(w in f"{s['title']} {s['selftext']}".lower() for w in words)
        ]
        limit = min(int(request.args.get("limit", 25)), self.page_cap)
        after = request.args.get("after")
        start = next((i + 1 for i, s in enumerate(hits) if s["name"] == after), 0)
        page = hits[start : start + limit]
        more = start + limit < len(hits)
        return _json(listing([{"kind": "t3", "data": s} for s in page], page[-1]["name"] if more and page else None))

    def _comments(self, request: Request) -> Response:
        base36 = request.path.rstrip("/").split("/")[2]
        submission = next((s for s in self.submissions if s["id"] == base36), None)
        if submission is None:
            return _json({"message": "Not Found", "error": 404}, 404)
        tree = self._level(f"t3_{base36}", depth=0)
        return _json([listing([{"kind": "t3", "data": submission}]), listing(tree)])

    def _level(self, parent: str, depth: int) -> list[dict]:
        children = [c for c in self.comments if c["parent_id"] == parent]
        shown, hidden = children[: self.more_batch], children[self.more_batch :]
        nodes = []
        for comment in shown:
            replies = self._level(comment["name"], depth + 1)
            nodes.append({"kind": "t1", "data": {**comment, "depth": depth, "replies": listing(replies) if replies else ""}})
        if hidden:
            ids = [c["id"] for c in hidden]
            nodes.append({"kind": "more", "data": {"count": len(ids), "name": f"t1_{ids[0]}", "id": ids[0],
                                                    "parent_id": parent, "depth": depth, "children": ids}})
        return nodes

    def _morechildren(self, request: Request) -> Response:
        wanted = set((request.values.get("children") or "").split(","))
        things = [{"kind": "t1", "data": {**c, "replies": ""}} for c in self.comments if c["id"] in wanted]
        return _json({"json": {"errors": [], "data": {"things": things}}})


_SEARCH = re.compile(r"^/r/[^/]+/search/?$")
_COMMENTS = re.compile(r"^/comments/[a-z0-9]+/?$")
_MORE = re.compile(r"^/api/morechildren/?$")


def _json(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status=status, headers=headers or {}, content_type="application/json; charset=UTF-8")
