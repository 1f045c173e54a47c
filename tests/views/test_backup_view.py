"""The backup page offers the administrator's explicit yes to a backup not signed here, off by default."""

from tests.conftest import open_page


def test_the_restore_asks_before_accepting_an_unverified_backup(page_db, monkeypatch):
    at = open_page(page_db, monkeypatch, "admin", "views/data/backup.py", lang="en")
    box = at.checkbox(key="restore_accept_unverified")
    assert box.value is False
    assert box.label.startswith("Accept a backup not signed by this installation")
