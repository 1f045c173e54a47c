"""The permission table in resilient/core/roles.py: every role and every action the code names, nothing else."""

import importlib
import re
from pathlib import Path

import pytest

from resilient.core import roles
from resilient.core.accounts import ROLES, User

ROOT = Path(__file__).resolve().parents[2]
# roles.may(user, "x"), roles.need(actor, "x", ...), and the modules' one-line need/_need(actor, "x").
NAMED_ACTION = re.compile(r"\b_?(?:may|need)\(\s*[\w.]+\s*,\s*\"(\w+)\"")
SOURCES = [ROOT / "app.py", *sorted((ROOT / "resilient").rglob("*.py")), *sorted((ROOT / "views").rglob("*.py")),
           *sorted((ROOT / "ui").rglob("*.py"))]


def _named_actions() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        for action in NAMED_ACTION.findall(path.read_text(encoding="utf-8")):
            found.setdefault(action, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_action_the_code_names_is_in_the_table_and_every_entry_is_used():
    named = _named_actions()
    assert len(SOURCES) >= 40 and len(named) >= 10
    assert {a: files for a, files in named.items() if a not in roles.PERMISSIONS} == {}
    assert set(roles.PERMISSIONS) - set(named) == set()


def test_the_table_names_exactly_the_account_roles():
    named = set().union(*roles.PERMISSIONS.values())
    assert named == set(ROLES)


def test_no_module_keeps_its_own_permission_set():
    """No set of account roles at module level outside roles.py, and no MAY_X name, in the domain, ui or views."""
    own = [f"{p.relative_to(ROOT)}: {m}" for p in SOURCES if p.name != "roles.py"
           for m in re.findall(r"^(MAY_\w+)\s*=", p.read_text(encoding="utf-8"), re.M)]
    assert own == []
    modules = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "resilient").rglob("*.py")
               if p.name != "__main__.py"]  # a command line, not a module to import
    sets = []
    for name in modules:
        module = importlib.import_module(name.removesuffix(".__init__"))
        for attribute, value in vars(module).items():
            if module.__name__ != roles.__name__ and isinstance(value, set | frozenset) and value and \
                    all(isinstance(v, str) and v in ROLES for v in value):
                sets.append(f"{name}.{attribute}")
    assert len(modules) >= 40 and sets == []


@pytest.mark.parametrize("role", ROLES)
def test_may_follows_the_table(role):
    user = User(1, "u", "U", role, None, None, None)
    for action, allowed in roles.PERMISSIONS.items():
        assert roles.may(user, action) == (role in allowed)


def test_nobody_may_do_anything_and_an_unknown_action_is_an_error():
    assert not any(roles.may(None, action) for action in roles.PERMISSIONS)
    with pytest.raises(KeyError):
        roles.may(User(1, "u", "U", "street_admin", None, None, None), "fly")


def test_need_raises_the_callers_refusal():
    viewer = User(1, "u", "U", "viewer", None, None, None)
    refusal = ValueError("mine")
    with pytest.raises(ValueError, match="mine"):
        roles.need(viewer, "check", refusal)
    roles.need(viewer, "report", refusal)


def test_the_roles_of_the_old_sets_are_kept():
    """The permissions as the modules had them before they moved here (issue 12)."""
    table = {a: set(r) for a, r in roles.PERMISSIONS.items()}
    assert table["check"] == table["decide"] == table["organise_testing"] == set(ROLES) - {"volunteer", "viewer"}
    assert table["handle_alerts"] == {"street_admin", "community_leader", "doctor"}
    assert table["supervise"] == table["set_rules"] == table["create_buildings"] == {"street_admin",
                                                                                     "community_leader"}
    assert table["assign_teams"] == table["import"] == table["manage_coverage"] == table["register_arrivals"] == {
        "street_admin", "community_leader", "grid_worker"}
    assert table["record_contacts"] == {"street_admin", "community_leader", "grid_worker", "volunteer"}
    assert table["record_samples"] == set(ROLES) - {"viewer"}
    assert table["report"] == set(ROLES) - {"volunteer"}
    assert table["reveal"] == set(ROLES) - {"street_admin", "viewer"}
    assert table["administer"] == {"street_admin"}
