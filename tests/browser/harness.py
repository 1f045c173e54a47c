"""What the browser tests share: Debian's Chromium, one `streamlit run app.py` on a given database, and a visit.

A `Visit` is one browser context, offline: every request that would leave 127.0.0.1 is aborted, so the maps must
draw with no internet. Screenshots go to artifacts/screenshots (or $RC_SCREENSHOT_DIR). Never `playwright
install`: there is no download here.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect, sync_playwright

from resilient.demo import database as demo_database
from resilient.ops.serve import stop  # the app processes of a test stop as the deployment's do

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None)
IN_CI = os.environ.get("CI") == "true"
NO_CHROMIUM = ("no `chromium` executable found (Debian: apt-get install chromium fonts-noto-cjk); "
               "the browser tests need it and cannot download Playwright's own browser")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
STARTUP_TIMEOUT_S = 60
WAIT_MS = 60_000
DESKTOP = {"width": 1400, "height": 2000}
PHONE = {"width": 390, "height": 2400}

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHAPES = "path.leaflet-interactive"
# A phone-wide map draws on a canvas (taps count near a shape): its shapes are counted as Leaflet layers instead.
FEATURE_LAYERS_JS = """() => {
    const map = Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])
        .find(v => window.L && v instanceof L.Map);
    let n = 0;
    if (map) { map.eachLayer(l => { if (l.feature && l instanceof L.Path) n += 1; }); }
    return n;
}"""
EXCEPTION = '[data-testid="stException"]'
LANGUAGE_BOX = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'
LEAFLET_JS = "/app/static/leaflet/leaflet.js"
ZH_TITLE = "各楼栋隔离管控分布"
EN_TITLE = "Control measures by building"
LOGIN_TITLE = "韧性社区 · 登录"


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("RC_SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _ScreenshotNote:
    """Says where the screenshots are in pytest's terminal summary (shown without -s, unlike print)."""

    def __init__(self, folder: Path):
        self.folder = folder

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.write_line(f"browser screenshots: {self.folder}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The running `streamlit run app.py`, its URL, its log and what the test database holds."""

    def __init__(self, url: str, log: Path, buildings: int):
        self.url = url
        self.log = log
        self.buildings = buildings
        self.first_visit = None  # test_browser.py's record of the first session after the start
        self.process: subprocess.Popen | None = None
        self.database: Path | None = None

    def tail(self, lines: int = 40) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no server log: {exc})"
        return "\n".join(text.splitlines()[-lines:]) or "(server log is empty)"


@contextlib.contextmanager
def running_app(database: Path, workdir: Path, buildings: int = 0, env: dict | None = None):
    """`streamlit run app.py` on `database` until the block ends; it holds DuckDB's file lock all that time."""
    if CHROMIUM is None:
        pytest.fail("CI=true but no `chromium` executable found: CI must run the browser tests")
    port = _free_port()
    log = workdir / "streamlit.log"
    env = {**os.environ, **(env or {}), "RC_DB_PATH": str(database)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    running = Server(f"http://127.0.0.1:{port}", log, buildings)
    running.process, running.database = process, database  # a test may stop it early to read the file
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with code {process.returncode} on start:\n{running.tail()}")
            try:
                with urllib.request.urlopen(f"{running.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer on port {port} within {STARTUP_TIMEOUT_S} s:\n{running.tail()}")
            time.sleep(0.25)
        yield running
    finally:
        stop(process)


@contextlib.contextmanager
def chromium(pytestconfig):
    """Headless Debian Chromium for the block, with a note in pytest's summary saying where the screenshots go."""
    folder = screenshot_dir()
    name = "rc-browser-screenshots"
    if not pytestconfig.pluginmanager.has_plugin(name):
        pytestconfig.pluginmanager.register(_ScreenshotNote(folder), name)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """One browser context on the app: offline (only 127.0.0.1 answers), with what it asked for and what broke."""

    def __init__(self, browser, server: Server, viewport: dict):
        self.server = server
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.context.set_default_timeout(WAIT_MS)
        self.blocked: list[tuple[str, str]] = []  # (resource type, url) of requests that tried to leave
        self.responses: list[tuple[str, int]] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._only_local)
        self.page: Page = self.context.new_page()
        self.page.on("response", lambda r: self.responses.append((r.url, r.status)))
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)

    def _only_local(self, route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append((route.request.resource_type, route.request.url))
            route.abort("internetdisconnected")

    def open(self, username: str = "admin", password: str = demo_database.DEMO_PASSWORD,
             lands_on: str = ZH_TITLE) -> Page:
        """Load the app and sign in through the login form, as a person would; the first page is `lands_on`."""
        self.page.goto(self.server.url, wait_until="domcontentloaded")
        self.wait_idle()
        expect(self.page.locator("h1").first).to_have_text(LOGIN_TITLE)
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password)
        self.page.get_by_role("button", name="登录", exact=True).click()
        expect(self.page.locator("h1").first).to_have_text(lands_on, timeout=WAIT_MS)
        self.wait_idle()
        return self.page

    def go(self, path: str) -> Page:
        """Open a page from the sidebar and wait until it has replaced the one before: right after the click the
        old page still reports idle, so waiting for idle alone can act on the old page, or on half the new one."""
        heading = self.page.locator("h1").first
        before = heading.inner_text() if heading.count() else ""
        self.page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').first.click()
        self.page.wait_for_url(f"**/{path}", timeout=WAIT_MS)
        if before:
            expect(heading).not_to_have_text(before, timeout=WAIT_MS)
        self.page.wait_for_timeout(300)
        self.wait_idle()
        return self.page

    def wait_idle(self) -> None:
        self.page.wait_for_selector(APP_IDLE, timeout=WAIT_MS)
        expect(self.page.locator("h1").first).to_be_visible(timeout=WAIT_MS)

    @property
    def map(self):
        return self.page.frame_locator(MAP_IFRAME).first

    def feature_layers(self, expected: int) -> int:
        """Wait until the map holds `expected` shapes of buildings (as Leaflet layers, SVG or canvas alike)."""
        frame = self.page.locator(MAP_IFRAME).first.element_handle().content_frame()
        frame.wait_for_function(f"() => ({FEATURE_LAYERS_JS})() === {int(expected)}", timeout=WAIT_MS)
        return frame.evaluate(FEATURE_LAYERS_JS)

    def choose_language(self, label: str) -> None:
        self.page.locator(LANGUAGE_BOX).first.click()
        self.page.get_by_role("option", name=label, exact=True).click()

    def settle_map(self, timeout_s: float = 15) -> None:
        """Wait until the map stops moving (a remounted map zooms in with an animation); give up quietly."""
        shape = self.map.locator(SHAPES).first
        if not self.page.locator(MAP_IFRAME).count() or not shape.count() or not shape.is_visible():
            return  # no map, or one in a tab not shown (it has no box to watch)
        deadline = time.monotonic() + timeout_s
        last, stable = None, 0
        while time.monotonic() < deadline:
            box = shape.bounding_box()
            stable = stable + 1 if box is not None and box == last else 0
            if stable >= 2:
                return
            last = box
            self.page.wait_for_timeout(200)

    def screenshot(self, name: str) -> Path:
        self.settle_map()
        path = screenshot_dir() / name
        self.page.screenshot(path=path)
        print(f"screenshot: {path}")
        return path

    def explain(self) -> str:
        errors = "\n".join(self.errors[-20:]) or "(none)"
        blocked = "\n".join(f"{kind} {url}" for kind, url in self.blocked[-20:]) or "(none)"
        return (f"\n--- browser errors ---\n{errors}\n--- blocked off-machine requests ---\n{blocked}"
                f"\n--- streamlit log (tail) ---\n{self.server.tail()}")

    @contextlib.contextmanager
    def explained(self):
        """Re-raise assertion and Playwright timeouts with the browser's errors and the server's log tail."""
        try:
            yield
        except (AssertionError, PlaywrightError) as exc:
            kind = "" if isinstance(exc, AssertionError) else f"{type(exc).__name__}: "
            raise AssertionError(f"{kind}{exc}{self.explain()}") from exc

    def close(self) -> None:
        self.context.close()
