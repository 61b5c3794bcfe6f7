"""Chart builders shared by the static report and the dashboard.

Every function is pure: DataFrames in the shapes returned by `warehouse.timeline` go in, an
Altair chart or a DataFrame comes out. Data is embedded in the spec as explicit records (ISO
times, None for missing values) so the spec is the same whether it is rendered in a browser,
exported to PNG/SVG by vl_convert, or inspected by a test.

The records are plain {"values": [...]} dicts (wrapped in alt.Data, Altair would validate every
row against the schema). A layered chart carries its data layer's records on the top chart, and
the layers are composed in one call: Altair deep-copies every layer, inline data included, each
time charts are layered or given properties, which took most of a second per dashboard rerun.
Channels are given as their classes (alt.X, not "x:T"): Altair resolves a bare string against the
whole schema, tens of milliseconds each.
"""

from __future__ import annotations

import io
import math
from typing import Any

import altair as alt
import pandas as pd

# Order and names mirror models.CLAIMS; dashboards may not import models, so a test checks they agree.
CLAIMS: tuple[str, ...] = (
    "contamination",
    "benchmark_gaming",
    "regression",
    "praise",
    "comparison",
    "deployment_issue",
)
CLAIM_TITLES: dict[str, str] = {
    "contamination": "Contamination",
    "benchmark_gaming": "Benchmark gaming",
    "regression": "Regression",
    "praise": "Praise",
    "comparison": "Comparison",
    "deployment_issue": "Deployment issue",
}
# Okabe-Ito palette: distinguishable under the common colour-vision deficiencies. Yellow is left
# out because it disappears on a white page.
CLAIM_COLORS: dict[str, str] = {
    "contamination": "#D55E00",
    "benchmark_gaming": "#CC79A7",
    "regression": "#E69F00",
    "praise": "#009E73",
    "comparison": "#0072B2",
    "deployment_issue": "#56B4E9",
}
NEGATIVE_COLOR = "#D55E00"
EVENT_COLOR = "#333333"

TIMELINE_COLUMNS: tuple[str, ...] = (
    "bucket", "posts", "positive", "neutral", "negative", "negative_share", *CLAIMS, "events",
)
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id", "event_time", "time_precision", "kind", "model_name", "variant_key",
    "source", "value", "url", "note", "label",
)
TIME_AXES: tuple[str, ...] = ("utc", "local")

# Events this close to the posts' time span are drawn; farther ones are only listed.
EVENT_MARGIN = pd.Timedelta(days=2)
WIDTH = 760
HEIGHT = 300
# Event labels sit in lanes above the plot; a label moves up a lane when it would overlap the
# one before it. MAX_LANES bounds the height the labels take from the page.
LANE_STEP = 13
MAX_LANES = 5
LABEL_GAP_PX = 6
MERGE_PX = 5  # rules closer than this look like one; their events share one label
LABEL_FONT_SIZE = 10
LABEL_CHAR_PX = 5.6  # average glyph width of the default sans-serif at LABEL_FONT_SIZE
LABEL_MAX_CHARS = 34


def require_columns(df: pd.DataFrame, expected: tuple[str, ...], what: str) -> None:
    """Raise ValueError naming the missing columns of a frame that should come from `what`."""
    missing = [c for c in expected if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} frame is missing columns {missing}; expected the columns {list(expected)} "
            f"but found {list(df.columns)}. Build it with warehouse.timeline.{what}()."
        )


def claims_frame(timeline_df: pd.DataFrame) -> pd.DataFrame:
    """Wide table behind the claims chart: one row per bucket, one count column per claim."""
    timeline = _checked_timeline(timeline_df)
    return timeline[["bucket", *CLAIMS]].reset_index(drop=True)


def negative_share_frame(timeline_df: pd.DataFrame) -> pd.DataFrame:
    """Table behind the negative-share chart: bucket, posts, negative posts and their share."""
    timeline = _checked_timeline(timeline_df)
    return timeline[["bucket", "posts", "negative", "negative_share"]].reset_index(drop=True)


def chart_data_csv(chart_df: pd.DataFrame) -> str:
    """CSV for Datawrapper: times as `YYYY-MM-DD HH:MM` in UTC, missing values as empty cells."""
    out = chart_df.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M")
            out = out.rename(columns={column: f"{column}_utc"})
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", float_format="%.4g")
    return buffer.getvalue()


def claims_chart(
    timeline_df: pd.DataFrame, events_df: pd.DataFrame, *, time_axis: str = "utc"
) -> alt.LayerChart:
    """Claim labels per time bucket, stacked by claim type, with benchmark events as rules."""
    timeline, step, domain, x_scale = _time_frame(timeline_df, events_df, time_axis)
    rows = []
    for bucket, row in zip(timeline["bucket"], timeline.to_dict("records")):
        mid, when = _iso(bucket + step / 2), _bucket_text(bucket, step)
        for order, claim in enumerate(CLAIMS):
            rows.append({
                "mid": mid,
                "when": when,
                "claim": claim,
                "claim_title": CLAIM_TITLES[claim],
                "claim_order": order,
                "count": int(row[claim]),
                "posts": int(row["posts"]),
            })
    # Bars are centred on their bucket with a width in pixels: x/x2 ranges would be clearer, but
    # Vega-Lite mis-merges an explicit time domain with x2 and warns on every render.
    bar_px = max(1.0, step / (domain[1] - domain[0]) * WIDTH - 1)
    bars = _claim_bars(
        alt.X("mid:T", title=_axis_title(time_axis), scale=x_scale, axis=_time_axis(step)), bar_px
    )
    return _with_events(bars, rows, event_records(events_df, domain), "Posts by claim type")



def _claim_bars(x: alt.X, bar_px: float) -> alt.Chart:
    """Claim counts stacked per bucket on the `x` axis (time or T+h), bars `bar_px` wide."""
    return alt.Chart().mark_bar(size=bar_px, stroke="white", strokeWidth=0.5).encode(
        x=x,
        y=alt.Y("count:Q", stack="zero", title="claim labels (a post can carry several)"),
        color=alt.Color(
            "claim_title:N",
            title="Claim type",
            scale=alt.Scale(domain=[CLAIM_TITLES[c] for c in CLAIMS],
                            range=[CLAIM_COLORS[c] for c in CLAIMS]),
            legend=alt.Legend(orient="bottom", columns=3),
        ),
        order=alt.Order("claim_order:O"),
        tooltip=[
            alt.Tooltip("when:N", title="bucket"),
            alt.Tooltip("claim_title:N", title="claim"),
            alt.Tooltip("count:Q", title="posts with this claim"),
            alt.Tooltip("posts:Q", title="posts in bucket"),
        ],
    )


def negative_share_chart(
    timeline_df: pd.DataFrame, events_df: pd.DataFrame, *, time_axis: str = "utc"
) -> alt.LayerChart:
    """Share of negative posts per bucket (point size = posts), with benchmark events as rules."""
    timeline, step, domain, x_scale = _time_frame(timeline_df, events_df, time_axis)
    rows = [
        {
            # Plotted mid-bucket so the point sits over the middle of the matching bar above.
            "mid": _iso(bucket + step / 2),
            "when": _bucket_text(bucket, step),
            "share": _share(row["negative_share"]),
            "negative": int(row["negative"]),
            "posts": int(row["posts"]),
        }
        for bucket, row in zip(timeline["bucket"], timeline.to_dict("records"))
    ]
    base = alt.Chart().encode(
        x=alt.X("mid:T"),
        y=alt.Y("share:Q", title="negative share of posts",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
    )
    tooltip = [
        alt.Tooltip("when:N", title="bucket"),
        alt.Tooltip("share:Q", title="negative share", format=".0%"),
        alt.Tooltip("negative:Q", title="negative posts"),
        alt.Tooltip("posts:Q", title="posts"),
    ]
    # A bucket without posts has no share: the line breaks there instead of inventing a value.
    line = base.mark_line(color=NEGATIVE_COLOR, invalid="break-paths-show-domains").encode(
        x=alt.X("mid:T", title=_axis_title(time_axis), scale=x_scale, axis=_time_axis(step)),
    )
    points = base.mark_circle(color=NEGATIVE_COLOR, opacity=0.85).encode(
        size=alt.Size("posts:Q", title="posts in bucket",
                      legend=alt.Legend(orient="bottom")),
        tooltip=tooltip,
    ).transform_filter("isValid(datum.share)")
    return _with_events(line + points, rows, event_records(events_df, domain), "Negative share of posts")


RELATIVE_COLUMNS: tuple[str, ...] = (
    "t_hours", "posts", "positive", "neutral", "negative", "negative_share", *CLAIMS,
)
RELATIVE_MARGIN_HOURS = 48.0  # as EVENT_MARGIN, on the T+h axis


def relative_claims_chart(relative_df: pd.DataFrame, events_df: pd.DataFrame) -> alt.LayerChart:
    """claims_chart on hours since release: `relative_df` has `t_hours` (bucket starts) instead of
    `bucket`, and `events_df` has `hours_since_release` (warehouse.dashboard.relative_events)."""
    frame, step, domain = _relative_frame(relative_df, events_df)
    rows = []
    for row in frame.to_dict("records"):
        mid, when = row["t_hours"] + step / 2, _hours_text(row["t_hours"], step)
        for order, claim in enumerate(CLAIMS):
            rows.append({
                "mid": mid,
                "when": when,
                "claim_title": CLAIM_TITLES[claim],
                "claim_order": order,
                "count": int(row[claim]),
                "posts": int(row["posts"]),
            })
    bars = _claim_bars(
        alt.X("mid:Q", title="hours since release (T+h)", scale=alt.Scale(domain=list(domain), nice=False)),
        max(1.0, step / (domain[1] - domain[0]) * WIDTH - 1),
    )
    return _with_events(bars, rows, relative_event_records(events_df, domain), "Posts by claim type", "t:Q")


def relative_negative_share_chart(relative_df: pd.DataFrame, events_df: pd.DataFrame) -> alt.LayerChart:
    """negative_share_chart on hours since release (see relative_claims_chart)."""
    frame, step, domain = _relative_frame(relative_df, events_df)
    rows = [
        {
            "mid": row["t_hours"] + step / 2,
            "when": _hours_text(row["t_hours"], step),
            "share": _share(row["negative_share"]),
            "negative": int(row["negative"]),
            "posts": int(row["posts"]),
        }
        for row in frame.to_dict("records")
    ]
    base = alt.Chart().encode(
        x=alt.X("mid:Q", title="hours since release (T+h)", scale=alt.Scale(domain=list(domain), nice=False)),
        y=alt.Y("share:Q", title="negative share of posts",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
    )
    line = base.mark_line(color=NEGATIVE_COLOR, invalid="break-paths-show-domains")
    points = base.mark_circle(color=NEGATIVE_COLOR, opacity=0.85).encode(
        size=alt.Size("posts:Q", title="posts in bucket", legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("when:N", title="bucket"),
            alt.Tooltip("share:Q", title="negative share", format=".0%"),
            alt.Tooltip("negative:Q", title="negative posts"),
            alt.Tooltip("posts:Q", title="posts"),
        ],
    ).transform_filter("isValid(datum.share)")
    return _with_events(line + points, rows, relative_event_records(events_df, domain), "Negative share of posts", "t:Q")


def compare_chart(compare_df: pd.DataFrame, metric: str, bucket_hours: int) -> alt.Chart:
    """One line per launch of `metric` per T+h bucket, from warehouse.comparison.compare's frame
    (a `t_hours` column and one column per launch key)."""
    require_columns(compare_df, ("t_hours",), "compare")
    launches = [c for c in compare_df.columns if c != "t_hours"]
    rows = [
        {
            "mid": float(row["t_hours"]) + bucket_hours / 2,
            "when": _hours_text(row["t_hours"], bucket_hours),
            "launch": str(launch),
            "value": _share(row[launch]),
        }
        for row in compare_df.to_dict("records")
        for launch in launches
    ]
    share = metric == "negative_share"
    return alt.Chart({"values": rows}).mark_line(point=True, invalid="break-paths-show-domains").encode(
        x=alt.X("mid:Q", title="hours since release (T+h)"),
        y=alt.Y("value:Q", title=metric.replace("_", " "),
                axis=alt.Axis(format="%") if share else alt.Axis(),
                scale=alt.Scale(domain=[0, 1]) if share else alt.Scale()),
        color=alt.Color("launch:N", title="launch", sort=launches, legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("launch:N"),
            alt.Tooltip("when:N", title="bucket"),
            alt.Tooltip("value:Q", title=metric.replace("_", " "), format=".0%" if share else ",d"),
        ],
    ).properties(
        title=alt.Title(f"{metric.replace('_', ' ').capitalize()} per {bucket_hours} h since release", anchor="start"),
        width=WIDTH,
        height=HEIGHT,
    )


def _relative_frame(
    relative_df: pd.DataFrame, events_df: pd.DataFrame
) -> tuple[pd.DataFrame, float, tuple[float, float]]:
    """The sorted frame, its bucket width in hours and the T+h span to draw (events near it included)."""
    require_columns(relative_df, RELATIVE_COLUMNS, "relative_timeline")
    frame = relative_df.sort_values("t_hours", kind="stable").reset_index(drop=True)
    gaps = frame["t_hours"].diff().dropna()
    gaps = gaps[gaps > 0]
    step = float(gaps.min()) if not gaps.empty else 1.0
    hours = [float(h) for h in frame["t_hours"]] + [float(h) + step for h in frame["t_hours"]]
    event_hours = [float(h) for h in events_df.get("hours_since_release", []) if pd.notna(h)]
    if hours:
        low, high = min(hours) - RELATIVE_MARGIN_HOURS, max(hours) + RELATIVE_MARGIN_HOURS
        hours += [h for h in event_hours if low <= h <= high]
    else:
        hours = event_hours or [0.0, step]
    start, end = min(hours), max(hours)
    pad = max((end - start) * 0.01, 0.5)
    return frame, step, (start - pad, end + pad)


def _hours_text(t_hours: float, step: float) -> str:
    return f"T{float(t_hours):+g} h to T{float(t_hours) + float(step):+g} h"


def numbered_events(events_df: pd.DataFrame) -> pd.DataFrame:
    """Events in time order with a 1-based `number`: the key between chart labels and tables."""
    require_columns(events_df, EVENT_COLUMNS, "events")
    events = events_df.sort_values(["event_time", "event_id"], kind="stable").reset_index(drop=True)
    return events.assign(number=range(1, len(events) + 1))


def event_records(
    events_df: pd.DataFrame, domain: tuple[pd.Timestamp, pd.Timestamp]
) -> list[dict[str, Any]]:
    """One record per event: where its rule goes, its label and lane, and its tooltip.

    Labels go in lanes above the plot. An event whose full label fits in no lane is labelled
    by its number alone, which the report's event table resolves.
    """
    start, end = domain
    span = max((end - start).total_seconds(), 1.0)
    events = [event for event in numbered_events(events_df).to_dict("records") if start <= _event_time(event) <= end]
    times = [_event_time(event) for event in events]
    places = [
        {"time": _iso(when), "when": _event_time_text(when, cell_text(event["time_precision"]))}
        for when, event in zip(times, events)
    ]
    return _labelled_records(events, [(when - start).total_seconds() / span * WIDTH for when in times], places)


def relative_event_records(events_df: pd.DataFrame, domain: tuple[float, float]) -> list[dict[str, Any]]:
    """As event_records, placed on hours since release (`hours_since_release`, field `t`)."""
    require_columns(events_df, (*EVENT_COLUMNS, "hours_since_release"), "relative_events")
    start, end = domain
    span = max(end - start, 1e-9)
    events = [event for event in numbered_events(events_df).to_dict("records")
              if start <= event["hours_since_release"] <= end]
    places = [
        {
            "t": float(event["hours_since_release"]),
            "when": f"T{float(event['hours_since_release']):+.1f} h, "
                    + _event_time_text(_event_time(event), cell_text(event["time_precision"])),
        }
        for event in events
    ]
    return _labelled_records(events, [(p["t"] - start) / span * WIDTH for p in places], places)


def _labelled_records(
    events: list[dict[str, Any]], xs: list[float], places: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The records of `events` (numbered, in time order) at pixel positions `xs`, each with its `places` fields."""
    lane_free_from = [-math.inf] * MAX_LANES
    records = []
    for group in _groups_at_same_x(xs):
        first, last = events[group[0]], events[group[-1]]
        number = str(first["number"]) if len(group) == 1 else f"{first['number']}–{last['number']}"
        full = f"{number} {_event_label(first)}"
        x_px = xs[group[0]]
        # A long label is only worth its lane when few later rules start under it; in a dense
        # cluster every event gets its number instead, so none is hidden by another's label.
        crowded = len(group) > 1 or sum(x < x_px + _label_px(full) for x in xs[group[-1] + 1:]) >= MAX_LANES - 2
        label, lane = _place_label(lane_free_from, x_px, (number,) if crowded else (full, number))
        for position, index in enumerate(group):
            event = events[index]
            records.append({
                "number": int(event["number"]),
                **places[index],
                # Only the first event of a group carries the shared label, so it is drawn once.
                "label": label if position == 0 else "",
                "lane": lane,
                "label_y": -LANE_STEP * (lane + 1),
                "precision": cell_text(event["time_precision"]) or "second",
                "event": cell_text(event["label"]) or _event_label(event),
                "kind": cell_text(event["kind"]),
                "model": cell_text(event["model_name"]),
                "source": cell_text(event["source"]),
                "value": cell_text(event["value"]),
                "url": cell_text(event["url"]),
            })
    return records


def _groups_at_same_x(xs: list[float]) -> list[list[int]]:
    """Indexes of events (sorted by time) whose rules are within MERGE_PX of the group's first."""
    groups: list[list[int]] = []
    for index, x in enumerate(xs):
        if groups and x - xs[groups[-1][0]] < MERGE_PX:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _place_label(
    lane_free_from: list[float], x_px: float, candidates: tuple[str, ...]
) -> tuple[str, int]:
    """Put the longest candidate label that fits into the lowest free lane; mark the lane taken."""
    for label in candidates:
        for lane, free_from in enumerate(lane_free_from):
            if x_px >= free_from:
                lane_free_from[lane] = x_px + _label_px(label)
                return label, lane
    # Nothing fits: overlap is unavoidable, so use the lane that frees up first.
    label = candidates[-1]
    lane = min(range(len(lane_free_from)), key=lane_free_from.__getitem__)
    lane_free_from[lane] = max(lane_free_from[lane], x_px + _label_px(label))
    return label, lane


def _label_px(label: str) -> float:
    return 3 + len(label) * LABEL_CHAR_PX + LABEL_GAP_PX


def _with_events(
    data_layer: alt.Chart | alt.LayerChart,
    rows: list[dict[str, Any]],
    records: list[dict[str, Any]],
    title: str,
    x_field: str = "time:T",
) -> alt.LayerChart:
    """`data_layer` drawing `rows` under the events' rules and lane labels (from `records`), as one chart."""
    lanes_used = max((r["lane"] + 1 for r in records), default=0)
    events = alt.Chart({"values": records})
    tooltip = [
        alt.Tooltip("number:Q", title="event no."),
        alt.Tooltip("event:N", title="event"),
        alt.Tooltip("when:N", title="time"),
        alt.Tooltip("kind:N", title="kind"),
        alt.Tooltip("model:N", title="model"),
        alt.Tooltip("source:N", title="source"),
        alt.Tooltip("value:N", title="value"),
        alt.Tooltip("url:N", title="URL"),
    ]
    rules = events.mark_rule(color=EVENT_COLOR, strokeWidth=1.2, opacity=0.8).encode(
        x=alt.X(x_field),
        # Dashed = the source gives only a date (or month), so the rule marks its start.
        strokeDash=alt.StrokeDash(
            "precision:N",
            scale=alt.Scale(domain=["second", "day", "month"],
                            range=[[1, 0], [4, 3], [1, 3]]),
            legend=alt.Legend(title="event time known to the", orient="bottom"),
        ),
        tooltip=tooltip,
    )
    # y without a scale is in pixels from the top of the plot, so negative values sit above it
    # and a label never covers the data.
    labels = events.mark_text(
        align="left", baseline="middle", dx=3, fontSize=LABEL_FONT_SIZE, color=EVENT_COLOR,
    ).encode(
        x=alt.X(x_field),
        y=alt.Y("label_y:Q", scale=None, axis=None),
        text=alt.Text("label:N"),
        tooltip=tooltip,
    )
    ticks = events.mark_rule(color=EVENT_COLOR, strokeWidth=0.6, opacity=0.5).encode(
        x=alt.X(x_field),
        y=alt.Y("label_y:Q", scale=None, axis=None),
        y2=alt.Y2Value(0),
    )
    # One constructor call instead of layer().resolve_scale().properties(): each of those
    # copies every layer again.
    return alt.LayerChart(
        # The rows sit on the top chart, which the data layer inherits them from: Altair
        # deep-copies every layer, inline data included, while it composes them.
        data={"values": rows},
        layer=[data_layer, rules, ticks, labels],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent", strokeDash="independent")),
        title=alt.Title(title, anchor="start", offset=LANE_STEP * lanes_used + 8),
        width=WIDTH,
        height=HEIGHT,
        # Vega's own default, stated because Streamlit otherwise fits the chart to its
        # container and squeezes the plot under the event labels to nothing.
        autosize=alt.AutoSizeParams(type="pad"),
    )


def _time_frame(
    timeline_df: pd.DataFrame, events_df: pd.DataFrame, time_axis: str
) -> tuple[pd.DataFrame, pd.Timedelta, tuple[pd.Timestamp, pd.Timestamp], alt.Scale]:
    """The checked timeline, its bucket width, the time span to draw and the x scale over it."""
    timeline = _checked_timeline(timeline_df)
    step = _bucket_step(timeline["bucket"])
    domain = _time_domain(timeline, events_df, step)
    return timeline, step, domain, _time_scale(time_axis, domain)


def _checked_timeline(timeline_df: pd.DataFrame) -> pd.DataFrame:
    require_columns(timeline_df, TIMELINE_COLUMNS, "timeline")
    bucket = timeline_df["bucket"]
    if not isinstance(bucket.dtype, pd.DatetimeTZDtype):
        raise ValueError(
            f"timeline column 'bucket' must hold timezone-aware UTC timestamps; found dtype "
            f"{bucket.dtype}. Localize it with df['bucket'].dt.tz_localize('UTC')."
        )
    timeline = timeline_df.sort_values("bucket", kind="stable").copy()
    timeline["bucket"] = timeline["bucket"].dt.tz_convert("UTC")
    return timeline


def _time_scale(time_axis: str, domain: tuple[pd.Timestamp, pd.Timestamp]) -> alt.Scale:
    if time_axis not in TIME_AXES:
        raise ValueError(
            f"time_axis must be one of {list(TIME_AXES)}; found {time_axis!r}. Use 'utc' for "
            "times as stored, 'local' for the viewer's time zone."
        )
    # A fixed domain, because the label lanes were laid out for exactly this span. Only the data
    # layer carries it: Vega-Lite compiles the same domain differently per layer and then warns.
    # ISO strings, not epoch milliseconds: the Vega-Lite that Streamlit bundles collapses a
    # temporal scale given a numeric domain, while both renderers parse the strings alike.
    return alt.Scale(type="utc" if time_axis == "utc" else "time",
                     domain=[_iso(domain[0]), _iso(domain[1])])


def _axis_title(time_axis: str) -> str:
    return "time (UTC)" if time_axis == "utc" else "time (your time zone)"


def _time_axis(step: pd.Timedelta) -> alt.Axis:
    # Vega's default mixes "Sat 05" and "Apr 06" (it names weeks by their Sunday); one day
    # format reads better when the bars are days.
    return alt.Axis(format="%b %d") if step >= pd.Timedelta(days=1) else alt.Axis()


def _bucket_step(buckets: pd.Series) -> pd.Timedelta:
    """The bucket width, read from the data: the smallest gap, else a day or an hour."""
    gaps = buckets.diff().dropna()
    gaps = gaps[gaps > pd.Timedelta(0)]
    if not gaps.empty:
        return min(gaps.min(), pd.Timedelta(days=1))
    at_midnight = all(b == b.normalize() for b in buckets)
    return pd.Timedelta(days=1) if at_midnight else pd.Timedelta(hours=1)


def _time_domain(
    timeline: pd.DataFrame, events_df: pd.DataFrame, step: pd.Timedelta
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The span of the posts, widened to events close to it (a release just before the first post).

    Events far from the posts (a statement months later) would squeeze every bar into a sliver;
    they stay in the report's event table but get no rule.
    """
    times = list(timeline["bucket"])
    times += [t + step for t in timeline["bucket"]]
    event_times = []
    if "event_time" in events_df.columns:
        event_times = [pd.Timestamp(t).tz_convert("UTC") for t in events_df["event_time"] if pd.notna(t)]
    if times:
        near_start, near_end = min(times) - EVENT_MARGIN, max(times) + EVENT_MARGIN
        times += [t for t in event_times if near_start <= t <= near_end]
    else:
        times = event_times
    if not times:
        epoch = pd.Timestamp("1970-01-01", tz="UTC")
        return epoch, epoch + step
    start, end = min(times), max(times)
    pad = max((end - start) * 0.01, pd.Timedelta(minutes=30))
    return start - pad, end + pad


def _event_time(event: dict[str, Any]) -> pd.Timestamp:
    when = event["event_time"]
    if pd.isna(when):
        raise ValueError(
            f"event {event['event_id']!r} has no event_time; every event needs one to be drawn. "
            "Fix the event import so it records at least the date."
        )
    when = pd.Timestamp(when)
    if when.tzinfo is None:
        raise ValueError(
            f"event {event['event_id']!r} has a timezone-naive event_time {when}; expected UTC. "
            "Localize event_time with .dt.tz_localize('UTC')."
        )
    return when.tz_convert("UTC")


def _event_label(event: dict[str, Any]) -> str:
    label = cell_text(event["label"]) or " ".join(
        part for part in (cell_text(event["model_name"]), cell_text(event["kind"]).replace("_", " ")) if part
    )
    if len(label) > LABEL_MAX_CHARS:
        return label[: LABEL_MAX_CHARS - 1].rstrip() + "…"
    return label


def _event_time_text(when: pd.Timestamp, precision: str) -> str:
    if precision == "month":
        return f"{when:%Y-%m} (month only: drawn at the start of the month, UTC)"
    if precision == "day":
        return f"{when:%Y-%m-%d} (date only: drawn at 00:00 UTC)"
    return f"{when:%Y-%m-%d %H:%M:%S} UTC"


def _bucket_text(bucket: pd.Timestamp, step: pd.Timedelta) -> str:
    if step >= pd.Timedelta(days=1):
        return f"{bucket:%Y-%m-%d} (UTC day)"
    return f"{bucket:%Y-%m-%d %H:%M} UTC"


def _iso(when: pd.Timestamp) -> str:
    return when.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _share(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def cell_text(value: Any) -> str:
    """A table cell as display text: missing values (None, NaN, NA) become the empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()
