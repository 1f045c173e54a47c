"""The database file held by a second server, read-only, or on a full disk: every page says so in plain words,
to people not signed in too, with no traceback and none of the server's paths."""

import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.core.test_db import FULL, HOLD
from tests.views.test_views import sign_in


def start(path, monkeypatch) -> AppTest:
    monkeypatch.setenv("RC_DB_PATH", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    return at.run()


def said(at) -> str:
    """Everything the page shows, as one text."""
    return "\n".join(str(getattr(e, "value", "")) for kind in ("title", "error", "warning", "info", "markdown",
                                                                "caption", "text", "exception")
                     for e in at.get(kind))


def assert_plain(at, words: str, *hidden: str) -> None:
    assert not at.exception, at.exception
    shown = said(at)
    assert words in shown
    for secret in ("Traceback", "IO Error", "PID", *hidden):
        assert secret not in shown, secret


@pytest.fixture
def copy(page_template, tmp_path):
    path = tmp_path / "office" / "community.duckdb"
    path.parent.mkdir()
    shutil.copy(page_template, path)
    return path


def test_a_database_a_second_server_holds_is_named_plainly_on_the_sign_in_page(copy, monkeypatch):
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(copy)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        at = start(copy, monkeypatch)
        assert_plain(at, "另一个程序", str(copy.parent), sys.executable)
        assert not at.text_input  # no sign-in form on a database that cannot be opened
    finally:
        holder.kill()
        holder.wait()
    at.run()  # once the other program has let go, the same session goes on to the sign-in form
    assert not at.exception and at.text_input


def test_a_read_only_database_file_is_named_plainly(copy, monkeypatch):
    copy.chmod(0o444)
    at = start(copy, monkeypatch)
    assert_plain(at, "只读", str(copy.parent))
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert_plain(at, "read-only", str(copy.parent))


def test_a_full_disk_at_sign_in_says_so_and_signs_nobody_in(copy, monkeypatch):
    from resilient.core import audit

    at = start(copy, monkeypatch)
    recorded = audit.record

    def full(con, *args, **kwargs):
        recorded(con, *args, **kwargs)
        raise duckdb.IOException(FULL)

    monkeypatch.setattr(audit, "record", full)
    sign_in(at, "admin")
    assert_plain(at, "磁盘已满", "/srv")
    monkeypatch.setattr(audit, "record", recorded)
    from ui import session

    rows = session.database().cursor().execute(  # the app's own connection: it holds the file
        "SELECT count(*) FROM audit_log WHERE action = 'login' AND username = 'admin'").fetchone()[0]
    assert rows == 0  # the sign-in's audit row was rolled back with it
    at.run()
    assert at.text_input  # still signed out: the sign-in form is shown again


def test_a_database_gone_bad_mid_session_is_said_plainly_in_the_sidebars_reads_too(copy, monkeypatch):
    """The sidebar reads the communities before any page runs: a file that failed there showed DuckDB's message."""
    from resilient.places import places

    at = start(copy, monkeypatch)
    sign_in(at, "admin")
    assert not at.exception, at.exception

    def gone(*args, **kwargs):
        raise duckdb.IOException(FULL)

    monkeypatch.setattr(places, "communities", gone)
    at.run()
    assert_plain(at, "磁盘已满", "/srv")


def test_the_signed_in_name_in_the_sidebar_is_text_not_markdown(copy, monkeypatch):
    con = duckdb.connect(str(copy))
    con.execute("UPDATE app_user SET display_name = '*冯*芳_[x](y)' WHERE username = 'admin'")
    con.close()
    at = start(copy, monkeypatch)
    sign_in(at, "admin")
    shown = next(m.value for m in at.sidebar.markdown if "芳" in m.value)
    assert "\\*冯\\*芳" in shown and "\\[x\\]" in shown, shown
