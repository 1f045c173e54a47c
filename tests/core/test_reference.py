"""The reference files in data/: all of them load, and a broken one is refused naming its file and key."""

import shutil
import subprocess
from dataclasses import dataclass

import pytest

from resilient.core import reference
from resilient.core.config import DATA_DIR
from resilient.core.reference import DataFileError
from resilient.daily import arrivals
from resilient.daily.rules import DailySettings
from tests.conftest import ROOT

FILES = ["columns.toml", "words.toml", "templates.toml", "defaults.toml", "arrival_rules.csv"]


def test_every_reference_file_is_there_and_described():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    shipped = sorted(p.name for p in DATA_DIR.iterdir() if p.suffix in (".toml", ".csv"))
    assert shipped == sorted(FILES)
    assert all(f"`{name}`" in readme for name in FILES)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_data_is_committed_and_the_database_is_not():
    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT).returncode == 0

    assert not any(ignored(f"data/{name}") for name in [*FILES, "README.md"])
    assert all(ignored(f"data/{name}") for name in ["community.duckdb", "community.duckdb.wal", "backups/x.parquet"])


@pytest.fixture
def folder(tmp_path):
    reference.load_toml.cache_clear()
    yield tmp_path
    reference.load_toml.cache_clear()


def write(folder, name: str, text: str):
    (folder / name).write_text(text, encoding="utf-8")


def test_a_broken_toml_file_names_itself(folder):
    write(folder, "words.toml", "[arrival.origin\nabroad = 1\n")
    with pytest.raises(DataFileError, match=r"words\.toml: not valid TOML"):
        reference.section("words.toml", "arrival.origin", folder)
    with pytest.raises(DataFileError, match=r"nothing\.toml: file missing"):
        reference.section("nothing.toml", "x", folder)


def test_word_lists_name_the_key_that_is_wrong(folder):
    write(folder, "words.toml", '[risk]\nhigh = ["高"]\nlow = "低"\n[two]\nhigh = ["高"]\nlow = ["高"]\n'
                                '[odd]\nhigh = ["高"]\nmedium = ["中"]\n')
    with pytest.raises(DataFileError, match=r"words\.toml: \[risk\] low must be a list of words"):
        reference.word_lists("words.toml", "risk", ("high", "low"), folder)
    with pytest.raises(DataFileError, match=r"\[two\] '高' means both high and low"):
        reference.word_index("words.toml", "two", ("high", "low"), directory=folder)
    with pytest.raises(DataFileError, match=r"\[odd\] medium is not one of high, low"):
        reference.word_lists("words.toml", "odd", ("high", "low"), folder)
    with pytest.raises(DataFileError, match=r"\[nope\] missing"):
        reference.word_lists("words.toml", "nope", None, folder)


def test_column_names_are_exactly_the_sheets_fields(folder):
    write(folder, "columns.toml", '[register]\nname = ["姓名"]\nphone = ["电话"]\n'
                                  '[staff]\nsame_as_register = ["name"]\nrole = ["岗位"]\n'
                                  '[bad]\nsame_as_register = ["room"]\n[extra]\nname = ["姓名"]\nage = ["年龄"]\n')
    register = reference.fields_from("columns.toml", "register", ["name", "phone"], directory=folder)
    assert reference.fields_from("columns.toml", "staff", ["name", "role"], register, folder) == {
        "name": ["姓名"], "role": ["岗位"]}
    with pytest.raises(DataFileError, match=r"\[staff\] phone missing"):
        reference.fields_from("columns.toml", "staff", ["name", "phone", "role"], register, folder)
    with pytest.raises(DataFileError, match=r"\[bad\] same_as_register: room is not a register field"):
        reference.fields_from("columns.toml", "bad", ["room"], register, folder)
    with pytest.raises(DataFileError, match=r"\[extra\] age is not a field of this sheet"):
        reference.fields_from("columns.toml", "extra", ["name"], directory=folder)


def test_settings_defaults_come_from_the_file_with_their_kinds(folder):
    write(folder, "defaults.toml", '[good]\nlimit = 3\nshare = 1\nwords = ["a", "b"]\n'
                                   '[wrong]\nlimit = "3"\nshare = 1\nwords = []\n'
                                   '[short]\nlimit = 3\nwords = []\n[long]\nlimit = 3\nshare = 1\nwords = []\nx = 1\n')

    def settings(key):
        @dataclass(frozen=True)
        @reference.defaults_from("defaults.toml", key, folder)
        class Settings:
            limit: int
            share: float
            words: tuple[str, ...]

        return Settings

    good = settings("good")
    assert good() == good(3, 1.0, ("a", "b"))
    assert isinstance(good().share, float)
    with pytest.raises(DataFileError, match=r"\[wrong\] limit must be int, not '3'"):
        settings("wrong")
    with pytest.raises(DataFileError, match=r"\[short\] share missing"):
        settings("short")
    with pytest.raises(DataFileError, match=r"\[long\] x is not a setting"):
        settings("long")


def test_a_default_out_of_range_is_refused_at_start(folder):
    text = (DATA_DIR / "defaults.toml").read_text(encoding="utf-8").replace("fever_threshold = 37.3",
                                                                            "fever_threshold = 50")
    write(folder, "defaults.toml", text)

    # DailySettings' fields and range checks, its defaults from the edited copy.
    shape = type("Checks", (), {"__annotations__": dict(DailySettings.__annotations__),
                                "__post_init__": DailySettings.__post_init__})
    checks = dataclass(frozen=True)(reference.defaults_from("defaults.toml", "checks", folder)(shape))
    with pytest.raises(DataFileError, match=r"defaults\.toml: \[checks\] refused: .*fever_threshold"):
        reference.check_defaults(checks, "defaults.toml", "checks", folder)


def test_csv_rows_check_the_header_and_every_line(folder):
    write(folder, "rules.csv", "origin,risk\nabroad,high\n\nkey_area\n")
    with pytest.raises(DataFileError, match=r"rules\.csv: the header must be origin,risk,days"):
        reference.csv_rows("rules.csv", ["origin", "risk", "days"], folder)
    with pytest.raises(DataFileError, match=r"rules\.csv: line 3 has 1 values, not 2"):
        reference.csv_rows("rules.csv", ["origin", "risk"], folder)


def test_the_default_arrival_rules_are_checked_as_an_edited_table(folder, monkeypatch):
    shutil.copy(DATA_DIR / arrivals.RULES_FILE, folder / arrivals.RULES_FILE)
    monkeypatch.setattr(reference, "DATA_DIR", folder)
    reference._csv.cache_clear()
    try:
        assert arrivals._default_rules() == arrivals.DEFAULT_RULES
        text = (folder / arrivals.RULES_FILE).read_text(encoding="utf-8")
        (folder / arrivals.RULES_FILE).write_text(text.replace("key_area,low,home_observation,14",
                                                               "key_area,low,home_observation,99"))
        reference._csv.cache_clear()
        with pytest.raises(DataFileError, match=r"arrival_rules\.csv: line 5, days: arrivals\.error\.rule_days"):
            arrivals._default_rules()
    finally:
        reference._csv.cache_clear()
