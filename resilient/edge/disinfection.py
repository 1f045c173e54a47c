"""Disinfection rounds (消杀, issue 17): public areas per building, rounds a day, done-marks from a phone, missed.

The day's rounds of an area share the hours from day_start to day_end equally (two rounds: 08-14, 14-20); a
round is done when someone taps the area within its slot, missed when its slot ended without a tap. A building
with a household under home isolation (or medical observation) gets more rounds: `rounds_per_day` alone decides.
A second tap in the same slot is said, never written twice.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.i18n import CATEGORIES
from resilient.core.scope import Scope

KINDS = ("hall", "corridor", "lift", "letter_boxes", "bins")
MOST_PER_DAY = 6
MOST_CASE_DAYS = 60


class DisinfectionError(ValueError):
    """A refusal to show the person: `code` is a translation key, `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "disinfection")
class DisinfectionSettings:
    """When rounds fall due; defaults in data/defaults.toml [disinfection]."""

    kinds: tuple[str, ...]               # the areas each building gets in bulk
    lift_from_floors: int                # buildings this tall have a lift
    per_day: int                         # rounds a day in ordinary times
    near_case_per_day: int               # rounds a day in a building with a household under near_case_categories
    near_case_categories: tuple[str, ...]
    case_days: int                       # a matched case from a public list counts this many days from its date
    day_start: str
    day_end: str

    def __post_init__(self):
        for name in ("kinds", "near_case_categories"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        try:
            start, end = _clock(self.day_start), _clock(self.day_end)
        except ValueError:
            raise DisinfectionError("disinfection.error.settings", field="day_start / day_end") from None
        problems = [name for name, bad in [
            ("kinds", not self.kinds or any(k not in KINDS for k in self.kinds)),
            ("lift_from_floors", int(self.lift_from_floors) < 1),
            ("per_day", not 1 <= int(self.per_day) <= MOST_PER_DAY),
            ("near_case_per_day", not 1 <= int(self.near_case_per_day) <= MOST_PER_DAY),
            ("near_case_categories", any(c not in CATEGORIES for c in self.near_case_categories)),
            ("case_days", not 1 <= int(self.case_days) <= MOST_CASE_DAYS),
            ("day_start / day_end", start >= end),
        ] if bad]
        if problems:
            raise DisinfectionError("disinfection.error.settings", field=", ".join(problems))


def _clock(text: str) -> time:
    return datetime.strptime(str(text).strip(), "%H:%M").time()


reference.check_defaults(DisinfectionSettings, "defaults.toml", "disinfection")


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, DisinfectionError("disinfection.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: DisinfectionError("disinfection.error.busy"))


# --- the schedule ----------------------------------------------------------------------------------------------

def rounds_per_day(per_day: int, near_case: bool, settings: DisinfectionSettings) -> int:
    """An area's rounds on a day: its own, or the near-a-case number when that is more and a case is near (a
    household under a near-case measure, or a matched case of a public list reported within case_days)."""
    return max(int(per_day), int(settings.near_case_per_day)) if near_case else int(per_day)


def slots(day: date, rounds: int, settings: DisinfectionSettings) -> list[tuple[datetime, datetime]]:
    """(start, end) of each round of the day, the hours from day_start to day_end shared equally."""
    start = datetime.combine(day, _clock(settings.day_start))
    span = (datetime.combine(day, _clock(settings.day_end)) - start) / rounds
    return [(start + span * i, start + span * (i + 1)) for i in range(rounds)]


def slot_at(now: datetime, rounds: int, settings: DisinfectionSettings) -> int:
    """The round a tap at `now` counts for: the one whose slot holds it; before the first, the first; after the
    day's end, the last (done late rather than lost)."""
    for index, (_, end) in enumerate(slots(now.date(), rounds, settings)):
        if now < end:
            return index
    return rounds - 1


def slot_state(start: datetime, end: datetime, mark, now: datetime) -> str:
    """done / due (its slot now) / missed (its slot ended untapped) / later (not yet begun)."""
    if mark is not None:
        return "done"
    if end <= now:
        return "missed"
    return "due" if start <= now else "later"


# --- areas -----------------------------------------------------------------------------------------------------

def create_areas(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int | None = None,
                 settings: DisinfectionSettings | None = None, now: datetime | None = None) -> int:
    """Every building in the actor's scope (or one community of it) gets the areas it lacks, a lift only from
    settings.lift_from_floors floors up; returns how many were made. Run again, it makes none."""
    _need(actor, "set_disinfection")
    settings = settings or DisinfectionSettings()
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())

    def work():
        made = queries.fetch_all(con, "disinfection_create_areas", **scope.params(), kinds=list(settings.kinds),
                                 community_id=community_id, lift_from=int(settings.lift_from_floors),
                                 per_day=int(settings.per_day), created_by=actor.username, created_at=now)
        audit.record(con, actor, "disinfection_areas_created", f"community:{community_id or 'all'}",
                     detail=f"{len(made)} areas")
        return len(made)

    return _retrying(con, work)


def set_building_areas(con: duckdb.DuckDBPyConnection, actor: User | None, building_id: int,
                       rounds: dict[str, int], now: datetime | None = None) -> None:
    """A building's areas exactly as `rounds` says ({kind: rounds a day}); a kind left out is an area it does not
    have (a building without a lift), its marks going with it."""
    _need(actor, "set_disinfection")
    now = now or config.now()
    unknown = [k for k in rounds if k not in KINDS]
    if unknown:
        raise DisinfectionError("disinfection.error.kind", value=", ".join(unknown))
    wrong = [k for k, n in rounds.items() if not 1 <= int(n) <= MOST_PER_DAY]
    if wrong:
        raise DisinfectionError("disinfection.error.per_day", kind=", ".join(wrong), most=MOST_PER_DAY)
    scope = roles.scope_for(con, actor, now.date())

    def work():
        if queries.fetch_df(con, "disinfection_building", **scope.params(), building_id=int(building_id)).empty:
            raise DisinfectionError("disinfection.error.out_of_scope", building_id=building_id)
        kinds = list(rounds)
        queries.fetch_all(con, "disinfection_area_marks_drop", building_id=int(building_id), kinds=kinds)
        queries.fetch_all(con, "disinfection_area_drop", building_id=int(building_id), kinds=kinds)
        for kind, per_day in rounds.items():
            queries.fetch_all(con, "disinfection_area_upsert", building_id=int(building_id), kind=kind,
                              per_day=int(per_day), created_by=actor.username, created_at=now)
        audit.record(con, actor, "disinfection_areas_set", f"building:{int(building_id)}",
                     new={k: int(n) for k, n in rounds.items()})

    _retrying(con, work)


AREA_COLUMNS = ["area_id", "building_id", "compound", "building", "kind", "per_day", "near_case", "rounds", "slot",
                "state", "done_at", "done_by", "done", "missed", "due_by_now"]


def areas(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
          building_id: int | None = None, compound_ids: tuple[int, ...] | None = None,
          settings: DisinfectionSettings | None = None) -> pd.DataFrame:
    """One row per area on `day` as of `now`: its rounds, the round a tap now would mark (slot) and its state
    with who did it when, and the rounds done, missed and due so far (a past day: all of its rounds)."""
    settings = settings or DisinfectionSettings()
    found = queries.fetch_df(con, "disinfection_areas", **scope.params(), day=day, building_id=building_id,
                             compound_ids=None if compound_ids is None else list(compound_ids),
                             categories=list(settings.near_case_categories), case_days=int(settings.case_days))
    marks = queries.fetch_df(con, "disinfection_marks", **scope.params(), day=day, building_id=building_id)
    by_slot = {(int(a), int(s)): (pd.Timestamp(t).to_pydatetime(), b)
               for a, s, t, b in marks[["area_id", "slot", "done_at", "done_by"]].itertuples(index=False)}
    records = []
    for area in found.itertuples(index=False):
        rounds = rounds_per_day(area.per_day, bool(area.near_case), settings)
        bounds = slots(day, rounds, settings)
        states = [slot_state(s, e, by_slot.get((int(area.area_id), i)), now) for i, (s, e) in enumerate(bounds)]
        current = slot_at(now, rounds, settings) if now.date() == day else rounds - 1
        mark = by_slot.get((int(area.area_id), current))
        records.append({
            **area._asdict(), "near_case": bool(area.near_case), "rounds": rounds, "slot": current,
            "state": states[current], "done_at": mark[0] if mark else None, "done_by": mark[1] if mark else None,
            "done": states.count("done"), "missed": states.count("missed"),
            "due_by_now": sum(s != "later" for s in states)})
    return pd.DataFrame(records, columns=AREA_COLUMNS)


def by_building(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
                settings: DisinfectionSettings | None = None) -> pd.DataFrame:
    """Buildings with areas: rounds done and missed on `day` as of `now`, with the outline for the map."""
    found = areas(con, scope, day, now, settings=settings)
    sums = found.groupby("building_id")[["done", "missed", "due_by_now"]].sum()
    places = queries.fetch_df(con, "disinfection_buildings", **scope.params())
    frame = places.merge(sums, left_on="building_id", right_index=True, how="left")
    for column in ("done", "missed", "due_by_now"):
        frame[column] = frame[column].fillna(0).astype(int)
    return frame


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, now: datetime | None = None) -> dict[str, int]:
    """The daily report's figures: rounds done and missed on `today` (as of now, or the day's end when past)."""
    now = now or min(config.now(), datetime.combine(today + timedelta(days=1), time()))
    found = areas(con, scope, today, now)
    return {"done": int(found["done"].sum()), "missed": int(found["missed"].sum()),
            "due": int(found["due_by_now"].sum())}


# --- a tap -----------------------------------------------------------------------------------------------------

def mark_done(con: duckdb.DuckDBPyConnection, actor: User | None, area_id: int, now: datetime | None = None,
              settings: DisinfectionSettings | None = None) -> dict:
    """One tap: the area's current round done now, by the actor. A round already marked is said (who, when)
    and not written again: {"already": True, ...}."""
    _need(actor, "disinfect")
    now = now or config.now()
    settings = settings or DisinfectionSettings()
    scope = roles.scope_for(con, actor, now.date())

    def work():
        found = areas(con, scope, now.date(), now, settings=settings)
        found = found[found["area_id"] == int(area_id)]
        if found.empty:
            raise DisinfectionError("disinfection.error.unknown_area", area_id=area_id)
        area = found.iloc[0]
        slot = int(area["slot"])
        written = queries.fetch_all(con, "disinfection_mark_insert", area_id=int(area_id), day=now.date(),
                                    slot=slot, done_at=now, done_by=actor.username)
        if not written:
            earlier = queries.fetch_df(con, "disinfection_mark_of_slot", area_id=int(area_id), day=now.date(),
                                       slot=slot).iloc[0]
            return {"already": True, "slot": slot, "rounds": int(area["rounds"]), "done_by": earlier["done_by"],
                    "done_at": pd.Timestamp(earlier["done_at"]).to_pydatetime()}
        audit.record(con, actor, "disinfection_marked", f"disinfection_area:{int(area_id)}",
                     new={"day": now.date(), "slot": slot, "rounds": int(area["rounds"])})
        return {"already": False, "slot": slot, "rounds": int(area["rounds"]), "done_by": actor.username,
                "done_at": now, "mark_id": int(written[0][0])}

    return _retrying(con, work)
