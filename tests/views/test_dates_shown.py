"""Every date a page shows goes through resilient.core.i18n (fmt_date, fmt_when, fmt_datetime, fmt_time) or the
kit's table formats: one format per language, not 2026-11-23 beside 2026年11月23日 (issue 15).

The scan looks at what pages hand to Streamlit, the kit and the translator; a file name may carry an ISO day."""

import ast
import re

import pandas as pd

from tests.tree import ROOT, source_files

SHOWN_BY = {"st", "kit", "left", "right", "middle", "where", "column", "col"}   # objects whose calls render
TRANSLATORS = {"tr", "ntr"}
DATE_WORDS = ("day", "date", "when", "time", "since", "until", "start", "end", "_at", "due")


def _renders(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id in TRANSLATORS
    if isinstance(func, ast.Attribute):
        base = func.value
        return func.attr in TRANSLATORS or (isinstance(base, ast.Name) and base.id in SHOWN_BY)
    return False


def _names_a_file(node: ast.AST) -> bool:
    return (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).endswith(".file"))


def _own_formatting(node: ast.AST) -> list[str]:
    """Dates written by hand inside `node`, leaving out file names."""
    found = []
    if isinstance(node, ast.keyword) and node.arg == "file_name" or _names_a_file(node):
        return found
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "strftime", "isoformat"):
        found.append(node.func.attr)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and any(
            word in ast.unparse(node.args[0]).lower() for word in DATE_WORDS):
        found.append("str()")
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None and re.search(
            r"%-?[A-Za-z]", ast.unparse(node.format_spec)):
        found.append("f-string %-format")
    for child in ast.iter_child_nodes(node):
        found += _own_formatting(child)
    return found


def _in_file_names(tree: ast.AST) -> set[int]:
    """ids of every node that is part of a file name."""
    inside = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "file_name" or _names_a_file(node):
            inside |= {id(n) for n in ast.walk(node)}
    return inside


def hand_written_dates(source: str) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(source)
    file_names = _in_file_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _renders(node) and id(node) not in file_names:
            for part in [*node.args, *node.keywords]:
                found += [(node.lineno, what) for what in _own_formatting(part)]
    return sorted(set(found))


def test_the_scan_finds_a_date_written_by_hand():
    assert hand_written_dates('st.caption(f"{day:%Y-%m-%d}")') == [(1, "f-string %-format")]
    assert hand_written_dates("st.write(tr('x.at', when=when.isoformat()))") == [(1, "isoformat")]
    assert hand_written_dates("left.markdown(str(day))") == [(1, "str()")]
    assert hand_written_dates('st.metric("x", f"{share:.0%}")') == []
    assert hand_written_dates("st.download_button('x', file_name=f'a_{day:%Y%m%d}.xlsx')") == []
    assert hand_written_dates("kit.excel_button(f, h, tr('report.file', day=day.isoformat()), 'k')") == []


def test_no_page_writes_a_date_by_hand():
    found = {str(f.relative_to(ROOT)): hits for f in source_files("views", "ui", "app.py", minimum=20)
             if (hits := hand_written_dates(f.read_text(encoding="utf-8")))}
    assert not found, found


def test_tables_show_days_and_moments_in_the_readers_format(monkeypatch):
    from ui import kit, session

    monkeypatch.setattr(session, "lang", lambda: "zh")
    frame = pd.DataFrame({"day": pd.to_datetime(["2026-11-23", None]),
                          "at": pd.to_datetime(["2026-11-23 10:05", "2026-11-23 00:00"]),
                          "n": [1, 2], "kept": [pd.Timestamp("2026-11-23").date(), None]})
    typed = kit.dated(frame, {"day": "日期", "at": "时间"}, {"n": "个数"})
    assert typed["day"]["type_config"]["format"] == "YYYY[年]M[月]D[日]" and typed["day"]["label"] == "日期"
    assert typed["day"]["type_config"]["type"] == "date"
    assert typed["at"]["type_config"]["type"] == "datetime"
    assert typed["at"]["type_config"]["format"] == "YYYY[年]M[月]D[日] HH:mm"
    assert typed["kept"]["type_config"]["type"] == "date" and "n" not in typed
