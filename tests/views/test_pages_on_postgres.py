"""Every page of the navigation opens on PostgreSQL: the demo office joined into a district database, the app
pointed at it by RC_DATABASE_URL, an administrator on each page (issue 18). A page that stops on a query only
DuckDB can run shows here as the exception it raised."""

import re

import pytest

from resilient.core import db
from resilient.ops import join as joining
from tests.conftest import ROOT, TEST_DATABASE_URL, drop_postgres_database, postgres_database, signed_in_on

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="pages on PostgreSQL: set RC_TEST_DATABASE_URL")

PAGES = [p for p in re.findall(r'st\.Page\("(views/[\w/]+\.py)"', (ROOT / "app.py").read_text(encoding="utf-8"))
         if p != "views/login.py"]


@pytest.fixture(scope="module")
def district(demo_file, postgres_template):
    """The demo office's file joined into an empty district, as an office that started alone joins one."""
    url = postgres_database(postgres_template)
    source, target = db.connect(demo_file), db.connect(url)
    try:
        joining.join(source, target, by="test")
    finally:
        source.close()
        target.close()
    yield url
    drop_postgres_database(url)


def test_the_navigation_lists_the_pages():
    assert len(PAGES) > 20 and "views/maps/overview.py" in PAGES and "views/edge/gate.py" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens_on_postgresql(district, monkeypatch, page):
    monkeypatch.setenv("RC_DATABASE_URL", district)
    at = signed_in_on(page, "admin")
    assert not at.exception, at.exception
    assert at.title, "the page drew no title"


def test_backup_on_postgresql_points_to_the_server_and_offers_no_restore(district, monkeypatch):
    """A restore 'at the next start' of one app process would replace nothing in a shared database."""
    from resilient.core import i18n

    monkeypatch.setenv("RC_DATABASE_URL", district)
    at = signed_in_on("views/data/backup.py", "admin")
    assert [i.value for i in at.info] == [i18n.t("backup.on_server", "zh")]
    assert "pg_dump" in at.code[0].value and "pg_restore" in at.code[0].value
    assert not at.get("download_button") and not at.get("file_uploader") and not at.checkbox
