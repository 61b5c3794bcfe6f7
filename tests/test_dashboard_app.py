"""The dashboard: its queries against known counts, and every page through Streamlit's AppTest.

The warehouse is the demo's Hacker News replay collected by the real extractor, labelled with the
labels the demo posts were written to carry (extractors/demo_data/labels.jsonl) instead of running
the classifier, so the counts are known and the fixture takes seconds.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows import steps
from flows.config import settings
from models.prediction import CLAIMS, Prediction
from warehouse import classifications, snapshot
from warehouse import dashboard as wd
from warehouse.catalogue import UnknownLaunch, load_catalogue
from warehouse.db import connect, transaction

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "extractors" / "demo_data"
APP = ROOT / "dashboards" / "app.py"
LAUNCH = "llama-4"
SCRIPT_TEXT = "<script>alert(1)</script>"
IMG_TEXT = "<img src=x onerror=alert(1)>"


def _labels() -> dict[str, dict]:
    rows = [json.loads(line) for line in (DEMO / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    return {f"hackernews:{row['objectID']}": row for row in rows}


def _label_posts(db_path: Path) -> None:
    """Store the demo's intended labels as a classifier version, each claim's evidence being the
    post's first sentence, and make it the active version."""
    labels = _labels()
    with connect(db_path) as con:
        texts = dict(con.execute("SELECT post_id, text FROM posts").fetchall())
        ids = [post_id for post_id in texts if post_id in labels]
        predictions = [
            Prediction(
                sentiment=labels[post_id]["sentiment"],
                claims=tuple(c for c in CLAIMS if c in labels[post_id]["claims"]),
                scores={},
                evidence={c: re.split(r"(?<=[.!?])\s", texts[post_id].strip())[0] for c in labels[post_id]["claims"]},
                model_id="demo-intended-labels",
                model_version="1",
            )
            for post_id in ids
        ]
        now = datetime.now(timezone.utc)
        with transaction(con):
            classifications.save_predictions(con, ids, predictions, now)
        classifications.activate(con, "demo-intended-labels", "1", now)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    config = settings(tmp_path_factory.mktemp("dash") / "launchwatch.duckdb")
    steps.prepare(config)
    for launch_key in load_catalogue().keys():
        steps.collect(
            config, "hackernews", launch_key,
            datetime(2025, 4, 3, tzinfo=timezone.utc), datetime(2025, 4, 15, tzinfo=timezone.utc), DEMO,
        )
    _label_posts(config.db_path)
    steps.analyze(config)
    steps.publish(config)
    return config.db_path


@pytest.fixture
def con(warehouse):
    with snapshot.open_snapshot(warehouse) as connection:
        yield connection


def _expected(con, where: str = "TRUE", params: list | None = None) -> pd.DataFrame:
    """The launch's posts from the post_facts view (posts, links and labels joined afresh), an
    independent path from the stored launch_post_facts the dashboard reads."""
    return con.execute(
        f"SELECT * FROM post_facts WHERE launch_key = '{LAUNCH}' AND {where}", params or []
    ).fetchdf()


# --- queries ---------------------------------------------------------------------------------


def test_filtered_timeline_counts_match_the_posts_and_their_labels(con):
    facts = _expected(con)
    labels = _labels()
    frame = wd.filtered_timeline(con, LAUNCH, "day")
    assert frame["posts"].sum() == len(facts) > 100
    for claim in CLAIMS:
        assert frame[claim].sum() == sum(claim in labels[p]["claims"] for p in facts["post_id"]), claim
    assert frame["negative"].sum() == sum(labels[p]["sentiment"] == "negative" for p in facts["post_id"])
    hourly = wd.filtered_timeline(con, LAUNCH, "hour")
    assert hourly["posts"].sum() == len(facts)
    assert (hourly["bucket"].diff().dropna() == pd.Timedelta(hours=1)).all()


def test_filters_narrow_the_timeline(con):
    everything = wd.filtered_timeline(con, LAUNCH, "day")
    contamination = wd.filtered_timeline(con, LAUNCH, "day", wd.PostFilter(claims=("contamination",)))
    expected = _expected(con, "list_contains(claims, 'contamination')")
    assert contamination["posts"].sum() == len(expected) < everything["posts"].sum()
    # Only the chosen claim is counted; the others are zero.
    assert contamination["contamination"].sum() == len(expected)
    assert contamination[[c for c in CLAIMS if c != "contamination"]].to_numpy().sum() == 0

    first = everything["bucket"].min()
    day = wd.PostFilter(since=first.to_pydatetime(), until=(first + pd.Timedelta(days=1)).to_pydatetime())
    one_day = wd.filtered_timeline(con, LAUNCH, "day", day)
    assert list(one_day["posts"]) == [everything["posts"].iloc[0]]

    langs = wd.facets(con, LAUNCH)["langs"]
    assert langs and wd.filtered_timeline(con, LAUNCH, "day", wd.PostFilter(langs=tuple(langs)))["posts"].sum() == len(_expected(con))
    assert wd.filtered_timeline(con, LAUNCH, "day", wd.PostFilter(platforms=("reddit",))).empty


def test_relative_timeline_is_on_hours_since_release(con):
    released = con.execute("SELECT released_at FROM launches WHERE launch_key = ?", [LAUNCH]).fetchone()[0]
    facts = _expected(con)
    frame = wd.relative_timeline(con, LAUNCH, 6)
    assert frame["posts"].sum() == len(facts)
    assert (frame["t_hours"] % 6 == 0).all() and (frame["t_hours"].diff().dropna() == 6).all()
    first_hours = (facts["created_at"].min() - pd.Timestamp(released)).total_seconds() / 3600
    assert frame["t_hours"].iloc[0] == (first_hours // 6) * 6
    events = wd.relative_events(con, LAUNCH)
    assert len(events) == len(con.execute("SELECT 1 FROM benchmark_events WHERE launch_key = ?", [LAUNCH]).fetchall())


def test_facets_of_a_launch(con):
    facets = wd.facets(con, LAUNCH)
    facts = _expected(con)
    assert facets["platforms"] == ["hackernews"]
    assert facets["langs"] == sorted(facts["lang"].unique())
    assert facets["posts"] == len(facts)
    assert facets["first_post"] == facts["created_at"].min()
    with pytest.raises(UnknownLaunch):
        wd.facets(con, "no-such-launch")


def test_posts_page_search_and_order(con):
    page, total = wd.posts(con, LAUNCH, limit=10)
    assert total == len(_expected(con)) and len(page) == 10
    assert page["created_at"].is_monotonic_decreasing
    second, _ = wd.posts(con, LAUNCH, limit=10, offset=10)
    assert not set(page["post_id"]) & set(second["post_id"])
    found, count = wd.posts(con, LAUNCH, search="ALERT(1)")
    expected = _expected(con, "(text ILIKE '%alert(1)%' OR title ILIKE '%alert(1)%')")
    assert count == len(found) == len(expected) >= 2
    assert any(SCRIPT_TEXT in text for text in found["text"]) and any(IMG_TEXT in text for text in found["text"])
    scored, _ = wd.posts(con, LAUNCH, order="score", limit=20)
    assert scored["score"].fillna(-1).is_monotonic_decreasing
    with_claim, _ = wd.posts(con, LAUNCH, wd.PostFilter(claims=("benchmark_gaming",)), limit=500)
    assert all("benchmark_gaming" in claims for claims in with_claim["claims"])
    assert all(isinstance(ev, dict) for ev in with_claim["evidence"]) and with_claim["evidence"].map(bool).all()


@pytest.mark.parametrize("hostile", ["'; DROP TABLE posts; --", "%", "_", "\\", "100%' OR '1'='1", '"', "%%__"])
def test_hostile_search_strings_match_literally_and_change_nothing(con, hostile):
    before = con.execute("SELECT count(*) FROM posts").fetchone()[0]
    found, count = wd.posts(con, LAUNCH, search=hostile, limit=500)
    literal = [t for t in _expected(con)["text"] if hostile.lower() in t.lower()]
    titles = [t for t in _expected(con)["title"].dropna() if hostile.lower() in t.lower()]
    assert count >= len(literal)
    assert all(hostile.lower() in f"{row.title or ''} {row.text}".lower() for row in found.itertuples())
    assert count <= len(literal) + len(titles)
    assert con.execute("SELECT count(*) FROM posts").fetchone()[0] == before


def test_bad_arguments_say_what_was_expected(con):
    with pytest.raises(ValueError, match="order must be one of"):
        wd.posts(con, LAUNCH, order="text; DROP TABLE posts")
    with pytest.raises(ValueError, match="limit must be"):
        wd.posts(con, LAUNCH, limit=10_000)
    with pytest.raises(ValueError, match="unknown claim type"):
        wd.PostFilter(claims=("hype",))
    with pytest.raises(ValueError, match="timezone-aware"):
        wd.PostFilter(since=datetime(2025, 4, 5))
    with pytest.raises(ValueError, match="must be before"):
        wd.PostFilter(since=datetime(2025, 4, 6, tzinfo=timezone.utc), until=datetime(2025, 4, 5, tzinfo=timezone.utc))


def test_about_queries(con):
    counts = wd.post_counts(con)
    assert counts["posts"].sum() == con.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert counts["classified"].sum() == con.execute("SELECT count(*) FROM current_classifications").fetchone()[0]
    runs = wd.recent_runs(con, limit=3)
    assert len(runs) == 3 and runs["started_at"].is_monotonic_decreasing
    active = wd.active_classifier(con)
    assert (active["model_id"], active["model_version"]) == ("demo-intended-labels", "1")
    assert wd.model_card("demo-intended-labels", "1") is None
    active_dir = ROOT / "models" / "artifacts" / (ROOT / "models" / "artifacts" / "ACTIVE").read_text().strip()
    bundled = json.loads((active_dir / "model_card.json").read_text(encoding="utf-8"))
    assert wd.model_card(bundled["model_id"], bundled["model_version"]) == bundled


# --- the app -----------------------------------------------------------------------------------

PAGES = ("launch_page.py", "claims_page.py", "events_page.py", "compare_page.py", "about_page.py")


def _app(db_path: Path, monkeypatch, page: str | None = None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LAUNCHWATCH_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    if page is not None:
        at.switch_page(page).run()
    return at


def _shown_text(at) -> str:
    """Everything the page renders as Markdown or HTML."""
    return "\n".join([m.value for m in at.markdown] + [h.proto.body for h in at.get("html")])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_and_shows_the_data_time(warehouse, monkeypatch, page):
    at = _app(warehouse, monkeypatch, page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    with snapshot.open_snapshot(warehouse) as con:
        published = wd.snapshot_time(con)
    assert f"**Snapshot published:** {published.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC" in [m.value for m in at.sidebar.markdown]


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_filters_change_the_launch_page(warehouse, monkeypatch):
    at = _app(warehouse, monkeypatch)
    with snapshot.open_snapshot(warehouse) as con:
        total = len(_expected(con))
        gaming = len(_expected(con, "list_contains(claims, 'benchmark_gaming')"))
    assert _metric(at, "Posts (filtered)") == f"{total:,}"
    charts_before = [c.proto.spec for c in at.get("vega_lite_chart")]
    assert len(charts_before) == 2
    at.sidebar.multiselect(key=f"claims:{LAUNCH}").set_value(["benchmark_gaming"]).run()
    assert not at.exception
    assert _metric(at, "Posts (filtered)") == f"{gaming:,}"
    assert [c.proto.spec for c in at.get("vega_lite_chart")] != charts_before
    at.toggle(key="t_hours").set_value(True).run()
    assert not at.exception
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["layer"][0]["encoding"]["x"]["title"] == "hours since release (T+h)"
    assert _metric(at, "Posts (filtered)") == f"{gaming:,}"
    # A date range holding no post shows a message, not an empty chart.
    first = at.sidebar.date_input(key=f"dates:{LAUNCH}").value[0]
    at.sidebar.multiselect(key=f"claims:{LAUNCH}").set_value([]).run()
    at.sidebar.multiselect(key=f"langs:{LAUNCH}").set_value(["zh"]).run()
    at.sidebar.date_input(key=f"dates:{LAUNCH}").set_value((first, first)).run()
    assert not at.exception
    with snapshot.open_snapshot(warehouse) as con:
        expected = con.execute(
            "SELECT count(*) FROM post_facts WHERE launch_key = ? AND lang = 'zh' AND created_at::DATE = ?", [LAUNCH, first]
        ).fetchone()[0]
    assert _metric(at, "Posts (filtered)") == f"{expected:,}"
    if expected == 0:
        assert any("No posts match these filters" in i.value for i in at.info)


def test_launch_charts_are_the_builders_specs_of_the_data_shown(warehouse, monkeypatch):
    """The page keeps its chart specs in a cache keyed on the query results: after every filter
    change they must be what the chart builders (and so the downloads) make of the data shown."""
    from dashboards import charts
    from warehouse import timeline as wt

    def built(at) -> list:
        first, last = at.sidebar.date_input(key=f"dates:{LAUNCH}").value
        claims = at.sidebar.multiselect(key=f"claims:{LAUNCH}").value
        where = wd.PostFilter(
            claims=tuple(claims) or None,
            since=datetime.combine(first, datetime.min.time(), timezone.utc),
            until=datetime.combine(last + timedelta(days=1), datetime.min.time(), timezone.utc),
        )
        with snapshot.open_snapshot(warehouse) as con:
            frame, events = wd.filtered_timeline(con, LAUNCH, "day", where), wt.events(con, LAUNCH)
        specs = [build(frame, events).to_dict() for build in (charts.claims_chart, charts.negative_share_chart)]
        return [({k: v for k, v in spec.items() if k != "datasets"}, sorted(spec["datasets"])) for spec in specs]

    def shown(at) -> list:
        # Streamlit sends the datasets apart from the spec (as Arrow), under the spec's names.
        return [({k: v for k, v in json.loads(c.proto.spec).items() if k != "datasets"},
                 sorted(d.name for d in c.proto.datasets)) for c in at.get("vega_lite_chart")]

    at = _app(warehouse, monkeypatch)
    unfiltered = shown(at)
    assert unfiltered == built(at)
    at.sidebar.multiselect(key=f"claims:{LAUNCH}").set_value(["regression"]).run()
    assert shown(at) == built(at) != unfiltered
    at.sidebar.multiselect(key=f"claims:{LAUNCH}").set_value([]).run()
    assert shown(at) == unfiltered


def test_chart_exports_are_valid_png_svg_and_csv(warehouse, monkeypatch):
    import vl_convert

    from dashboards import charts, export

    at = _app(warehouse, monkeypatch)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download PNG", "Download SVG", "Download data (CSV)"] * 2
    # The spec the page drew converts as the export buttons convert it.
    shown = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert vl_convert.vegalite_to_png(shown)[:8] == b"\x89PNG\r\n\x1a\n"
    with snapshot.open_snapshot(warehouse) as con:
        frame = wd.filtered_timeline(con, LAUNCH, "day")
        events = con.execute("SELECT * FROM benchmark_events WHERE launch_key = ?", [LAUNCH]).fetchdf()
        relative = wd.relative_timeline(con, LAUNCH, 6)
        relative_events = wd.relative_events(con, LAUNCH)
    chart = charts.claims_chart(frame, events)
    assert export.png(chart.to_dict())[:8] == b"\x89PNG\r\n\x1a\n"
    svg = export.svg(charts.relative_claims_chart(relative, relative_events).to_dict()).decode()
    assert svg.lstrip().startswith("<svg") and "hours since release" in svg
    assert export.png(charts.relative_negative_share_chart(relative, relative_events).to_dict())[:4] == b"\x89PNG"
    table = pd.read_csv(io.BytesIO(export.csv(charts.claims_frame(frame))))
    assert list(table.columns) == ["bucket_utc", *CLAIMS]
    assert table[list(CLAIMS)].to_numpy().sum() == frame[list(CLAIMS)].to_numpy().sum()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d 00:00", table["bucket_utc"].iloc[0])


def test_search_finds_the_injection_posts_and_shows_them_as_text(warehouse, monkeypatch):
    at = _app(warehouse, monkeypatch, "claims_page.py")
    at.text_input(key="search").set_value("alert(1)").run()
    assert not at.exception
    with snapshot.open_snapshot(warehouse) as con:
        found, count = wd.posts(con, LAUNCH, search="alert(1)")
    assert count >= 2 and any(f"{count:,} posts match" in m.value for m in at.markdown)
    table = at.dataframe[0].value
    assert len(table) == count
    assert any(SCRIPT_TEXT in text for text in table["text"]) and any(IMG_TEXT in text for text in table["text"])
    shown = _shown_text(at)
    # The posts' markup reaches the page only escaped; the only tags added are <mark>.
    assert "<script" not in shown.lower() and "<img" not in shown.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown or "&lt;img src=x onerror=alert(1)&gt;" in shown
    for html_block in at.get("html"):
        assert set(re.findall(r"</?([a-z]+)", html_block.proto.body)) <= {"div", "b", "small", "p", "mark"}


def test_hostile_search_in_the_app_is_harmless(warehouse, monkeypatch):
    at = _app(warehouse, monkeypatch, "claims_page.py")
    for hostile in ("'; DROP TABLE posts; --", "%", "_"):
        at.text_input(key="search").set_value(hostile).run()
        assert not at.exception
    with snapshot.open_snapshot(warehouse) as con:
        assert con.execute("SELECT count(*) FROM posts").fetchone()[0] > 0


def test_no_snapshot_says_how_to_make_one(tmp_path, monkeypatch):
    at = _app(tmp_path / "launchwatch.duckdb", monkeypatch)
    assert not at.exception
    assert "no published snapshot" in at.error[0].value and "launchwatch run" in at.error[0].value
    monkeypatch.delenv("LAUNCHWATCH_DB")
    from streamlit.testing.v1 import AppTest

    unset = AppTest.from_file(str(APP), default_timeout=60).run()
    assert "launchwatch dashboard" in unset.error[0].value


def test_a_snapshot_from_an_older_launchwatch_says_to_republish(warehouse, tmp_path, monkeypatch):
    db = tmp_path / "launchwatch.duckdb"
    shutil.copyfile(snapshot.snapshot_path(warehouse), snapshot.snapshot_path(db))
    # As published before migration 007: no launch_post_facts, not recorded.
    with duckdb.connect(str(snapshot.snapshot_path(db))) as old:
        old.execute("DROP TABLE launch_post_facts")
        old.execute("DELETE FROM schema_migrations WHERE name = '007_timeline_facts.sql'")
    at = _app(db, monkeypatch)
    assert not at.exception
    message = at.error[0].value
    assert "published by an older launchwatch" in message and "007_timeline_facts.sql" in message
    assert "launchwatch run" in message


def test_the_app_picks_up_a_newly_published_snapshot(warehouse, tmp_path, monkeypatch):
    db = tmp_path / "launchwatch.duckdb"
    shutil.copyfile(warehouse, db)
    with connect(db) as writer:
        snapshot.publish(writer, db, datetime(2026, 1, 1, 9, 30, tzinfo=timezone.utc))
    at = _app(db, monkeypatch)
    assert "**Snapshot published:** 2026-01-01 09:30 UTC" in [m.value for m in at.sidebar.markdown]
    before = _metric(at, "Posts (filtered)")
    with connect(db) as writer:
        writer.execute("DELETE FROM post_launches WHERE post_id IN (SELECT post_id FROM post_launches WHERE launch_key = ? LIMIT 5)", [LAUNCH])
        snapshot.publish(writer, db, datetime(2026, 1, 2, 10, 0, tzinfo=timezone.utc))
    at.run()
    assert not at.exception
    assert "**Snapshot published:** 2026-01-02 10:00 UTC" in [m.value for m in at.sidebar.markdown]
    assert int(_metric(at, "Posts (filtered)").replace(",", "")) == int(before.replace(",", "")) - 5


def test_the_app_connection_cannot_write(warehouse, monkeypatch):
    from dashboards import session

    _app(warehouse, monkeypatch)
    cursor = session.connect(warehouse)
    with pytest.raises(duckdb.Error, match="read-only"):
        cursor.execute("DELETE FROM posts")
    with pytest.raises(duckdb.Error, match="disabled|external"):
        cursor.execute(f"COPY (SELECT 1) TO '{warehouse.parent / 'leak.csv'}'")
    assert not (warehouse.parent / "leak.csv").exists()


def test_claims_pages_through_the_posts(warehouse, monkeypatch):
    at = _app(warehouse, monkeypatch, "claims_page.py")
    def rows():
        table = at.dataframe[0].value
        return set(zip(table["time (UTC)"], table["author"], table["title"], table["text"]))

    first = rows()
    assert len(first) == 50
    at.number_input(key="page").set_value(2).run()
    assert not at.exception
    second = rows()
    assert second and not first & second
    # A search leaves fewer pages: back to the first.
    at.text_input(key="search").set_value("alert(1)").run()
    assert at.number_input(key="page").value == 1 and len(at.dataframe[0].value) >= 2


def test_sidebar_filters_change_the_claims_table(warehouse, monkeypatch):
    at = _app(warehouse, monkeypatch, "claims_page.py")
    at.sidebar.multiselect(key=f"claims:{LAUNCH}").set_value(["contamination"]).run()
    assert not at.exception
    with snapshot.open_snapshot(warehouse) as con:
        expected = len(_expected(con, "list_contains(claims, 'contamination')"))
    assert any(m.value.startswith(f"{expected:,} posts match") for m in at.markdown)
    assert all("Contamination" in claims for claims in at.dataframe[0].value["claims"])


def test_evidence_is_marked_and_everything_else_escaped():
    from dashboards.highlight import marked

    text = "Great model. It <b>leaked</b> the test set & more! <script>alert(1)</script>"
    html = marked(text, ["It <b>leaked</b> the test set & more!", "not in the text"])
    assert html == (
        "Great model. <mark>It &lt;b&gt;leaked&lt;/b&gt; the test set &amp; more!</mark> "
        "&lt;script&gt;alert(1)&lt;/script&gt;"
    )
    assert marked("<img src=x onerror=alert(1)>", []) == "&lt;img src=x onerror=alert(1)&gt;"
