"""The static report and its charts, on small frames in the shapes warehouse.timeline returns."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import math
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
import vl_convert

from dashboards import charts, report
from models.prediction import CLAIMS as MODEL_CLAIMS

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
UTC = "UTC"


def make_timeline(days: int = 4) -> pd.DataFrame:
    buckets = pd.date_range("2025-04-05", periods=days, freq="D", tz=UTC)
    rows = []
    for i, bucket in enumerate(buckets):
        empty = i == 1  # a day without posts: its share is NaN
        positive, neutral, negative = (0, 0, 0) if empty else (3 + i, 2, 5 * i + 1)
        posts = positive + neutral + negative
        rows.append({
            "bucket": bucket, "posts": posts, "positive": positive, "neutral": neutral,
            "negative": negative, "negative_share": negative / posts if posts else math.nan,
            **{claim: 0 if empty else k + i for k, claim in enumerate(charts.CLAIMS)},
            "events": "",
        })
    return pd.DataFrame(rows)


def make_events() -> pd.DataFrame:
    rows = [
        ("e1", "2025-04-05T00:00:00Z", "day", "release", "Llama 4 Maverick",
         "Llama 4 released", "https://ai.meta.com/blog/llama-4-multimodal-intelligence/"),
        ("e2", "2025-04-06T11:18:20Z", "second", "leaderboard_entry",
         "Llama-4-Maverick-03-26-Experimental", "LMArena rank 2", "https://lmarena.ai/"),
        ("e3", "2025-04-06T20:12:37Z", "second", "benchmark_result", "Llama 4 Maverick",
         "Aider polyglot 15.6%", "javascript:alert(1)"),
        ("e4", "2025-04-08T00:08:09Z", "second", "official_statement", "Llama 4 Maverick",
         f"LMArena statement {XSS_SCRIPT}", "https://x.com/lmarena_ai/status/1909397817434816562"),
    ]
    return pd.DataFrame([
        {"event_id": eid, "event_time": pd.Timestamp(t), "time_precision": precision,
         "kind": kind, "model_name": model, "variant_key": "", "source": f"source of {eid}",
         "value": "15.6%" if eid == "e3" else "", "url": url, "note": "", "label": label}
        for eid, t, precision, kind, model, label, url in rows
    ])


def make_top_posts() -> pd.DataFrame:
    rows = []
    for claim in charts.CLAIMS:
        rows.append({
            "claim": claim, "post_id": f"hackernews:{claim}", "platform": "hackernews",
            "url": f"https://news.ycombinator.com/item?id={len(rows) + 1}",
            "author": f"alice {XSS_SCRIPT}", "title": f"{XSS_IMG} Llama 4 {claim}",
            "text": f"They trained on the test set {XSS_SCRIPT}",
            "created_at": pd.Timestamp("2025-04-07T10:00:00Z"), "score": 120, "replies": 40,
            "sentiment": "negative", "claim_score": 0.91,
            "evidence": "They trained on the test set", "model_version": "minilm-linear 2025.1-abc",
        })
    rows.append({**rows[0], "post_id": "reddit:bad", "url": "javascript:alert(document.cookie)",
                 "title": "a post with a hostile link"})
    return pd.DataFrame(rows)


LAUNCH = {"key": "llama-4", "name": "Llama 4", "organization": "Meta", "released_at": "2025-04-05"}
SUMMARY = {
    "posts": 42, "first_post": pd.Timestamp("2025-04-05T01:00:00Z"),
    "last_post": pd.Timestamp("2025-04-08T20:00:00Z"), "positive": 14, "neutral": 6,
    "negative": 22, **{claim: 3 for claim in charts.CLAIMS},
    "model_version": "minilm-linear 2025.1-abc", "data_time": pd.Timestamp("2025-04-20T06:00:00Z"),
}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data):
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None


@pytest.fixture(scope="module")
def html() -> str:
    return report.render_report(LAUNCH, SUMMARY, make_timeline(), make_events(), make_top_posts())


@pytest.fixture(scope="module")
def parsed(html) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


def named_data(spec: dict, layer: dict) -> list[dict]:
    """The rows of a layer, whether Altair inlined them or moved them to `datasets`."""
    data = layer["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def layers_with_mark(spec: dict, mark: str) -> list[dict]:
    """Leaf layers drawing `mark`, each given the data it inherits from a parent layer or the top."""
    found = []
    for layer in spec["layer"]:
        for inner in layer.get("layer", [layer]):
            kind = inner["mark"]["type"] if isinstance(inner["mark"], dict) else inner["mark"]
            if kind == mark:
                found.append({"data": layer.get("data", spec.get("data")), **inner})
    return found


def test_report_loads_nothing_from_the_network(html, parsed):
    assert '<script src="http' not in html
    assert not [attrs for attrs, _ in parsed.scripts if "src" in attrs]
    assert not [tag for tag, _ in parsed.tags if tag in ("link", "iframe", "object", "embed", "img")]
    for tag, attrs in parsed.tags:
        for name, value in attrs.items():
            if name in ("src", "href", "action", "data", "poster") and value and tag != "a":
                pytest.fail(f"<{tag} {name}={value!r}> would load a resource")
    assert "@import" not in html and "url(http" not in html


def test_untrusted_text_shows_escaped_and_runs_nothing(html, parsed):
    assert "&lt;img src=x onerror=alert(1)&gt; Llama 4 contamination" in html
    assert "alice &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert XSS_IMG not in html
    assert not [attrs for _, attrs in parsed.tags if any(k.startswith("on") for k in attrs)]
    # Two inline JSON specs, the Vega bundle and the embed script; nothing injected.
    kinds = [attrs.get("type") for attrs, _ in parsed.scripts]
    assert kinds == ["application/json", "application/json", None, None]


def test_only_http_links_are_emitted(parsed, html):
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert "https://news.ycombinator.com/item?id=1" in hrefs
    assert "https://lmarena.ai/" in hrefs
    assert all(re.match(r"https?://", href) for href in hrefs), hrefs
    assert "Link withheld (not http(s)): javascript:alert(document.cookie)" in html


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    ("HTTP://example.org", "HTTP://example.org"),
    ("javascript:alert(1)", None),
    (" JavaScript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//example.org/path", None),
    ("/relative", None),
    ("https://", None),
    (None, None),
    (math.nan, None),
])
def test_safe_href(url, expected):
    assert report.safe_href(url) == expected


def test_csp_allows_exactly_the_reports_own_scripts(parsed):
    csp = next(attrs["content"] for tag, attrs in parsed.tags
               if tag == "meta" and attrs.get("http-equiv") == "Content-Security-Policy")
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    executable = [text for attrs, text in parsed.scripts if attrs.get("type") is None]
    assert len(executable) == 2
    assert allowed == {base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() for t in executable}
    assert "default-src 'none'" in csp


def test_embedded_specs_round_trip_even_with_hostile_event_labels(parsed):
    specs = [json.loads(text) for attrs, text in parsed.scripts if attrs.get("type") == "application/json"]
    assert [s["title"]["text"] for s in specs] == ["Posts by claim type", "Negative share of posts"]
    labels = {row["event"] for row in named_data(specs[0], layers_with_mark(specs[0], "text")[0])}
    assert f"LMArena statement {XSS_SCRIPT}" in labels


@pytest.mark.parametrize("build", [charts.claims_chart, charts.negative_share_chart])
def test_event_rules_carry_every_event(build):
    events = make_events()
    spec = build(make_timeline(), events).to_dict()
    rules = [layer for layer in layers_with_mark(spec, "rule") if "strokeDash" in layer["encoding"]]
    assert len(rules) == 1
    rows = named_data(spec, rules[0])
    assert {row["event"] for row in rows} == set(events["label"])
    assert {row["url"] for row in rows} >= {"https://lmarena.ai/", "javascript:alert(1)"}
    tooltip_fields = {t["field"] for t in rules[0]["encoding"]["tooltip"]}
    assert {"when", "source", "value", "url"} <= tooltip_fields


def test_day_precision_event_is_drawn_at_midnight_and_says_so():
    records = charts.event_records(make_events(), (pd.Timestamp("2025-04-04", tz=UTC),
                                                   pd.Timestamp("2025-04-10", tz=UTC)))
    release = next(r for r in records if r["event"] == "Llama 4 released")
    assert release["time"] == "2025-04-05T00:00:00Z"
    assert release["precision"] == "day"
    assert "date only: drawn at 00:00 UTC" in release["when"]
    assert [r["number"] for r in records] == [1, 2, 3, 4]


def test_labels_in_one_lane_do_not_overlap():
    times = pd.date_range("2025-04-05", periods=12, freq="3h", tz=UTC)
    events = pd.concat([make_events().iloc[[0]]] * len(times), ignore_index=True)
    events["event_id"] = [f"e{i}" for i in range(len(times))]
    events["event_time"] = times
    events["time_precision"] = "second"
    domain = (times[0] - pd.Timedelta(hours=1), times[-1] + pd.Timedelta(hours=1))
    records = charts.event_records(events, domain)
    span = (domain[1] - domain[0]).total_seconds()
    by_lane: dict[int, list[tuple[float, float]]] = {}
    for r in records:
        x = (pd.Timestamp(r["time"]) - domain[0]).total_seconds() / span * charts.WIDTH
        by_lane.setdefault(r["lane"], []).append((x, x + len(r["label"]) * charts.LABEL_CHAR_PX))
    assert len(by_lane) > 1
    for extents in by_lane.values():
        for (_, end), (start, _) in zip(extents, extents[1:]):
            assert start >= end


def test_events_at_the_same_moment_share_one_label():
    events = make_events()
    events["event_time"] = pd.Timestamp("2025-04-06T12:00:00Z")
    records = charts.event_records(events, (pd.Timestamp("2025-04-05", tz=UTC),
                                            pd.Timestamp("2025-04-09", tz=UTC)))
    assert [r["label"] for r in records] == ["1–4", "", "", ""]


def test_claim_layer_has_all_six_claims_in_a_fixed_palette():
    spec = charts.claims_chart(make_timeline(), make_events()).to_dict()
    bars = layers_with_mark(spec, "bar")[0]
    assert {row["claim"] for row in named_data(spec, bars)} == set(charts.CLAIMS)
    scale = bars["encoding"]["color"]["scale"]
    assert scale["domain"] == [charts.CLAIM_TITLES[c] for c in charts.CLAIMS]
    assert scale["range"] == [charts.CLAIM_COLORS[c] for c in charts.CLAIMS]
    assert len(set(scale["range"])) == 6


def test_chart_claims_match_the_classifier_labels():
    assert charts.CLAIMS == MODEL_CLAIMS


def test_negative_share_has_a_gap_for_a_bucket_without_posts():
    spec = charts.negative_share_chart(make_timeline(), make_events()).to_dict()
    rows = named_data(spec, layers_with_mark(spec, "line")[0])
    assert [row["share"] is None for row in rows] == [False, True, False, False]


@pytest.mark.parametrize("build", [charts.claims_chart, charts.negative_share_chart])
def test_charts_render_to_svg_and_png(build):
    spec = build(make_timeline(), make_events()).to_dict()
    svg = vl_convert.vegalite_to_svg(spec)
    assert svg.startswith("<svg") and "LMArena rank 2" in svg
    png = vl_convert.vegalite_to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_local_time_axis_and_bad_axis():
    spec = charts.claims_chart(make_timeline(), make_events(), time_axis="local").to_dict()
    assert layers_with_mark(spec, "bar")[0]["encoding"]["x"]["scale"]["type"] == "time"
    with pytest.raises(ValueError, match=r"time_axis must be one of \['utc', 'local'\]; found 'cet'"):
        charts.claims_chart(make_timeline(), make_events(), time_axis="cet")


def test_missing_columns_and_naive_times_are_explained():
    with pytest.raises(ValueError, match=r"timeline frame is missing columns \['praise'\]"):
        charts.claims_chart(make_timeline().drop(columns="praise"), make_events())
    naive = make_timeline().assign(bucket=lambda df: df["bucket"].dt.tz_localize(None))
    with pytest.raises(ValueError, match="timezone-aware UTC"):
        charts.negative_share_chart(naive, make_events())


def test_chart_data_csv_is_ready_for_datawrapper():
    csv = charts.chart_data_csv(charts.negative_share_frame(make_timeline()))
    frame = pd.read_csv(io.StringIO(csv), keep_default_na=False)
    assert list(frame.columns) == ["bucket_utc", "posts", "negative", "negative_share"]
    assert list(frame["bucket_utc"]) == ["2025-04-05 00:00", "2025-04-06 00:00",
                                         "2025-04-07 00:00", "2025-04-08 00:00"]
    assert frame["negative_share"][1] == ""
    wide = charts.claims_frame(make_timeline())
    assert list(wide.columns) == ["bucket", *charts.CLAIMS]


def test_report_without_posts_or_events_still_renders():
    html = report.render_report(
        LAUNCH, {**SUMMARY, "posts": 0, "model_version": None, "data_time": None},
        make_timeline().iloc[0:0], make_events().iloc[0:0], make_top_posts().iloc[0:0],
    )
    assert "No events are recorded for this launch." in html
    assert html.count("No post was labelled with this claim.") == 6
    assert "classifier version none (no post classified)" in html
    assert "Data as of unknown" in html


def test_footer_names_data_time_classifier_and_the_caveat(html):
    assert "Data as of 2025-04-20 06:00 UTC" in html
    assert "classifier version minilm-linear 2025.1-abc" in html
    assert "come from an automatic classifier" in html


def test_write_atomically_replaces_the_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out" / "report.html"
    report.write_atomically("first", target)
    report.write_atomically("second", target)
    assert target.read_text() == "second"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]
