"""The set-up contract: README's two commands, .ci/run running the same test command, pinned requirements."""

import re

from tests.conftest import ROOT
from tests.tree import source_files


def readme_commands():
    return re.findall(r"```bash\n(.+?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_opens_with_start_and_test_commands():
    start, test = readme_commands()[:2]
    assert "python3.11 -m venv .venv" in start and "requirements.txt" in start and "streamlit run app.py" in start
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert readme_commands()[1] in ci_lines


def test_requirements_are_pinned():
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if line and not line.startswith(("#", "-r")):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[0-9][^ ]*", line), f"{name}: {line!r} not pinned"


def test_spatial_extension_matches_duckdb():
    pins = dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line)
    assert pins["duckdb"] == pins["duckdb-extension-spatial"]


def test_leaflet_is_vendored_and_no_code_points_at_a_cdn():
    assert (ROOT / "static/leaflet/leaflet.js").stat().st_size > 100_000
    assert (ROOT / "static/leaflet/leaflet.css").exists()
    for file in source_files("app.py", "views", "ui", "geo", "resilient", "bench", minimum=70):
        text = file.read_text(encoding="utf-8")
        for cdn in ("cdn.jsdelivr", "unpkg.com", "cdnjs.cloudflare"):
            assert cdn not in text, f"{file.name} points at {cdn}"
