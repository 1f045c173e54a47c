"""Who is served at the door instead of fetching from a pick-up point: one definition for the map and the rounds."""

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from resilient.core import reference
from resilient.core.scope import Scope
from resilient.coverage import volunteers

DOOR_COLUMNS = ["household_id", "building_id", "reasons", "people"]


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "supplies")
class DoorSettings:
    """The coverage needs that keep a household at home (the Wuhan advice: the old, sick, disabled and isolated)."""

    door_reasons: tuple[str, ...]

    def __post_init__(self):
        unknown = [r for r in self.door_reasons if r not in volunteers.REASONS]
        if unknown:
            raise ValueError(f"data/defaults.toml [supplies] door_reasons: unknown need {', '.join(unknown)}")
        object.__setattr__(self, "door_reasons", tuple(self.door_reasons))


reference.check_defaults(DoorSettings, "defaults.toml", "supplies")


def door_households(con: duckdb.DuckDBPyConnection, scope: Scope, today: date,
                    settings: DoorSettings | None = None) -> pd.DataFrame:
    """Households in scope with at least one door reason on `today`; `reasons` keeps only the door reasons.

    A need the community switched off in its coverage settings does not count here either: both pages speak of
    the same households.
    """
    settings = settings or DoorSettings()
    needy = volunteers.needs(con, scope, volunteers.load_settings(con), today)
    kept = needy["reasons"].map(lambda rs: [r for r in rs if r in settings.door_reasons])
    frame = needy.assign(reasons=kept)
    # astype(bool): an empty mask of objects would be read as a list of columns, not a mask.
    return frame[frame["reasons"].map(bool).astype(bool)].reset_index(drop=True)[DOOR_COLUMNS]
