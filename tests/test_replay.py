"""The Algolia replay: search semantics over recorded hits, and the httpx transport serving them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from extractors import SearchQuery
from extractors.hackernews import HackerNewsExtractor
from extractors.replay import AlgoliaIndex, AlgoliaQueryError, ReplayTransport, load_hits, replay_transports

REPLAY_DIR = Path(__file__).parent / "fixtures" / "hackernews" / "replay"
LAUNCH = datetime(2025, 4, 5, 19, 0, 44, tzinfo=timezone.utc)
ENVELOPE = {"hits", "nbHits", "page", "nbPages", "hitsPerPage", "exhaustiveNbHits", "query", "params", "processingTimeMS"}


def hit(object_id: int, created: int, tags: list[str], **fields: object) -> dict:
    return {"objectID": str(object_id), "created_at_i": created, "_tags": tags, **fields}


@pytest.fixture
def index() -> AlgoliaIndex:
    return AlgoliaIndex(
        [
            hit(1, 100, ["story", "author_pg", "story_1"], title="Llama 4 released", url="https://ai.meta.com/llama-4", points=50),
            hit(2, 300, ["comment", "author_dang", "story_1"], author="dang", comment_text="Maverick <i>disappoints</i>", story_title="Llama 4 released"),
            hit(3, 200, ["comment", "author_pg", "story_9"], comment_text="LLAMA 4 scout fits one GPU", story_title="Other"),
            hit(4, 400, ["poll", "author_pg", "story_4"], title="Which llama?", points=3),
            hit(5, 250, ["story", "author_sama", "story_5"], title="Llamas of the Andes", url="https://example.org/llama-4-review", points=7),
        ]
    )


def ids(body: dict) -> list[str]:
    return [h["objectID"] for h in body["hits"]]


def test_response_has_algolias_envelope_and_is_newest_first(index: AlgoliaIndex) -> None:
    body = index.search_by_date({})
    assert ENVELOPE <= set(body)
    assert ids(body) == ["4", "2", "5", "3", "1"]
    assert (body["nbHits"], body["nbPages"], body["hitsPerPage"], body["page"]) == (5, 1, 20, 0)


def test_tags_are_anded_with_parenthesised_or_groups(index: AlgoliaIndex) -> None:
    assert ids(index.search_by_date({"tags": "story"})) == ["5", "1"]
    assert ids(index.search_by_date({"tags": "author_pg,(story,poll)"})) == ["4", "1"]
    assert ids(index.search_by_date({"tags": "comment,(story_1,story_9)"})) == ["2", "3"]
    assert ids(index.search_by_date({"tags": "comment,story_9"})) == ["3"]


def test_numeric_filters_on_created_at_and_points(index: AlgoliaIndex) -> None:
    assert ids(index.search_by_date({"numericFilters": "created_at_i>=200,created_at_i<300"})) == ["5", "3"]
    assert ids(index.search_by_date({"numericFilters": "created_at_i>200,created_at_i<=300"})) == ["2", "5"]
    # Comments have no points, so a points filter never matches them.
    assert ids(index.search_by_date({"numericFilters": "points>=7"})) == ["5", "1"]
    with pytest.raises(AlgoliaQueryError, match="Invalid numericFilters"):
        index.search_by_date({"numericFilters": "score>1"})


def test_query_words_must_all_appear_in_searchable_attributes(index: AlgoliaIndex) -> None:
    assert ids(index.search_by_date({"query": "llama 4"})) == ["5", "3", "1"]  # hit 5 through its url
    assert ids(index.search_by_date({"query": "LLAMA 4", "tags": "comment"})) == ["3"]  # story_title is not searched
    assert ids(index.search_by_date({"query": "disappoints"})) == ["2"]
    assert ids(index.search_by_date({"query": "dang"})) == ["2"]  # author is searchable
    assert ids(index.search_by_date({"query": "scout fi"})) == ["3"]  # the last word matches as a prefix
    assert ids(index.search_by_date({"query": "sco fits"})) == []


def test_pagination_and_the_1000_hit_cap() -> None:
    big = AlgoliaIndex([hit(i, i, ["comment", f"story_{i}"], comment_text="x") for i in range(1, 1501)])
    first = big.search_by_date({"hitsPerPage": "400"})
    assert (first["nbHits"], first["nbPages"], len(first["hits"])) == (1500, 3, 400)
    assert first["hits"][0]["objectID"] == "1500"
    last = big.search_by_date({"hitsPerPage": "400", "page": "2"})
    assert len(last["hits"]) == 200 and last["hits"][-1]["objectID"] == "501"
    with pytest.raises(AlgoliaQueryError, match="you can only fetch the 1000 hits"):
        big.search_by_date({"hitsPerPage": "400", "page": "3"})


def test_returned_hits_are_copies(index: AlgoliaIndex) -> None:
    index.search_by_date({})["hits"][0]["title"] = "changed"
    assert index.search_by_date({})["hits"][0]["title"] == "Which llama?"


def test_transport_answers_search_by_date_and_404s_the_rest() -> None:
    with httpx.Client(transport=ReplayTransport(REPLAY_DIR), base_url="https://hn.algolia.com/api/v1/") as client:
        found = client.get("search_by_date", params={"tags": "story", "hitsPerPage": 2})
        missing = client.get("items/43595585")
        bad = client.get("search_by_date", params={"numericFilters": "created_at_i~1"})
    assert found.status_code == 200 and found.json()["nbHits"] == 4 and len(found.json()["hits"]) == 2
    assert missing.status_code == 404 and missing.json() == {
        "message": "GET /api/v1/items/43595585 is not served by the replay", "status": 404
    }
    assert bad.status_code == 400 and bad.json()["status"] == 400


def test_extractor_runs_unchanged_over_the_replay() -> None:
    extractor = HackerNewsExtractor(transport=ReplayTransport(REPLAY_DIR))
    items = list(extractor.fetch(SearchQuery(terms=("llama 4",), label="llama-4"), LAUNCH, LAUNCH + timedelta(days=3)))
    assert {item.payload["objectID"]: item.query for item in items} == {
        "43595585": "llama 4",
        "43596500": "llama 4",
        "43596001": "llama 4",
        "43597002": "llama 4",
        "43591000": "llama 4",
        "43596010": "thread:43595585",
        "43596600": "thread:43596500",
    }
    posts = [extractor.normalize(item, LAUNCH + timedelta(days=4)) for item in items]
    assert {post.lang for post in posts} == {"en", "zh"}


def test_replay_transports_lists_recorded_sources(tmp_path: Path) -> None:
    assert set(replay_transports(REPLAY_DIR)) == {"hackernews"}
    assert replay_transports(tmp_path) == {}
    with pytest.raises(FileNotFoundError, match="does not exist"):
        replay_transports(tmp_path / "nowhere")


def test_a_bad_recording_line_names_its_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "hackernews"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps(hit(1, 1, ["story"])) + "\n\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"a\.jsonl:3: expected a JSON object"):
        load_hits(folder)
    with pytest.raises(FileNotFoundError, match="expected one Algolia hit per line"):
        ReplayTransport(tmp_path / "empty")
