"""What a viewer may read: communities, grid cells, households, and which personal rows.

Every read takes one, so a role's limits are applied where data is read, never by hiding widgets.
"""

from dataclasses import dataclass
from typing import Literal

# Which people a viewer may see one by one: everyone in scope, only those under a control measure (doctors),
# or nobody (aggregates only).
Personal = Literal["all", "under_measure", "none"]
PERSONAL_ORDER = {"none": 0, "under_measure": 1, "all": 2}


@dataclass(frozen=True)
class Scope:
    """None means no limit on that level; an empty tuple means nothing at all."""

    community_ids: tuple[int, ...] | None = None
    grid_ids: tuple[int, ...] | None = None
    household_ids: tuple[int, ...] | None = None
    personal: Personal = "all"

    def params(self) -> dict:
        return {
            "community_ids": _as_list(self.community_ids),
            "grid_ids": _as_list(self.grid_ids),
            "household_ids": _as_list(self.household_ids),
            "personal": self.personal,
        }

    def narrow(self, other: "Scope") -> "Scope":
        """The part of this scope that `other` also allows (a user's filter inside their rights)."""
        return Scope(
            _meet(self.community_ids, other.community_ids),
            _meet(self.grid_ids, other.grid_ids),
            _meet(self.household_ids, other.household_ids),
            min(self.personal, other.personal, key=PERSONAL_ORDER.get),
        )


def _as_list(ids: tuple[int, ...] | None) -> list[int] | None:
    return None if ids is None else list(ids)


def _meet(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    allowed = set(b)
    return tuple(x for x in a if x in allowed)


EVERYTHING = Scope()
NOTHING = Scope(community_ids=(), grid_ids=(), household_ids=(), personal="none")
