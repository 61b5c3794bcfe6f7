"""Download buttons under a chart: PNG, SVG and the chart's data as CSV."""

from __future__ import annotations

import functools

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import export


def buttons(chart: alt.TopLevelMixin, chart_df: pd.DataFrame, name: str) -> None:
    """Three download buttons keyed `<name>-png`, `<name>-svg` and `<name>-csv`.

    The images are drawn only when their button is clicked (a callable as data): drawing both
    formats of every chart on each rerun would cost a second per chart.
    """
    png, svg, csv = st.columns(3)
    png.download_button(
        "Download PNG", functools.partial(export.png, chart), file_name=f"{name}.png", mime="image/png",
        key=f"{name}-png", on_click="ignore",
    )
    svg.download_button(
        "Download SVG", functools.partial(export.svg, chart), file_name=f"{name}.svg", mime="image/svg+xml",
        key=f"{name}-svg", on_click="ignore",
    )
    csv.download_button(
        "Download data (CSV)", export.csv(chart_df), file_name=f"{name}.csv", mime="text/csv",
        key=f"{name}-csv", on_click="ignore",
    )
