"""Every file uploader speaks the page's language (issue 15: "Upload" and "50MB per file" on Chinese pages).

Streamlit's uploader takes no words from Python; kit.file_uploader puts the reader's words over its own with a
style scoped to the uploader's key. The look itself is checked with a screenshot."""

import pytest

from tests.conftest import open_page
from tests.tree import source_files

pytestmark = pytest.mark.both_backends  # page_db: a DuckDB file, and a PostgreSQL database


def test_no_page_uses_streamlits_uploader_directly():
    direct = [f.name for f in source_files("views", "app.py") if "st.file_uploader(" in f.read_text(encoding="utf-8")]
    assert not direct, direct


@pytest.mark.parametrize(("lang", "button", "limit"), [("zh", "选择文件", "单个文件不超过 50 MB"),
                                                       ("en", "Choose a file", "Up to 50 MB per file")])
def test_the_import_page_uploader_says_upload_and_its_limit_in_the_readers_words(page_db, monkeypatch, lang,
                                                                                 button, limit):
    at = open_page(page_db, monkeypatch, "leader", "views/data/imports.py", lang)
    assert not at.exception, at.exception
    styles = [h.proto.body for h in at.get("html") if "stFileUploaderDropzone" in h.proto.body]
    keys = {u.key for u in at.get("file_uploader")}
    assert keys and all(any(f".st-key-{key} " in s for s in styles) for key in keys)
    assert any(f'"{button}"' in s and limit in s for s in styles)
