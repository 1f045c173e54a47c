"""Who is served at the door (issue 16): the coverage needs that keep a household at home, and nothing else."""

import pytest

from resilient.core.scope import Scope
from resilient.supplies import door
from resilient.supplies.door import DoorSettings
from tests.conftest import TODAY
from tests.coverage.test_coverage import needy  # noqa: F401  (the fixture)

pytestmark = pytest.mark.both_backends

ALL = Scope()


def test_door_households_are_the_needy_with_a_door_reason(needy):  # noqa: F811
    """11 home isolation, 12 elderly alone, 21 elderly only, 31 disabled: all four at the door by default."""
    frame = door.door_households(needy, ALL, TODAY).set_index("household_id")
    assert sorted(frame.index) == [11, 12, 21, 31]
    assert frame.loc[11, "reasons"] == ["home_isolation"] and frame.loc[31, "reasons"] == ["disabled"]


def test_only_the_chosen_reasons_bring_a_household_to_the_door(needy):  # noqa: F811
    frame = door.door_households(needy, ALL, TODAY, DoorSettings(door_reasons=("disabled",)))
    assert frame["household_id"].tolist() == [31]


def test_scope_narrows_the_door_list(needy):  # noqa: F811
    assert door.door_households(needy, Scope(household_ids=(31,)), TODAY)["household_id"].tolist() == [31]


def test_an_unknown_reason_in_the_settings_is_refused():
    with pytest.raises(ValueError, match="door_reasons"):
        DoorSettings(door_reasons=("tall",))


def test_nobody_in_scope_gives_an_empty_list_with_its_columns(needy):  # noqa: F811
    """A community with no buildings yet (or a scope of nothing) has nobody at the door, and says so."""
    frame = door.door_households(needy, Scope(community_ids=()), TODAY)
    assert frame.empty and list(frame.columns) == door.DOOR_COLUMNS
