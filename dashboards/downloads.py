"""Download buttons under a chart: PNG, SVG and the chart's data as CSV."""

from __future__ import annotations

import functools
from typing import Any

import streamlit as st

from dashboards import export


def buttons(spec: dict[str, Any], csv: bytes, name: str) -> None:
    """Three download buttons keyed `<name>-png`, `<name>-svg` and `<name>-csv`: the Vega-Lite
    `spec` the page shows drawn as PNG and SVG, and the chart's data as `csv` (export.csv).

    The images are drawn only when their button is clicked (a callable as data): drawing both
    formats of every chart on each rerun would cost a second per chart.
    """
    png_column, svg_column, csv_column = st.columns(3)
    png_column.download_button(
        "Download PNG", functools.partial(export.png, spec), file_name=f"{name}.png", mime="image/png",
        key=f"{name}-png", on_click="ignore",
    )
    svg_column.download_button(
        "Download SVG", functools.partial(export.svg, spec), file_name=f"{name}.svg", mime="image/svg+xml",
        key=f"{name}-svg", on_click="ignore",
    )
    csv_column.download_button(
        "Download data (CSV)", csv, file_name=f"{name}.csv", mime="text/csv",
        key=f"{name}-csv", on_click="ignore",
    )
