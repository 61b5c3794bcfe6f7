"""Compare page: several launches on one clock, hours since each one's release."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, downloads, export, session
from warehouse import comparison as wc
from warehouse import dashboard as wd

BUCKETS = (1, 3, 6, 12, 24)


def render() -> None:
    ctx = session.context()
    st.title("Compare launches")
    st.caption(
        "Each launch on hours since its release (T+h), as `launchwatch compare`. All posts of each "
        f"launch (the sidebar's filters do not apply here) · data: snapshot published {session.when(ctx.published_at)}"
    )
    launches = wd.launches(ctx.con)
    names = dict(zip(launches["launch_key"], launches["name"]))
    with_posts = [key for key, posts in zip(launches["launch_key"], launches["posts"]) if posts > 0]
    chosen = st.multiselect("Launches", list(names), default=with_posts[:3] or list(names)[:1],
                            format_func=names.get, key="compare_launches")
    metric_col, bucket_col, from_col, until_col = st.columns(4)
    metric = metric_col.selectbox("Metric", wc.METRICS, index=wc.METRICS.index("negative_share"), key="compare_metric")
    bucket = bucket_col.selectbox("Bucket (hours)", BUCKETS, index=BUCKETS.index(6), key="compare_bucket")
    since = from_col.number_input("From T+ (hours)", value=0, step=bucket, key="compare_from")
    until = until_col.number_input("Until T+ (hours)", value=168, step=bucket, key="compare_until")
    if not chosen:
        st.info("Choose at least one launch.")
        return
    if since >= until:
        st.error(f"'From' ({since} h) must be before 'Until' ({until} h).")
        return
    frame = wc.compare(ctx.con, chosen, metric=metric, bucket_hours=int(bucket), from_hours=int(since), until_hours=int(until))
    spec = charts.compare_chart(frame, metric, int(bucket)).to_dict()
    with st.container(key="compare-chart"):
        # The dict, so Streamlit shows exactly what the PNG and SVG downloads draw.
        st.vega_lite_chart(spec, width="content")
        downloads.buttons(spec, export.csv(frame), f"compare-{metric}")
    st.dataframe(frame, hide_index=True, key="compare-table")


if __name__ == "__main__":
    render()
