"""Driving the real dashboard in a real browser: start `launchwatch dashboard` on a snapshot, and
launch Debian's chromium through Playwright (never a downloaded browser).

Shared by tests/test_dashboard_browser.py and bench/dashboard.py, so the benchmark measures the
page the test checks, with the same readiness rule.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags chromium keeps calling home, which on a closed network
# means a stream of failing connections; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run",
]

CLAIMS_CHART = ".st-key-launch-claims-chart .vega-embed"
# True once the Launch page's claims chart is really drawn: an SVG whose plot area has a size,
# whose x axis has a real time domain and whose bars have a size (a broken spec leaves the titles
# and legend but a zero-height plot or NaN axis); or, when Streamlit picks the canvas renderer
# for a big chart, a canvas with a size. And the sidebar's claim-type filter is there to use.
CHART_READY_JS = """() => {
    const embed = document.querySelector('.st-key-launch-claims-chart .vega-embed');
    const filter = [...document.querySelectorAll('[data-testid="stSidebar"] label')]
        .some(label => label.textContent.trim() === 'Claim type');
    if (!embed || !filter) return false;
    const canvas = embed.querySelector('canvas');
    if (canvas) return canvas.width > 0 && canvas.height > 0;
    const svg = embed.querySelector('svg');
    if (!svg) return false;
    const plot = svg.querySelector('path.background');
    if (!plot) return false;
    const box = plot.getBBox();
    if (!(box.width > 0 && box.height > 0)) return false;
    const xAxis = [...svg.querySelectorAll('[aria-label^="X-axis"]')].map(e => e.getAttribute('aria-label'));
    if (xAxis.length === 0 || xAxis.some(label => label.includes('NaN'))) return false;
    return [...svg.querySelectorAll('.layer_0_marks path')]
        .some(bar => { const b = bar.getBBox(); return b.width > 0 && b.height > 0; });
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def launchwatch_command() -> list[str]:
    """The installed `launchwatch` console script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("launchwatch")
    found = str(beside) if beside.exists() else shutil.which("launchwatch")
    if found is None:
        raise RuntimeError(
            f"no `launchwatch` command beside {sys.executable} or on PATH: install the project "
            "(`pip install -e '.[dev]'`, which `make test` does)"
        )
    return [found]


@contextmanager
def running_dashboard(db_path: Path, log_path: Path, timeout: float = 90.0) -> Iterator[str]:
    """Run `launchwatch --db DB dashboard --port P` until the block ends; yield its URL.

    The command starts Streamlit as its own child, so it runs in a new session and teardown
    signals that whole process group (only the processes started here)."""
    port = free_port()
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*launchwatch_command(), "--db", str(db_path), "dashboard", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log_path, timeout)
        yield url
    finally:
        stop(process)


def wait_healthy(url: str, process: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"`launchwatch dashboard` exited with status {process.returncode} before serving; "
                f"its output ({log_path}):\n{log_path.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(
        f"`launchwatch dashboard` did not answer {url}/_stcore/health within {timeout:.0f} s; "
        f"its output ({log_path}):\n{log_path.read_text(errors='replace')}"
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    else:
        # The command is gone; its Streamlit child may not be.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def launch_chromium(playwright):
    """Debian's chromium, headless, through Playwright's bundled driver."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
