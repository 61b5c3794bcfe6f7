"""The journalists' dashboard: `launchwatch dashboard` runs `streamlit run` on this file.

It reads the published snapshot of the warehouse named by LAUNCHWATCH_DB, read-only. The sidebar
(data time, launch and filters) is drawn here once for every page; each page is a module of
dashboards/ that Streamlit runs as a script (its `render()` runs under `__main__`).
"""

from __future__ import annotations

import streamlit as st

from dashboards import session
from warehouse.db import WarehouseError
from warehouse.snapshot import snapshot_path

st.set_page_config(page_title="launchwatch", layout="wide")

try:
    db_path = session.database_path()
    con = session.connect(db_path)
    st.session_state["_context"] = session.sidebar(con, snapshot_path(db_path))
except (session.NoData, WarehouseError) as problem:
    st.title("launchwatch")
    st.error(str(problem))
    st.stop()

# Page files are named relative to this script, as Streamlit resolves them.
st.navigation([
    st.Page("launch_page.py", title="Launch", url_path="launch", default=True),
    st.Page("claims_page.py", title="Claims", url_path="claims"),
    st.Page("events_page.py", title="Events", url_path="events"),
    st.Page("compare_page.py", title="Compare", url_path="compare"),
    st.Page("about_page.py", title="About the data", url_path="about"),
]).run()
