"""The sampling desk: find the right person, open a tube, one swab per tap, seal it; tubes that always finish.

A desk finds people by any address the register import accepts (resilient/imports/values.py, one parser for
both), by a household's printed code (codes.py), a resident code 'R123' or a phone's last digits. A room two
compounds share comes back with the compound on each row, so the desk asks which before anyone is tapped.
A tube outlives the session that opened it: any desk of its site (or the round's organiser) may take it over or
seal it, audited, and tubes open past the lab's limit are flagged.
"""

import json
import re
from dataclasses import dataclass, fields
from datetime import datetime

import duckdb
import pandas as pd

from resilient.core import audit, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.imports import values
from resilient.testing import pooling, sheets
from resilient.testing.codes import parse_household_code
from resilient.testing.rounds import TestingError, _missing, _need, _now, _round, _scope, _tube, retrying

RESIDENT_CODE = re.compile(r"^\s*[Rr](\d+)\s*$")
PHONE_TAIL = re.compile(r"^\s*(\d{4,6})\s*$")
LOOKS_LIKE_CODE = re.compile(r"^\s*RC-?H", re.IGNORECASE)
COLUMNS = ["resident_id", "household_id", "stairwell_id", "building_id", "compound", "building", "unit_no",
           "floor", "room", "name", "phone", "mode", "sampled", "sampled_at", "tube_code"]


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "testing")
class TestingSettings:
    """The lab's limits as numbers an office can change without a code change; defaults in data/defaults.toml."""

    __test__ = False  # not a pytest class, whatever its name

    tube_open_hours: float               # a tube open longer than this is flagged on the desk's list

    def __post_init__(self):
        if not 0.5 <= float(self.tube_open_hours) <= 24:
            raise TestingError("testing.error.settings", field="tube_open_hours")


reference.check_defaults(TestingSettings, "defaults.toml", "testing")


def load_settings(con: duckdb.DuckDBPyConnection) -> TestingSettings:
    """The stored settings, the defaults when none were saved; unknown keys from other versions ignored."""
    rows = queries.fetch_all(con, "desk_settings_get")
    if not rows:
        return TestingSettings()
    known = {f.name for f in fields(TestingSettings)}
    return TestingSettings(**{k: v for k, v in json.loads(rows[0][0]).items() if k in known})


# --- finding people -------------------------------------------------------------------------------------------

def _people(con, scope: Scope, round_id: int, today, **narrow) -> pd.DataFrame:
    params = {"building_ids": None, "unit_no": None, "room": None, "households": None, "resident_ids": None,
              "phone_tail": None, **narrow}
    frame = queries.fetch_df(con, "desk_people", **scope.params(), round_id=round_id, today=today, **params)
    excluded = frame["reason"].notna()
    frame["mode"] = ["excluded" if e else "door_to_door" if d else "site"
                     for e, d in zip(excluded, frame["bedridden"].astype(bool))]
    frame["sampled"] = frame["sampled_at"].notna()
    return mask_people(frame[COLUMNS])


def _by_address(con, scope: Scope, round_id: int, query: str, today, compound: str | None) -> pd.DataFrame:
    try:
        prefix, building, unit, room, _ = values.address_parts(query)
    except ValueError:
        raise TestingError("testing.error.bad_query", query=query) from None
    places = queries.fetch_df(con, "desk_buildings", **scope.params(), round_id=round_id)
    key = values.building_key(building)
    places = places[[values.building_key(n) == key for n in places["building"]]]
    wanted = prefix or compound
    if wanted:
        names = sorted(set(places["compound"])) if prefix else sorted(set(places["compound"]) | {compound})
        hit = values.find_name(wanted, names)
        if hit is None:
            raise TestingError("testing.error.unknown_compound", compound=wanted, query=query)
        places = places[places["compound"] == names[hit]]
    if places.empty:
        return _people(con, scope, round_id, today, building_ids=[-1])
    return _people(con, scope, round_id, today, building_ids=[int(b) for b in places["building_id"]],
                   unit_no=unit, room=room)


def find_people(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, query: str, today,
                compound: str | None = None) -> pd.DataFrame:
    """The people a desk's search names: a household code as printed on the call-down sheet (a scanner types
    it), 'R123', a phone's last 4-6 digits, or any address the register import accepts (3-2-402, 3栋2单元402,
    丽景苑3号楼2单元402室 ...); `compound` narrows a room two compounds share. Names and phones masked."""
    _round(con, round_id)
    text = values.nfkc(query or "")
    if LOOKS_LIKE_CODE.match(text):
        household = parse_household_code(text)
        if household is None:
            raise TestingError("testing.error.bad_code", query=query)
        found = _people(con, scope, round_id, today, households=[household])
    elif RESIDENT_CODE.match(text):
        found = _people(con, scope, round_id, today, resident_ids=[int(RESIDENT_CODE.match(text).group(1))])
    elif PHONE_TAIL.match(text):
        found = _people(con, scope, round_id, today, phone_tail=PHONE_TAIL.match(text).group(1))
    else:
        return _by_address(con, scope, round_id, text, today, compound)
    return found if compound is None else found[found["compound"] == compound].reset_index(drop=True)


def needs_compound(found: pd.DataFrame) -> bool:
    """Whether the rows found live in more than one compound: the desk asks which before anyone is tapped."""
    return found["compound"].nunique() > 1


# --- tubes ----------------------------------------------------------------------------------------------------

def tube_advice(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, tube_code: str, resident_id: int,
                found: pd.DataFrame) -> dict | None:
    """A word before the swab, so one positive tube traces to as few stairwells and flats as possible; the desk
    may go on. 'other_stairwell': the tube's swabs so far all come from other stairwells (listed as compound,
    building, unit_no) and it has room (asked once: when the desk went on, the next of that stairwell fits);
    'split_flat': the person's flat has more people still to swab at a site (`left`, counted in `found`, the
    desk's find_people rows: a room or household code finds the whole flat) than the tube's room (`room`), a
    fresh tube would hold them all, and the flat is not in this tube yet.
    None when the swab fits, in one-tube-per-flat rounds (another flat is refused there), or for a full or
    unknown tube (the tap refuses those). One small query: the desk's tap must stay cheap."""
    rows = queries.fetch_df(con, "desk_tube_contents", **scope.params(), round_id=round_id,
                            code=str(tube_code).strip())
    person = found[found["resident_id"] == resident_id]
    if rows.empty or person.empty or bool(rows["household_tubes"].iloc[0]):
        return None
    capacity, samples = int(rows["capacity"].iloc[0]), int(rows["samples"].iloc[0])
    room = capacity - samples
    if room <= 0:
        return None
    stairwell, flat = int(person["stairwell_id"].iloc[0]), int(person["household_id"].iloc[0])
    inside = rows.dropna(subset=["stairwell_id"])
    others = inside[inside["stairwell_id"].astype(int) != stairwell]
    if not others.empty and len(others) == len(inside):   # once the desk went on, its stairwell is in: no more
        places = sorted({(c, b, int(u)) for c, b, u in
                         zip(others["compound"], others["building"], others["unit_no"])})
        return {"kind": "other_stairwell", "stairwells": places}
    left = len(_waiting(found, flat))
    in_tube = bool((inside["household_id"].astype(int) == flat).any())
    if samples and not in_tube and room < left <= capacity:
        return {"kind": "split_flat", "left": left, "room": room}
    return None


# --- the plan's tubes ------------------------------------------------------------------------------------------

def _whole(rnd: dict) -> Scope:
    """The round's whole community: a building's planned tubes are counted over all its households, so every desk
    names them as the printed sheet does. Only rooms and counts leave planned_tubes, never a name."""
    return Scope(community_ids=(int(rnd["community_id"]),))


TUBE_COLUMNS = ["household_id", "building_id", "building", "tube", "tube_last", "where", "people"]


def building_tubes(con: duckdb.DuckDBPyConnection, round_id: int, building_ids: list[int], today) -> pd.DataFrame:
    """The plan's tubes in these buildings as the call-down sheet prints them (管 3), a row per household:
    building label, first and last tube, room as unit-room, people. Empty when the round does not pool. The costly
    part of the desk's tube word (a whole building's call-down): the page keeps it per plan version."""
    rnd = _round(con, round_id)
    if not building_ids or (int(rnd["pool_size"]) <= 1 and not rnd["household_tubes"]):
        return pd.DataFrame(columns=TUBE_COLUMNS)
    homes = sheets.call_down(con, _whole(rnd), round_id, today, building_ids=list(building_ids)).households
    return homes.assign(building=homes["compound"] + homes["building"],
                        where=[f"{int(u)}-{r}" for u, r in zip(homes["unit_no"], homes["room"])])[TUBE_COLUMNS]


def planned_tubes(tubes: pd.DataFrame, found: pd.DataFrame) -> dict[int, dict]:
    """Per household of `found` (the desk's rows) its planned tube from building_tubes: the building, the label,
    the households sharing it (ids and rooms), their people, and the next planned tube's rooms."""
    out, wanted = {}, {int(h) for h in found["household_id"]} if len(found) else set()
    for home in tubes[tubes["household_id"].isin(wanted)].itertuples(index=False):
        mine = tubes[tubes["building_id"] == home.building_id]
        first, last = int(home.tube), int(home.tube_last)
        members = mine[(mine["tube"] <= last) & (mine["tube_last"] >= first)]
        following = mine[mine["tube"] == last + 1]
        out[int(home.household_id)] = {
            "building": str(home.building), "tube": pooling.tube_label(first, last),
            "households": [int(h) for h in members["household_id"]], "rooms": list(members["where"]),
            "people": int(members["people"].sum()), "next": str(last + 1) if len(following) else "",
            "next_rooms": list(following["where"])}
    return out


def with_swab(found: pd.DataFrame, resident_id: int, tube_code: str) -> pd.DataFrame:
    """The desk's rows with this person's swab just recorded, so the run after a tap needs no second search."""
    out = found.copy()
    mine = out["resident_id"] == resident_id
    out.loc[mine, "sampled"] = True
    out.loc[mine, "tube_code"] = tube_code
    out.loc[mine, "sampled_at"] = _now()
    return out


def household_done(found: pd.DataFrame, resident_id: int) -> bool:
    """Whether this swab was the last one its flat was waiting for, as the desk's rows show it: only then can its
    planned tube be done, so the count query runs once a flat, not once a tap."""
    person = found[found["resident_id"] == resident_id]
    if person.empty:
        return True
    waiting = _waiting(found, int(person["household_id"].iloc[0]))
    return not (waiting["resident_id"] != resident_id).any()


def _waiting(found: pd.DataFrame, household_id: int) -> pd.DataFrame:
    """The flat's people in the desk's rows who walk to a site and have no swab yet."""
    return found[(found["household_id"] == household_id) & (found["mode"] == "site") & ~found["sampled"].astype(bool)]


def planned_left(con: duckdb.DuckDBPyConnection, round_id: int, households, today) -> int:
    """People of these households who come to a site and are not sampled yet: 0 means their planned tube is
    done and the desk is told to seal it. Counts only, the same for every desk."""
    rnd = _round(con, round_id)
    rows = queries.fetch_all(con, "desk_planned_waiting", **_whole(rnd).params(), round_id=round_id,
                             households=[int(h) for h in households], today=today)
    return int(rows[0][0] or 0) if rows else 0


def open_tube(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, code: str, site_id: int | None) -> dict:
    """A new tube at a site, holding as many swabs as the round pools."""
    _need(actor, "record_samples")
    code = str(code).strip()
    if not code:
        raise TestingError("testing.error.tube_code")
    rnd = _round(con, round_id)
    if site_id is not None and not queries.fetch_all(con, "testing_site_of_round", site_id=site_id,
                                                     round_id=round_id):
        raise TestingError("testing.error.unknown_site", site_id=site_id)

    def work():
        if not queries.fetch_df(con, "testing_tube", round_id=round_id, code=code).empty:
            raise TestingError("testing.error.tube_exists", code=code)
        queries.fetch_all(con, "testing_tube_insert", round_id=round_id, code=code, capacity=int(rnd["pool_size"]),
                          site_id=site_id, opened_at=_now(), opened_by=actor.username)
        tube = _tube(con, round_id, code)
        audit.record(con, actor, "tube_opened", f"tube:{round_id}:{code}",
                     new={"capacity": int(rnd["pool_size"]), "site_id": site_id})
        return tube
    return retrying(con, work)


def add_sample(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, tube_code: str, resident_id: int,
               site_id: int | None, taken_at: datetime | None = None) -> int:
    """One swab into a tube; refuses (changing nothing) a second swab, a full, closed or unknown tube, a stranger."""
    _need(actor, "record_samples")
    rnd = _round(con, round_id)
    taken_at = taken_at or _now()
    scope = _scope(con, actor, taken_at.date())

    def work():
        tube = _tube(con, round_id, tube_code)
        if not _missing(tube["closed_at"]):
            raise TestingError("testing.error.tube_closed", code=tube_code)
        person = queries.fetch_df(con, "testing_person_check", **scope.params(), round_id=round_id,
                                  resident_id=resident_id)
        if person.empty or not person.iloc[0]["in_community"]:
            raise TestingError("testing.error.not_in_community", resident_id=resident_id)
        if not person.iloc[0]["in_scope"]:
            raise TestingError("testing.error.out_of_scope")
        earlier = queries.fetch_df(con, "testing_sample_of", round_id=round_id, resident_id=resident_id)
        if not earlier.empty:
            raise TestingError("testing.error.already_sampled", at=earlier.iloc[0]["taken_at"],
                               tube=earlier.iloc[0]["tube_code"])
        if int(tube["samples"]) >= int(tube["capacity"]):
            raise TestingError("testing.error.tube_full", code=tube_code, capacity=int(tube["capacity"]))
        if rnd["household_tubes"]:
            homes = {r[0] for r in queries.fetch_all(con, "testing_tube_homes", **scope.params(),
                                                      tube_id=int(tube["tube_id"]))}
            if homes and int(person.iloc[0]["household_id"]) not in homes:
                raise TestingError("testing.error.other_household", code=tube_code)
        if not queries.fetch_all(con, "testing_tube_take_one", tube_id=int(tube["tube_id"])):
            raise TestingError("testing.error.tube_full", code=tube_code, capacity=int(tube["capacity"]))
        sample_id = queries.fetch_all(con, "testing_sample_insert", round_id=round_id, resident_id=resident_id,
                                      tube_id=int(tube["tube_id"]), site_id=site_id, taken_at=taken_at,
                                      taken_by=actor.username)[0][0]
        audit.record(con, actor, "sample_taken", f"resident:{resident_id}",
                     new={"round_id": round_id, "tube": tube_code, "site_id": site_id, "taken_at": taken_at})
        return int(sample_id)
    return retrying(con, work)


def _may_handle(con, actor: User, rnd: dict, tube: dict, site_id: int | None) -> None:
    """A tube is the business of whoever holds it, any desk of its site, and the round's organisers."""
    holder = tube["held_by"] if not _missing(tube.get("held_by")) else tube["opened_by"]
    same_site = site_id is not None and not _missing(tube["site_id"]) and int(tube["site_id"]) == int(site_id)
    if holder == actor.username or same_site:
        return
    scope = _scope(con, actor, rnd["round_date"])
    if roles.may(actor, "organise_testing") and scope.personal != "none" and (
            scope.community_ids is None or int(rnd["community_id"]) in scope.community_ids):
        return
    raise TestingError("testing.error.other_site", code=tube["code"])


def _unsealed_tube_to_handle(con: duckdb.DuckDBPyConnection, actor: User, rnd: dict, round_id: int, code: str,
                             site_id: int | None) -> dict:
    """The tube, still open, and this desk one that may handle it (taking it over or sealing it)."""
    tube = _tube(con, round_id, code)
    if not _missing(tube["closed_at"]):
        raise TestingError("testing.error.tube_closed", code=code)
    _may_handle(con, actor, rnd, tube, site_id)
    return tube


def take_over_tube(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, code: str,
                   site_id: int | None) -> dict:
    """A desk carries on with an open tube another session left (a phone signed in again, a desk swapped)."""
    _need(actor, "record_samples")
    rnd = _round(con, round_id)

    def work():
        tube = _unsealed_tube_to_handle(con, actor, rnd, round_id, code, site_id)
        before = tube["held_by"] if not _missing(tube["held_by"]) else tube["opened_by"]
        if not queries.fetch_all(con, "desk_tube_hold", tube_id=int(tube["tube_id"]), held_by=actor.username,
                                 now=_now()):
            raise TestingError("testing.error.tube_closed", code=code)
        audit.record(con, actor, "tube_taken_over", f"tube:{round_id}:{code}", old={"held_by": before},
                     new={"held_by": actor.username, "site_id": site_id, "samples": int(tube["samples"])})
        return _tube(con, round_id, code)
    return retrying(con, work)


def close_tube(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, code: str,
               site_id: int | None = None) -> None:
    """Seal a tube for the lab, by the desk holding it, any desk of its site, or the round's organisers."""
    _need(actor, "record_samples")
    rnd = _round(con, round_id)

    def work():
        tube = _unsealed_tube_to_handle(con, actor, rnd, round_id, code, site_id)
        if not queries.fetch_all(con, "testing_tube_close", tube_id=int(tube["tube_id"]), closed_at=_now()):
            raise TestingError("testing.error.tube_closed", code=code)
        audit.record(con, actor, "tube_closed", f"tube:{round_id}:{code}", new={"samples": int(tube["samples"])})
    retrying(con, work)


def tube_status(con: duckdb.DuckDBPyConnection, round_id: int, code: str) -> dict:
    """A tube's fill and state, for the desk to show what is in hand."""
    return _tube(con, round_id, code)


def open_tubes(con: duckdb.DuckDBPyConnection, round_id: int, now: datetime, site_id: int | None = None,
               settings: TestingSettings | None = None) -> pd.DataFrame:
    """The round's unsealed tubes (at one site, or all), the oldest first, with their age in whole minutes and
    whether they are past the lab's limit (overdue)."""
    settings = settings or load_settings(con)
    frame = queries.fetch_df(con, "desk_open_tubes", round_id=round_id,
                             site_ids=None if site_id is None else [int(site_id)])
    age = (pd.Timestamp(now) - pd.to_datetime(frame["opened_at"])).dt.total_seconds() // 60
    frame["age_minutes"] = age.clip(lower=0).astype(int)
    frame["overdue"] = frame["age_minutes"] > float(settings.tube_open_hours) * 60
    return frame
