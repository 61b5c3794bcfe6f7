"""A chart's downloads: PNG and SVG drawn by vl_convert from the same Vega-Lite spec the page
and the static report show, and the chart's data as CSV for Datawrapper."""

from __future__ import annotations

from typing import Any

import pandas as pd
import vl_convert

from dashboards import charts

PNG_SCALE = 2  # twice the on-screen size, sharp enough for an article


def png(spec: dict[str, Any]) -> bytes:
    """`spec` (a chart's to_dict()) as PNG."""
    return vl_convert.vegalite_to_png(spec, scale=PNG_SCALE)


def svg(spec: dict[str, Any]) -> bytes:
    """`spec` (a chart's to_dict()) as SVG."""
    return vl_convert.vegalite_to_svg(spec).encode("utf-8")


def csv(chart_df: pd.DataFrame) -> bytes:
    return charts.chart_data_csv(chart_df).encode("utf-8")
