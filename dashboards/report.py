"""The static HTML report: one self-contained file with the charts, the events and the top posts.

The file opens with no network: the Vega JavaScript is bundled once (from vl_convert) and every
chart spec sits inline as JSON. Post texts, author names and event fields are untrusted, so the
template autoescapes everything, links are emitted only for http(s) URLs, and a
Content-Security-Policy lets only the report's own two scripts run, by hash.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import pandas as pd
import vl_convert
from markupsafe import Markup

from dashboards import charts

TOP_POST_COLUMNS: tuple[str, ...] = (
    "claim", "post_id", "url", "platform", "author", "title", "text", "created_at", "score",
    "replies", "sentiment", "claim_score", "evidence", "model_version",
)
SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")
BODY_MAX_CHARS = 600
OTHER_CLAIM_COLOR = "#999999"

EMBED_SCRIPT = """\
for (const el of document.querySelectorAll("div.chart[data-spec]")) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, {
    renderer: "svg",
    actions: {export: true, source: false, compiled: false, editor: false},
  }).catch((err) => { el.textContent = "This chart could not be drawn: " + err; });
}
"""

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("dashboards", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_report(
    launch: dict[str, Any],
    summary: dict[str, Any],
    timeline_df: pd.DataFrame,
    events_df: pd.DataFrame,
    top_posts_df: pd.DataFrame,
) -> str:
    """The report as one HTML document (pure: same inputs, same bytes)."""
    charts.require_columns(top_posts_df, TOP_POST_COLUMNS, "top_posts")
    bundle = _vega_bundle()
    chart_specs = [
        ("chart-claims", charts.claims_chart(timeline_df, events_df),
         "Posts per time bucket, stacked by the claim types the classifier found (a post can "
         "carry several). Vertical rules are benchmark and leaderboard events."),
        ("chart-negative", charts.negative_share_chart(timeline_df, events_df),
         "Share of posts classified as negative per time bucket; larger points stand for more "
         "posts. Buckets without posts are left out."),
    ]
    return _TEMPLATES.get_template("report.html.j2").render(
        csp=_content_security_policy(bundle, EMBED_SCRIPT),
        launch=launch,
        summary=summary,
        sentiments=SENTIMENTS,
        claims=[{"key": c, "title": charts.CLAIM_TITLES[c], "color": charts.CLAIM_COLORS[c]}
                for c in charts.CLAIMS],
        charts=[{"spec_id": spec_id, "spec_json": _script_json(chart.to_dict()), "caption": caption}
                for spec_id, chart, caption in chart_specs],
        events=_event_rows(events_df),
        top_posts=_top_post_groups(top_posts_df),
        first_post=_when(summary.get("first_post")),
        last_post=_when(summary.get("last_post")),
        data_time=_when(summary.get("data_time")),
        classifier_version=summary.get("model_version") or "none (no post classified)",
        vega_bundle=Markup(bundle),
        embed_script=Markup(EMBED_SCRIPT),
    )


def write_report(con: Any, launch_key: str, out_path: str | os.PathLike, bucket: str = "day") -> Path:
    """Render the report of `launch_key` from the warehouse and write it atomically to `out_path`."""
    # Imported here so the pure renderer and its tests need no database layer.
    from warehouse import timeline as wt

    html = render_report(
        wt.launch_info(con, launch_key),
        wt.launch_summary(con, launch_key),
        wt.timeline(con, launch_key, bucket=bucket),
        wt.events(con, launch_key),
        wt.top_posts(con, launch_key, per_claim=5),
    )
    return write_atomically(html, Path(out_path))


def write_atomically(text: str, path: Path) -> Path:
    """Write `text` to `path` so a reader sees the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def safe_href(url: Any) -> str | None:
    """`url` if it is an absolute http(s) URL, else None (javascript:, data:, relative...)."""
    text = charts.cell_text(url)
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


@functools.cache
def _vega_bundle() -> str:
    bundle = vl_convert.javascript_bundle()
    # The bundle goes inside a <script> element, which the first "</script" would end early.
    if "</script" in bundle.lower():
        raise RuntimeError(
            f"vl_convert {vl_convert.__version__} returned a JavaScript bundle containing "
            "'</script', which cannot be inlined; pin vl-convert-python to a version without it."
        )
    return bundle


def _content_security_policy(*scripts: str) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in scripts
    )
    # Vega compiles its expressions with Function(), hence 'unsafe-eval'; injected markup still
    # cannot run, because only scripts with these hashes may execute.
    return (
        f"default-src 'none'; script-src {hashes} 'unsafe-eval'; style-src 'unsafe-inline'; "
        "img-src data: blob:; base-uri 'none'; form-action 'none'"
    )


def _script_json(spec: dict[str, Any]) -> Markup:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can close it."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escape)
    return Markup(text)


def _event_rows(events_df: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for event in charts.numbered_events(events_df).to_dict("records"):
        precision = charts.cell_text(event["time_precision"])
        when = event["event_time"]
        rows.append({
            "number": event["number"],
            "when": _when(when) if precision not in ("day", "month") else
            f"{pd.Timestamp(when):%Y-%m-%d}" + (" (date only)" if precision == "day" else " (month only)"),
            "label": charts.cell_text(event["label"]),
            "kind": charts.cell_text(event["kind"]).replace("_", " "),
            "model": charts.cell_text(event["model_name"]),
            "source": charts.cell_text(event["source"]),
            "value": charts.cell_text(event["value"]),
            "url": charts.cell_text(event["url"]),
            "href": safe_href(event["url"]),
        })
    return rows


def _top_post_groups(top_posts_df: pd.DataFrame) -> list[dict[str, Any]]:
    # Claims outside the known six still show (in grey), so a new label is never dropped unseen.
    present = [c for c in pd.unique(top_posts_df["claim"]) if c not in charts.CLAIMS]
    groups = []
    for claim in (*charts.CLAIMS, *present):
        posts = top_posts_df[top_posts_df["claim"] == claim]
        groups.append({
            "title": charts.CLAIM_TITLES.get(claim, str(claim)),
            "color": charts.CLAIM_COLORS.get(claim, OTHER_CLAIM_COLOR),
            "posts": [_post_view(post) for post in posts.to_dict("records")],
        })
    return groups


def _post_view(post: dict[str, Any]) -> dict[str, Any]:
    title = charts.cell_text(post["title"])
    text = charts.cell_text(post["text"])
    author = charts.cell_text(post["author"]) or "[unknown author]"
    platform = charts.cell_text(post["platform"])
    return {
        "heading": title or f"{platform} post by {author}",
        "body": text if len(text) <= BODY_MAX_CHARS else text[: BODY_MAX_CHARS - 1].rstrip() + "…",
        "evidence": charts.cell_text(post["evidence"]),
        "platform": platform,
        "author": author,
        "created_at": _when(post["created_at"]),
        "score": _count(post["score"]),
        "replies": _count(post["replies"]),
        "sentiment": charts.cell_text(post["sentiment"]) or "unclassified",
        "claim_score": "–" if pd.isna(post["claim_score"]) else f"{float(post['claim_score']):.2f}",
        "model_version": charts.cell_text(post["model_version"]) or "none",
        "url": charts.cell_text(post["url"]),
        "href": safe_href(post["url"]),
    }


def _when(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "unknown"
    if isinstance(value, str):
        return value
    when = pd.Timestamp(value)
    if when.tzinfo is not None:
        when = when.tz_convert("UTC")
    return f"{when:%Y-%m-%d %H:%M} UTC"


def _count(value: Any) -> str:
    return "–" if value is None or pd.isna(value) else str(int(value))
