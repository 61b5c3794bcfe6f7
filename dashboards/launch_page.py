"""Launch page: how the conversation about one launch moved, next to the benchmark events."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards import charts, downloads, export, session
from dashboards.report import safe_href
from warehouse import dashboard as wd
from warehouse import timeline as wt

UTC_BUCKETS = ("day", "hour")
T_BUCKETS = (1, 3, 6, 12, 24)


def render() -> None:
    ctx = session.context()
    info = wt.launch_info(ctx.con, ctx.launch)
    st.title(ctx.launch_name)
    st.caption(
        f"{info['organization']} · released {session.when(info['released_at'])} · "
        f"data: snapshot published {session.when(ctx.published_at)}"
    )
    relative = st.toggle("T+hours since release", key="t_hours",
                         help="Put the time axis in hours since the release instead of UTC dates.")
    if relative:
        bucket_hours = st.selectbox("Bucket (hours)", T_BUCKETS, index=T_BUCKETS.index(6), key="bucket_hours")
        frame = wd.relative_timeline(ctx.con, ctx.launch, bucket_hours, ctx.where)
        events = wd.relative_events(ctx.con, ctx.launch)
    else:
        bucket = st.selectbox("Bucket", UTC_BUCKETS, key="bucket", format_func=lambda b: f"UTC {b}")
        frame = wd.filtered_timeline(ctx.con, ctx.launch, bucket, ctx.where)
        events = wt.events(ctx.con, ctx.launch)
    posts = int(frame["posts"].sum())
    classified = int(frame[["positive", "neutral", "negative"]].to_numpy().sum())
    left, middle, right = st.columns(3)
    left.metric("Posts (filtered)", f"{posts:,}")
    middle.metric("Negative share", f"{int(frame['negative'].sum()) / classified:.0%}" if classified else "–",
                  help="Of the posts the active classifier has labelled.")
    right.metric("Benchmark events", f"{len(events):,}")
    if posts == 0:
        st.info("No posts match these filters. Widen the date range or clear a filter in the sidebar.")
    else:
        _chart_section(frame, events, relative, ctx.launch)
    _event_table(events)


def _chart_section(frame: pd.DataFrame, events: pd.DataFrame, relative: bool, launch: str) -> None:
    drawn = _charts(frame, events, relative)
    axis = "t-hours" if relative else "utc"
    with st.container(key="launch-claims-chart"):
        st.vega_lite_chart(drawn["claims"], width="content")
        downloads.buttons(drawn["claims"], drawn["claims_csv"], f"{launch}-claims-{axis}")
    st.caption("Posts per bucket stacked by the claim types the classifier found (a post can carry several). "
               "Vertical rules are benchmark and leaderboard events: hover one to see it; dashed rules "
               "are events known only to the day.")
    with st.container(key="launch-negative-chart"):
        st.vega_lite_chart(drawn["share"], width="content")
        downloads.buttons(drawn["share"], drawn["share_csv"], f"{launch}-negative-share-{axis}")


@st.cache_data(max_entries=64, show_spinner=False)
def _charts(frame: pd.DataFrame, events: pd.DataFrame, relative: bool) -> dict[str, Any]:
    """Both charts' Vega-Lite specs and CSV downloads for this data.

    Every widget click reruns the page, and composing the Altair charts costs far more than the
    queries, so the finished specs are kept per data: Streamlit keys this cache on the contents of
    `frame` and `events`, so a new snapshot or other filters that change the data get new charts.
    The specs go to Streamlit as dicts, not validated again: the same builders are validated by
    the static report and the tests, and the data changes only values, not the spec's shape.
    """
    if relative:
        claims_chart = charts.relative_claims_chart(frame, events)
        share_chart = charts.relative_negative_share_chart(frame, events)
        claims_data = frame[["t_hours", *charts.CLAIMS]]
        share_data = frame[["t_hours", "posts", "negative", "negative_share"]]
    else:
        claims_chart = charts.claims_chart(frame, events)
        share_chart = charts.negative_share_chart(frame, events)
        claims_data = charts.claims_frame(frame)
        share_data = charts.negative_share_frame(frame)
    return {
        "claims": claims_chart.to_dict(validate=False),
        "share": share_chart.to_dict(validate=False),
        "claims_csv": export.csv(claims_data),
        "share_csv": export.csv(share_data),
    }


def _event_table(events: pd.DataFrame) -> None:
    st.subheader("Benchmark events")
    if events.empty:
        st.write("No benchmark events are recorded for this launch.")
        return
    numbered = charts.numbered_events(events)
    table = pd.DataFrame({
        "no.": numbered["number"],
        "time (UTC)": numbered["event_time"],
        "known to the": numbered["time_precision"],
        "event": numbered["label"],
        "kind": numbered["kind"],
        "model": numbered["model_name"],
        "value": numbered["value"],
        "source": [safe_href(url) for url in numbered["url"]],
    })
    st.dataframe(
        table, hide_index=True, key="launch-events-table",
        column_config={"source": st.column_config.LinkColumn("source", display_text="open source")},
    )


if __name__ == "__main__":
    render()
