"""A select box that can show nothing chosen shows Streamlit's own English ("Choose an option", "Choose options")
unless the page gives it words: every multiselect, and every selectbox that may hold None, passes placeholder=."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("views", "ui")


def _may_be_empty(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name == "multiselect":
        return True
    if name not in ("selectbox", "choose"):
        return False
    keywords = {k.arg: k.value for k in call.keywords}
    if isinstance(keywords.get("index"), ast.Constant) and keywords["index"].value is None:
        return True
    options = call.args[1] if len(call.args) > 1 else keywords.get("options")
    return (isinstance(options, ast.List) and bool(options.elts) and isinstance(options.elts[0], ast.Constant)
            and options.elts[0].value is None)


def test_every_box_that_can_be_empty_says_so_in_the_readers_words():
    missing = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and _may_be_empty(node) \
                        and "placeholder" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing, f"no placeholder= (Streamlit would say 'Choose an option' in English): {missing}"


def test_the_guard_sees_a_box_without_words():
    call = ast.parse('st.selectbox("x", [None, *names])').body[0].value
    assert _may_be_empty(call) and "placeholder" not in {k.arg for k in call.keywords}
