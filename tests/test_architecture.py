"""What may import what: geo/ takes frames and knows nothing of ours; the domain never touches Streamlit or ui/."""

import ast
from pathlib import Path

from tests.conftest import ROOT


def imported(path: Path) -> set[str]:
    """Top-level package of every import in the file, also those inside functions (a lazy import counts)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def offenders(folder: str, forbidden: set[str], at_least: int) -> dict[str, set[str]]:
    files = sorted((ROOT / folder).rglob("*.py"))
    assert len(files) >= at_least, f"found only {len(files)} files under {folder}/"
    return {str(f.relative_to(ROOT)): bad for f in files if (bad := imported(f) & forbidden)}


def test_geo_imports_nothing_of_ours_nor_streamlit():
    assert offenders("geo", {"resilient", "ui", "views", "streamlit", "streamlit_folium", "bench"}, 8) == {}


def test_the_domain_never_imports_streamlit_nor_ui():
    assert offenders("resilient", {"streamlit", "streamlit_folium", "ui", "views", "bench"}, 40) == {}


def test_the_check_sees_lazy_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\n\ndef f():\n    import streamlit as st\n    from resilient.core import db\n")
    assert imported(sample) == {"os", "streamlit", "resilient"}
