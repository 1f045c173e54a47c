"""The page menu folds after a choice on a narrow screen (issue 15: three taps per page change on a phone).

Streamlit 1.67 folds its sidebar after a navigation click only when the user agent is a phone's
(`deviceType === "mobile"`); the app adds a script that does it for any screen narrower than the breakpoint
where the sidebar lies over the page. The browser itself is checked with a screenshot at 390 px."""

import pytest

from tests.conftest import open_page
from ui import kit

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


def test_signed_in_pages_carry_the_script_that_folds_the_menu(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch, "leader", "views/daily/releases.py")
    scripts = [h for h in at.sidebar.get("html") if "stSidebarNav" in h.proto.body]
    assert len(scripts) == 1 and scripts[0].proto.unsafe_allow_javascript
    assert scripts[0].proto.body == kit.MENU_CLOSER


def test_the_script_folds_only_below_the_overlay_breakpoint_and_only_an_open_menu():
    script = kit.MENU_CLOSER
    assert "window.innerWidth >= 768" in script                          # Streamlit's md breakpoint
    assert 'stSidebarCollapseButton"] button[aria-expanded="true"]' in script   # never reopens a folded one
    assert "document.rcMenuCloses" in script                             # one listener per tab, not per rerun
