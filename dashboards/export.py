"""A chart's downloads: PNG and SVG drawn by vl_convert from the same Vega-Lite spec the page
and the static report show, and the chart's data as CSV for Datawrapper."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from dashboards import charts

PNG_SCALE = 2  # twice the on-screen size, sharp enough for an article


def png(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_png(chart.to_dict(), scale=PNG_SCALE)


def svg(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_svg(chart.to_dict()).encode("utf-8")


def csv(chart_df: pd.DataFrame) -> bytes:
    return charts.chart_data_csv(chart_df).encode("utf-8")
