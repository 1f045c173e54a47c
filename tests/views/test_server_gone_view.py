"""The app on a PostgreSQL server that is not there: one plain sentence on the page, no traceback, no wait for the
pool's whole timeout, and no change said to be lost, as none was being made (the same page answers again once
the server is back: tests/core/test_pg_server_gone.py)."""

from streamlit.testing.v1 import AppTest

from resilient.core import pg
from resilient.core.i18n import t
from tests.conftest import ROOT, closed_port


def test_the_sign_in_page_says_the_server_cannot_be_reached(monkeypatch):
    port = closed_port()
    monkeypatch.setenv("RC_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/district")
    monkeypatch.delenv("RC_DB_PATH", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=pg.POOL_TIMEOUT - 5)
    at.run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == [t("db.error.server_down", "zh")]
    assert "127.0.0.1" not in str(at) and str(port) not in str(at)  # the server's address stays in its log
