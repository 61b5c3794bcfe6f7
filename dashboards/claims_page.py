"""Claims page: the posts behind the chart, with their labels, evidence and links, one page at a time."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboards import highlight, session
from dashboards.charts import CLAIM_TITLES, cell_text
from dashboards.report import safe_href
from warehouse import dashboard as wd

PAGE_SIZE = 50
ORDERS = {"newest": "newest first", "oldest": "oldest first", "score": "most engagement first"}


def render() -> None:
    ctx = session.context()
    st.title(f"Claims: {ctx.launch_name}")
    st.caption(f"Posts for the sidebar's filters · data: snapshot published {session.when(ctx.published_at)}")
    search_col, order_col = st.columns([3, 1])
    search = search_col.text_input("Search title and text", key="search", on_change=_first_page,
                                   help="Finds posts containing these characters (not case-sensitive).")
    order = order_col.selectbox("Order", list(ORDERS), key="order", format_func=ORDERS.get, on_change=_first_page)
    page = int(st.session_state.get("page", 1))
    frame, total = wd.posts(ctx.con, ctx.launch, ctx.where, search, order, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        # Narrower filters left fewer pages than the one shown: go to the last.
        st.session_state["page"] = page = pages
        frame, total = wd.posts(ctx.con, ctx.launch, ctx.where, search, order, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key="page")
    first = (page - 1) * PAGE_SIZE + 1
    st.write(f"{total:,} posts match" + (f"; showing {first:,}–{first + len(frame) - 1:,}." if len(frame) else "."))
    with st.container(key="claims-table"):
        st.dataframe(
            _table(frame), hide_index=True, key="claims-dataframe",
            column_config={
                "time (UTC)": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                "link": st.column_config.LinkColumn("link", display_text="original"),
                "text": st.column_config.TextColumn(width="large"),
            },
        )
    if len(frame):
        _evidence(frame)


def _first_page() -> None:
    st.session_state["page"] = 1


def _table(frame: pd.DataFrame) -> pd.DataFrame:
    """What the table shows: every cell is plain text to st.dataframe, so nothing in it is markup."""
    return pd.DataFrame({
        "time (UTC)": frame["created_at"],
        "platform": frame["platform"],
        "lang": frame["lang"],
        "author": frame["author"],
        "title": frame["title"].fillna(""),
        "text": frame["text"],
        "score": frame["score"],
        "replies": frame["replies"],
        "sentiment": frame["sentiment"].fillna("unclassified"),
        "claims": [", ".join(CLAIM_TITLES.get(c, c) for c in claims) for claims in frame["claims"]],
        "evidence": [" | ".join(f"{CLAIM_TITLES.get(c, c)}: {s}" for c, s in ev.items()) for ev in frame["evidence"]],
        "model version": frame["model_version"],
        "link": [safe_href(url) for url in frame["url"]],
    })


def _evidence(frame: pd.DataFrame) -> None:
    st.subheader("The posts, with their evidence")
    st.caption("The sentence the classifier found for each claim is highlighted in the post.")
    with st.container(key="claims-evidence"):
        for post in frame.to_dict("records"):
            # The classifier read title and text together, so its evidence can come from either.
            evidence = list(post["evidence"].values())
            title = highlight.marked(cell_text(post["title"]), evidence)
            body = highlight.marked(cell_text(post["text"]), evidence)
            labels = ", ".join(CLAIM_TITLES.get(c, c) for c in post["claims"]) or "no claim"
            st.html(
                f"<div class='lw-post'><b>{title}</b> <small>{highlight.marked(cell_text(post['platform']), [])} · "
                f"{session.when(post['created_at'])} · {highlight.marked(labels, [])}</small>"
                f"<p>{body}</p></div>"
            )


if __name__ == "__main__":
    render()
