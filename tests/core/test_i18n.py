"""The catalogs are complete, and every key the code asks for exists."""

import re
import string
from datetime import date, datetime

from resilient.core import i18n
from tests.conftest import ROOT
from tests.tree import source_files

KEY_CALL = re.compile(r"""\b(?:n?tr|n?t|\w+Error)\(\s*f?["']([a-z_]+\.[a-z_0-9.{}]+)["']""")
LITERAL_CALL = re.compile(r"""\b(n?)(?:tr|t)\(\s*["']([a-z_]+\.[a-z_0-9.]+)["']""")
PLURAL_FORMS = {"zh": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
# Everything the code's texts can come from; a move of files must not quietly shrink the scan.
AT_LEAST_FILES = 60


def test_every_key_has_both_languages():
    zh, en = i18n.texts("zh"), i18n.texts("en")
    assert zh.keys() == en.keys(), zh.keys() ^ en.keys()
    for key in zh:
        assert all(zh[key]) and all(en[key]), key


def test_every_key_used_in_code_exists():
    used = set()
    for file in source_files("app.py", "views", "ui", "resilient", "geo", minimum=AT_LEAST_FILES):
        used |= set(KEY_CALL.findall(file.read_text(encoding="utf-8")))
    assert used, "the pattern found no keys"
    for language in i18n.LANGUAGES:
        known = i18n.texts(language)
        for key in used:
            if "{" in key:  # f-string keys: check every known value of the placeholder
                prefix = key.split("{")[0]
                assert any(k.startswith(prefix) for k in known), (language, key)
            else:
                assert key in known, (language, key)
        for category in i18n.CATEGORIES:
            assert f"category.{category}" in known


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_language_and_form_has_the_same_placeholders():
    """A {name} only one language has fails at a desk (KeyError) or shows a hole in the other language."""
    zh, en = i18n.texts("zh"), i18n.texts("en")
    differ = []
    for key, forms in zh.items():
        expected = placeholders(forms[0])
        for language, text in [("zh", f) for f in forms] + [("en", f) for f in en[key]]:
            if placeholders(text) != expected:
                differ.append((key, language, sorted(placeholders(text) ^ expected)))
    assert differ == []


def test_labels_the_code_builds_exist():
    """Keys made from a code at run time: a field, post or sex in import problems, the gate sheet's notes."""
    from resilient.daily import arrivals
    from resilient.imports import places, register
    from resilient.imports.values import STAFF_ROLES

    known = i18n.texts("zh").keys() & i18n.texts("en").keys()
    fields = {*register.REGISTER_FIELDS, *register.STAFF_FIELDS, *register.VOLUNTEER_FIELDS, *places.PLACES_FIELDS}
    wanted = {f"field.{name}" for name in fields} | {f"import.role.{r}" for r in STAFF_ROLES.values()}
    wanted |= {"import.sex.M", "import.sex.F"} | {f"arrivals.template.note.{k}" for _, k in arrivals.TEMPLATE_NOTES}
    assert wanted - known == set()
    problem = i18n.refusal("import.error.required", {"field": "id_number"}, "en", {"field": "field"})
    assert problem == "ID number is missing"


def read_catalog(language):
    from babel.messages.pofile import read_po

    with i18n.po_path(language).open("rb") as source:
        return read_po(source)


def test_plural_entries_have_every_form_of_their_language():
    plural_keys = {}
    for language, plural_forms in PLURAL_FORMS.items():
        catalog = read_catalog(language)
        assert catalog.mime_headers and dict(catalog.mime_headers)["Plural-Forms"] == plural_forms
        assert dict(catalog.mime_headers)["Content-Type"] == "text/plain; charset=utf-8"
        plurals = [m for m in catalog if isinstance(m.id, tuple)]
        for message in plurals:
            assert message.id[1] == message.id[0], message.id  # msgid_plural is the key: a gap shows the key
            assert isinstance(message.string, tuple) and len(message.string) == catalog.num_plurals, message.id
            assert all(message.string), (language, message.id)
            assert all("{n}" in form for form in message.string), (language, message.id)
        plural_keys[language] = {m.id[0] for m in plurals}
    assert plural_keys["zh"] == plural_keys["en"]
    assert len(plural_keys["en"]) >= 40


def test_counts_are_asked_for_with_ntr():
    """tr() on a plural entry would read in one form whatever the count; ntr() on a plain entry means a count
    message lost its forms."""
    plural = {key for key, forms in i18n.texts("en").items() if len(forms) > 1}
    wrong = []
    for file in source_files("app.py", "views", "ui", "resilient", "geo", minimum=AT_LEAST_FILES):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            for n, key in LITERAL_CALL.findall(line):
                if (key in plural) != bool(n):
                    wrong.append(f"{file.relative_to(ROOT)}:{number} {key}")
    assert wrong == []


def test_plural_forms_follow_the_count():
    assert i18n.nt("coverage.applied", 1, "en") == "1 assignment written."
    assert i18n.nt("coverage.applied", 2, "en") == "2 assignments written."
    assert i18n.nt("coverage.applied", 0, "en") == "0 assignments written."
    assert i18n.nt("coverage.applied", 1, "zh") == "已写入 1 条分配。"
    assert i18n.nt("coverage.applied", 5, "zh") == "已写入 5 条分配。"
    assert i18n.nt("supervision.reassign_button", 1, "en", name="Li") == "Hand 1 person over to Li"
    # {n} is the count in the reader's number format; the other values as given.
    assert i18n.nt("scale.buildings_note", 12345, "en", total="20,000").startswith("Showing the 12,345 buildings")
    # An error code carried with its values reads right through t() and refusal().
    assert i18n.t("arrivals.error.sheet_problems", "en", n=1) == "The sheet has 1 problem; nobody was registered."
    assert i18n.refusal("arrivals.error.sheet_problems", {"n": 3}, "en").startswith("The sheet has 3 problems")
    # A key that has no plural entry gives its one text; an unknown key shows itself.
    assert i18n.nt("unit.name", 3, "en") == "Stairwell 3"
    assert i18n.nt("no.such.key", 2, "en") == "no.such.key"


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
    """A repeated msgid in a catalog silently hides one of its texts."""
    import collections

    for language in i18n.LANGUAGES:
        source = i18n.po_path(language).read_text(encoding="utf-8")
        msgids = re.findall(r'^msgid "(.+)"$', source, flags=re.MULTILINE)
        assert len(msgids) > 1000
        repeated = [k for k, n in collections.Counter(msgids).items() if n > 1]
        assert repeated == [], language


def test_every_audit_action_has_a_label():
    """The audit page shows actions in the reader's language: every action the code writes needs one."""
    actions = set()
    for file in source_files("app.py", "views", "ui", "resilient", "geo", minimum=AT_LEAST_FILES):
        actions |= set(re.findall(r'audit\.record\(con, \w+, "([a-z_]+)"', file.read_text(encoding="utf-8")))
    actions |= {"logout", "session_expired", "reveal_refused", "login_failed", "account_locked"}
    assert actions, "the pattern found no actions"
    assert sorted(a for a in actions if f"action.{a}" not in i18n.texts("zh")) == []
    assert sorted(a for a in actions if f"action.{a}" not in i18n.texts("en")) == []


def test_refusal_translates_the_codes_and_dates_inside_it():
    text = i18n.refusal("checks.error.already_recorded", {"day": date(2026, 11, 23), "period": "am", "by": "grid1",
                                                          "at": datetime(2026, 11, 23, 9, 5)}, "zh")
    assert "2026年11月23日" in text and "上午" in text and "09:05" in text and "am" not in text
    assert "Morning" in i18n.refusal("checks.error.already_recorded", {"day": date(2026, 11, 23), "period": "am",
                                                                       "by": "x", "at": "y"}, "en")
    # A text whose values are missing still says what is wrong instead of failing.
    assert i18n.refusal("checks.error.already_recorded", {}, "zh").startswith(i18n.t("checks.error.already_recorded",
                                                                                      "zh"))


def test_babel_extraction_matches_the_catalogs(tmp_path, monkeypatch):
    """locales/README.md's `pybabel extract` finds every key, plural entries as plurals and nothing else, so
    `pybabel update` neither drops a key the code builds at run time nor adds a made-up one."""
    from babel.messages.frontend import CommandLineInterface
    from babel.messages.pofile import read_po

    monkeypatch.chdir(ROOT)
    template = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", "babel.cfg", "--no-location", "-o", str(template),
                                "locales", "app.py", "views", "ui", "resilient", "geo"])
    with template.open("rb") as source:
        extracted = read_po(source)

    def plural_or_not(catalog):
        return {m.id if isinstance(m.id, str) else m.id[0]: isinstance(m.id, tuple) for m in catalog if m.id}

    assert plural_or_not(extracted) == plural_or_not(read_catalog("zh")) == plural_or_not(read_catalog("en"))


def test_numbers_dates_times_and_lists_have_one_look_per_language():
    moment = datetime(2026, 12, 1, 9, 5)
    assert i18n.fmt_date(date(2026, 12, 1), "zh") == "2026年12月1日"
    assert i18n.fmt_date(date(2026, 12, 1), "en") == "1 Dec 2026"
    assert i18n.fmt_date(moment, "en") == "1 Dec 2026"  # a moment shown as a day keeps only the day
    assert i18n.fmt_datetime(moment, "zh") == i18n.fmt_date(moment, "zh", with_time=True) == "2026年12月1日 09:05"
    assert i18n.fmt_datetime(moment, "en") == "1 Dec 2026, 09:05"
    assert i18n.fmt_time(moment, "zh") == i18n.fmt_time(moment.time(), "en") == "09:05"
    assert i18n.fmt_date("2026-12-01", "zh") == "2026年12月1日"  # a day kept as ISO text in JSON
    assert i18n.fmt_date(None, "en") == i18n.fmt_date(float("nan"), "en") == ""
    assert i18n.fmt_list(["甲", "乙", "丙"], "zh") == "甲、乙和丙"
    assert i18n.fmt_list(["a", "b", "c"], "en") == "a, b, and c"
    assert i18n.fmt_list([], "en") == ""
    assert i18n.fmt_number(123_456, "zh") == "12.3万" and i18n.fmt_number(99_999, "zh") == "99,999"
    assert i18n.fmt_number(2.5, "en") == "2.5" and i18n.fmt_number(3.0, "zh") == "3"
    # Values in a message take the same looks.
    assert i18n.t("checks.error.future_day", "en", day=date(2026, 12, 1)) == "1 Dec 2026 has not come yet."
    assert "电话 and 手机" in i18n.t("import.error.column_twice", "en", field="phone", columns=["电话", "手机"])


def test_charts_and_table_columns_draw_dates_as_fmt_date_does():
    """plotly (d3) and Streamlit's columns (moment.js) format dates in the browser: their patterns must give
    the same text as Babel does here."""
    moment = datetime(2026, 12, 1, 9, 5)
    d3 = {"%Y": "2026", "%-m": "12", "%-d": "1", "%b": "Dec", "%H": "09", "%M": "05"}
    js = {"YYYY": "2026", "MMM": "Dec", "M": "12", "D": "1", "HH": "09", "mm": "05"}

    def draw(pattern, tokens):
        pattern = re.sub(r"\[([^\]]*)\]", lambda m: "\0".join(m[1]), pattern)  # moment's literal text
        return re.sub("|".join(sorted(map(re.escape, tokens), key=len, reverse=True)), lambda m: tokens[m[0]],
                      pattern).replace("\0", "")

    for language in i18n.LANGUAGES:
        ticks, hover = i18n.chart_date_formats(language)
        assert draw(hover, d3) == i18n.fmt_date(moment, language)
        assert draw(ticks, d3) in i18n.fmt_date(moment, language)
        ticks, hover = i18n.chart_time_formats(language)
        assert draw(hover, d3) == i18n.fmt_datetime(moment, language)
        assert draw(ticks, d3) == i18n.fmt_time(moment, language)
        assert draw(i18n.column_date_format(language), js) == i18n.fmt_date(moment, language)
        assert draw(i18n.column_datetime_format(language), js) == i18n.fmt_datetime(moment, language)


def write_catalog(path, text):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale="en")
    catalog.add("demo.key", text)
    catalog.add(("demo.count", "demo.count"), ("{n} thing", "{n} things"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as target:
        write_po(target, catalog)


def load(mo):
    import gettext

    with mo.open("rb") as source:
        return gettext.GNUTranslations(source)


def test_a_missing_or_stale_mo_is_compiled_from_its_po(tmp_path):
    import os

    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    write_catalog(po, "first")
    mo = i18n.compile_catalog(po)
    assert mo == po.with_suffix(".mo") and load(mo).gettext("demo.key") == "first"
    assert load(mo).ngettext("demo.count", "demo.count", 1) == "{n} thing"
    assert mo.stat().st_mode & 0o777 == 0o644
    built = mo.stat().st_mtime_ns
    assert i18n.compile_catalog(po) == mo and mo.stat().st_mtime_ns == built  # up to date: left alone
    write_catalog(po, "second")
    later = built + 5_000_000_000
    os.utime(po, ns=(later, later))  # edited after the .mo was built
    assert load(i18n.compile_catalog(po)).gettext("demo.key") == "second"
    assert sorted(p.name for p in po.parent.iterdir()) == ["messages.mo", "messages.po"]  # no temporary file left


def test_processes_starting_together_never_read_half_a_mo(tmp_path):
    """Each compile writes a temporary file and renames it: a reader sees the old .mo or the new, whole."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    write_catalog(po, "x" * 2_000)

    def start(turn):
        stamp = 10**18 + turn * 10**9
        os.utime(po, ns=(stamp, stamp))
        return load(i18n.compile_catalog(po)).gettext("demo.key")

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(start, range(16))) == {"x" * 2_000}
    assert sorted(p.name for p in po.parent.iterdir()) == ["messages.mo", "messages.po"]


def test_compiled_catalogs_stay_out_of_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "locales/*/LC_MESSAGES/*.mo" in ignored
    assert i18n.translations("en").gettext("nav.login") == "Sign in"  # loaded through gettext from the .mo


def test_a_moment_carries_its_date_unless_it_is_today():
    import pandas as pd

    today = date(2026, 12, 1)
    assert i18n.fmt_when(datetime(2026, 12, 1, 16, 6), today, "zh") == "16:06"
    assert i18n.fmt_when(datetime(2026, 12, 2, 4, 48), today, "zh") == "2026年12月2日 04:48"
    assert i18n.fmt_when(pd.Timestamp(2026, 11, 30, 23, 59), today, "en") == "30 Nov 2026, 23:59"
    assert i18n.fmt_when(None, today, "en") == ""
