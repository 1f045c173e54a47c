"""The translation table is complete, and every key the code asks for exists."""

import re
from datetime import date, datetime

from resilient.core import i18n
from tests.conftest import ROOT
from tests.tree import source_files

KEY_CALL = re.compile(r"""\b(?:tr|t)\(\s*f?["']([a-z_]+\.[a-z_0-9.{}]+)["']""")


def test_every_key_has_both_languages():
    for key, entry in i18n.TEXT.items():
        assert entry.get("zh") and entry.get("en"), key


def test_every_key_used_in_code_exists():
    used = set()
    for file in source_files("app.py", "views", "ui", "resilient", "geo", minimum=60):
        used |= set(KEY_CALL.findall(file.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys"
    for key in used:
        if "{" in key:  # f-string keys: check every known value of the placeholder
            prefix = key.split("{")[0]
            assert any(k.startswith(prefix) for k in i18n.TEXT), key
        else:
            assert key in i18n.TEXT, key
    for category in i18n.CATEGORIES:
        assert f"category.{category}" in i18n.TEXT


def test_unknown_key_shows_itself():
    assert i18n.t("no.such.key", "en") == "no.such.key"


def test_formats_follow_the_language():
    assert i18n.fmt_date(date(2026, 11, 3), "zh") == "2026年11月3日"
    assert i18n.fmt_date(date(2026, 11, 3), "en") == "3 Nov 2026"
    assert i18n.fmt_date(datetime(2026, 11, 3, 9, 5), "zh", with_time=True) == "2026年11月3日 09:05"
    assert i18n.fmt_number(15000, "en") == "15,000"
    assert i18n.fmt_number(1_000_000, "zh") == "100.0万"
    assert i18n.fmt_number(1_000_000, "en") == "1,000,000"
    assert i18n.t("overview.breakdown", "en", building="3栋", compound="A") == "3栋 (A) in detail"


def test_no_key_is_defined_twice():
    """A repeated key in the table's literal silently hides the first text."""
    import ast
    import collections

    tree = ast.parse((ROOT / "resilient" / "core" / "i18n.py").read_text(encoding="utf-8"))
    table = next(n for n in tree.body if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", "") == "TEXT")
    repeated = [k for k, n in collections.Counter(k.value for k in table.value.keys).items() if n > 1]
    assert repeated == []


def test_every_audit_action_has_a_label():
    """The audit page shows actions in the reader's language: every action the code writes needs one."""
    actions = set()
    for file in source_files("resilient", minimum=40):
        actions |= set(re.findall(r'audit\.record\(con, \w+, "([a-z_]+)"', file.read_text(encoding="utf-8")))
    actions |= {"logout", "session_expired", "reveal_refused", "login_failed", "account_locked"}
    assert actions, "the pattern found no actions"
    assert sorted(a for a in actions if f"action.{a}" not in i18n.TEXT) == []


def test_refusal_translates_the_codes_and_dates_inside_it():
    text = i18n.refusal("checks.error.already_recorded", {"day": date(2026, 11, 23), "period": "am", "by": "grid1",
                                                          "at": datetime(2026, 11, 23, 9, 5)}, "zh")
    assert "2026年11月23日" in text and "上午" in text and "09:05" in text and "am" not in text
    assert "Morning" in i18n.refusal("checks.error.already_recorded", {"day": date(2026, 11, 23), "period": "am",
                                                                       "by": "x", "at": "y"}, "en")
    # A text whose values are missing still says what is wrong instead of failing.
    assert i18n.refusal("checks.error.already_recorded", {}, "zh").startswith(i18n.t("checks.error.already_recorded",
                                                                                      "zh"))
