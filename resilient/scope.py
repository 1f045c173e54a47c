"""What a viewer may read: communities and grid cells. Every read takes one, so access control narrows it later."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    """None means no limit on that level; an empty tuple means nothing at all."""

    community_ids: tuple[int, ...] | None = None
    grid_ids: tuple[int, ...] | None = None

    def params(self) -> dict:
        return {
            "community_ids": None if self.community_ids is None else list(self.community_ids),
            "grid_ids": None if self.grid_ids is None else list(self.grid_ids),
        }

    def narrow(self, other: "Scope") -> "Scope":
        """The part of this scope that `other` also allows (for a user's filter inside their rights)."""
        return Scope(_meet(self.community_ids, other.community_ids), _meet(self.grid_ids, other.grid_ids))


def _meet(a: tuple[int, ...] | None, b: tuple[int, ...] | None) -> tuple[int, ...] | None:
    if a is None:
        return b
    if b is None:
        return a
    return tuple(x for x in a if x in set(b))


EVERYTHING = Scope()
