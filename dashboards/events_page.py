"""Events page: what people posted before and after each benchmark event, and the spike alerts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import session, tables
from dashboards.report import safe_href
from warehouse import alerts as wa
from warehouse import impact as wi

WINDOWS = (6, 12, 24, 48, 72)


def render() -> None:
    ctx = session.context()
    st.title(f"Events: {ctx.launch_name}")
    st.caption(
        f"All of the launch's posts (the sidebar's filters do not apply here) · data: snapshot published "
        f"{session.when(ctx.published_at)}"
    )
    hours = st.selectbox("Window before and after each event (hours)", WINDOWS, index=WINDOWS.index(24), key="impact_hours")
    st.subheader("Impact of each event")
    st.caption(
        "Posts, negative share and each claim in the window before and after the event. Counts change "
        "as a rate ratio (×) with its 95% interval; the negative share as a difference with its 95% "
        "interval. 'partly' means collection did not cover both windows, so a low 'before' may only "
        "mean nothing was collected then. The same table as `launchwatch events impact`."
    )
    impact = wi.impact(ctx.con, ctx.launch, window_hours=int(hours))
    if impact.empty:
        st.write("No benchmark events are recorded for this launch.")
    else:
        st.dataframe(tables.impact_table(impact), hide_index=True, key="events-impact-table")
    st.subheader("Spike alerts")
    st.caption("Hours when posts, or posts making one claim, jumped above their trailing mean (`launchwatch alerts`).")
    alerts = wa.alerts(ctx.con, ctx.launch)
    if alerts.empty:
        st.write("No spikes were detected for this launch.")
        return
    st.dataframe(_alerts(alerts), hide_index=True, key="events-alerts-table",
                 column_config={"top post": st.column_config.LinkColumn("top post", display_text="open")})


def _alerts(alerts: pd.DataFrame) -> pd.DataFrame:
    table = tables.alerts_table(alerts).drop(columns=["top posts"])
    tops = [list(posts) for posts in alerts["top_posts"]]
    table["top post"] = [safe_href(posts[0]["url"]) if posts else None for posts in tops]
    table["top post title or text"] = [(posts[0]["title"] or posts[0]["text"] or "") if posts else "" for posts in tops]
    return table


if __name__ == "__main__":
    render()
