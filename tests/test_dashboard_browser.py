"""End to end in a real browser: the running `launchwatch dashboard` on the demo data, opened in
headless Chromium (Debian's `chromium`, driven by Playwright; no browser download).

It checks what AppTest cannot: that the chart really draws in a browser, that a filter changes the
table, and that the injection posts of the demo data are shown as text and run nothing. A
screenshot of the Launch page is saved to build/screenshots/launch.png.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from browser import CHART_READY_JS, CHROMIUM, CLAIMS_CHART, launch_chromium, running_dashboard
from dashboards.claims_page import PAGE_SIZE
from warehouse.snapshot import snapshot_path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "build" / "screenshots" / "launch.png"
LAUNCH = "llama-4"
SCRIPT_TEXT = "<script>alert(1)</script>"
IMG_TEXT = "<img src=x onerror=alert(1)>"
TIMEOUT_MS = 45_000

# CI installs chromium (.ci/run), so there a missing browser is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and not os.environ.get("CI"),
    reason=f"no chromium at {CHROMIUM}: install it with `apt-get install chromium` (CI does)",
)


@pytest.fixture(scope="module")
def dashboard(demo_warehouse, tmp_path_factory):
    """The real `launchwatch dashboard` serving a copy of the demo snapshot (so no other test's
    use of the demo files can collide with it); killed at teardown."""
    db_path, _ = demo_warehouse
    folder = tmp_path_factory.mktemp("dashboard")
    own_db = folder / "launchwatch.duckdb"
    shutil.copyfile(snapshot_path(db_path), snapshot_path(own_db))
    with running_dashboard(own_db, folder / "dashboard.log") as url:
        yield url, snapshot_path(own_db)


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


class Watched:
    """A page with what it did that a test must see: script errors, console errors, dialogs."""

    def __init__(self, page):
        self.page = page
        self.page_errors: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        # Dismissing keeps an alert from blocking the page; recording it fails the test below.
        page.on("dialog", lambda dialog: (self.dialogs.append(f"{dialog.type}: {dialog.message}"), dialog.dismiss()))


@pytest.fixture
def watched(chromium):
    context = chromium.new_context(viewport={"width": 1400, "height": 1800})
    page = Watched(context.new_page())
    page.page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()
    assert page.dialogs == [], f"the page opened dialogs (a script ran): {page.dialogs}"
    assert page.page_errors == [], f"script errors in the page: {page.page_errors}"
    assert page.console_errors == [], f"errors in the browser console: {page.console_errors}"


def _count(snapshot: Path, claim: str | None = None) -> int:
    """Posts of the launch in the snapshot (with that claim), counted straight from post_facts."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        sql = "SELECT count(*) FROM post_facts WHERE launch_key = ?"
        if claim is not None:
            sql += f" AND {claim} = 1"
        return con.execute(sql, [LAUNCH]).fetchone()[0]


def _event_labels(snapshot: Path) -> list[str]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return [row[0] for row in con.execute("SELECT label FROM benchmark_events WHERE launch_key = ?", [LAUNCH]).fetchall()]


def _open(page, url: str, title: str) -> None:
    """Open the app and go to a page through the sidebar navigation, as a reader does (a deep
    link makes Streamlit's client probe /<page>/_stcore/... first and log 404s)."""
    page.goto(url)
    if title != "Launch":
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", name=re.compile(title if title != "Launch" else ".")).first.wait_for()


def _match_count(page) -> int:
    line = page.get_by_text(re.compile(r"^[\d,]+ posts match")).first
    line.wait_for()
    return int(line.inner_text().split(" ")[0].replace(",", ""))


def _wait_table_rows(page, rows: int) -> str:
    """Wait until the Claims table's grid holds `rows` rows; return its first row's text.
    st.dataframe draws on a canvas; its accessible table mirrors the rows (header included)."""
    grid = ".st-key-claims-table table[role=grid]"
    page.wait_for_function(
        f"() => document.querySelector('{grid}')?.getAttribute('aria-rowcount') === '{rows + 1}'", timeout=TIMEOUT_MS
    )
    return page.locator(f"{grid} tbody tr").first.inner_text()


def test_launch_page_draws_the_chart(dashboard, watched, capsys):
    url, snapshot = dashboard
    page = watched.page
    _open(page, url, "Launch")
    try:
        page.wait_for_function(CHART_READY_JS, timeout=TIMEOUT_MS)
        # The rest of the page (metrics, the negative-share chart, the download buttons, the
        # events table) arrives after the claims chart; the screenshot should show it drawn, not
        # Streamlit's grey placeholders.
        page.wait_for_function(
            "() => document.querySelectorAll('[data-testid=\"stSkeleton\"]').length === 0",
            timeout=TIMEOUT_MS,
        )
    finally:
        # Saved whether or not the chart drew: on a failure it is the evidence.
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        with capsys.disabled():  # shown in every run's output, not only with -s
            print(f"\nLaunch page screenshot: {SCREENSHOT}")
    page.get_by_text("Snapshot published:").first.wait_for()
    assert page.get_by_text(f"{_count(snapshot):,}", exact=True).first.is_visible()
    # Hovering an event's label above the chart tells what the event was.
    label = page.locator(f"{CLAIMS_CHART} svg .layer_3_marks text").first
    label.hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for()
    assert any(event in tooltip.inner_text() for event in _event_labels(snapshot)), tooltip.inner_text()
    # The T+h toggle redraws the chart on hours since release.
    page.get_by_text("T+hours since release").click()
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{CLAIMS_CHART} [aria-label^="X-axis"]')]
                 .some(axis => axis.getAttribute('aria-label').includes('hours since release'))
              && ({CHART_READY_JS})()""",
        timeout=TIMEOUT_MS,
    )


def test_claim_filter_changes_the_table(dashboard, watched):
    url, snapshot = dashboard
    page = watched.page
    _open(page, url, "Claims")
    everything = _count(snapshot)
    assert _match_count(page) == everything
    first_row = _wait_table_rows(page, min(everything, PAGE_SIZE))
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Claim type").click()
    page.get_by_role("option", name="Contamination").click()
    page.keyboard.press("Escape")
    expected = _count(snapshot, "contamination")
    assert 0 < expected < everything
    page.get_by_text(re.compile(rf"^{expected:,} posts match")).first.wait_for()
    _wait_table_rows(page, min(expected, PAGE_SIZE))
    # With more matches than a page holds, the row count alone does not show the redraw; the
    # first row must change (the unfiltered table's first post makes no contamination claim).
    grid = ".st-key-claims-table table[role=grid]"
    page.wait_for_function(
        "([grid, before]) => { const row = document.querySelector(grid + ' tbody tr');"
        " return row !== null && row.innerText !== before; }",
        arg=[grid, first_row],
        timeout=TIMEOUT_MS,
    )
    # The evidence list under the table shows each post of the page with its claims.
    posts = page.locator(".st-key-claims-evidence .lw-post")
    posts.first.wait_for()
    labels = posts.locator("small").all_inner_texts()
    assert labels and all("Contamination" in text for text in labels), labels


def test_injection_posts_are_text_and_run_nothing(dashboard, watched):
    url, _ = dashboard
    page = watched.page
    _open(page, url, "Claims")
    _match_count(page)
    search = page.get_by_role("textbox", name="Search title and text")
    search.fill("alert(1)")
    search.press("Enter")
    page.get_by_text(re.compile(r"^2 posts match")).first.wait_for()
    evidence = page.locator(".st-key-claims-evidence")
    evidence.get_by_text(SCRIPT_TEXT).first.wait_for()
    shown = evidence.inner_text()
    assert SCRIPT_TEXT in shown and IMG_TEXT in shown
    found = page.evaluate(
        """() => ({
            scripts: [...document.querySelectorAll('script')].filter(s => s.textContent.includes('alert(1)')).length,
            onerror: document.querySelectorAll('[onerror]').length,
            badImages: [...document.querySelectorAll('img')].filter(i => i.getAttribute('src') === 'x').length,
        })"""
    )
    assert found == {"scripts": 0, "onerror": 0, "badImages": 0}
