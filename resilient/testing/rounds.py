"""Mass testing (全员核酸检测): rounds, sites, the stored plan, tubes and swabs at the desks, results, trace-back.

Several desks record at once, each thread on its own cursor of the one connection. DuckDB refuses the second of
two transactions writing the same row (TransactionException); every write here retries its whole transaction a
few times, re-checking the rules each time, so a desk sees either success or a clear refusal, never "conflict".
"""

import re
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope

POOL_SIZES = (1, 5, 10, 20)
# How labs write a result (data/words.toml), looked up stripped and in lower case.
RESULT_WORDS = reference.word_index("words.toml", "testing.result", ("negative", "positive"),
                                    lambda w: w.strip().lower())
ISOLATION_DAYS = 14
RETRIES = db.WRITE_ATTEMPTS

ROOM_QUERY = re.compile(r"^\s*(\d+)\s*[-－]\s*(\d+)\s*[-－]\s*(\d+)\s*$")
CODE_QUERY = re.compile(r"^\s*[Rr](\d+)\s*$")
PHONE_QUERY = re.compile(r"^\s*(\d{4,6})\s*$")

PEOPLE_COLUMNS = ["resident_id", "household_id", "stairwell_id", "building_id", "building", "unit_no", "floor",
                  "room", "name", "phone", "mode", "excluded", "reason", "door_to_door", "sampled", "sampled_at",
                  "tube_code"]


class TestingError(ValueError):
    """A refusal to show the person: `code` is a translation key (resilient/core/i18n.py), `values` fill it in."""

    __test__ = False  # not a pytest class, whatever its name

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


def retrying(con: duckdb.DuckDBPyConnection, work, attempts: int = RETRIES):
    """db.retrying with this module's 'busy' refusal."""
    return db.retrying(con, work, lambda: TestingError("testing.error.busy"), attempts)


def _now() -> datetime:
    return config.now()


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, TestingError("testing.error.not_allowed"))


def _scope(con: duckdb.DuckDBPyConnection, actor: User, day: date) -> Scope:
    return roles.scope_for(con, actor, day)


def _round(con: duckdb.DuckDBPyConnection, round_id: int) -> dict:
    frame = queries.fetch_df(con, "testing_round", round_id=round_id)
    if frame.empty:
        raise TestingError("testing.error.unknown_round", round_id=round_id)
    return frame.iloc[0].to_dict()


def _tube(con: duckdb.DuckDBPyConnection, round_id: int, code: str) -> dict:
    frame = queries.fetch_df(con, "testing_tube", round_id=round_id, code=str(code).strip())
    if frame.empty:
        raise TestingError("testing.error.tube_unknown", code=code)
    tube = frame.iloc[0].to_dict()
    tube["result"] = None if _missing(tube["result"]) else tube["result"]
    return tube


def _missing(value) -> bool:
    return value is None or value != value or value is pd.NaT


# --- rounds, sites and the plan -------------------------------------------------------------------------------

def create_round(con: duckdb.DuckDBPyConnection, actor: User, community_id: int, name: str, round_date: date,
                 start_at: datetime, pool_size: int = 10, household_tubes: bool = False) -> int:
    """A new round for one community the actor may see; returns its id."""
    _need(actor, "organise_testing")
    if pool_size not in POOL_SIZES:
        raise TestingError("testing.error.pool_size", pool_size=pool_size)
    if not name.strip():
        raise TestingError("testing.error.name")
    scope = _scope(con, actor, round_date)
    if scope.community_ids is not None and community_id not in scope.community_ids:
        raise TestingError("testing.error.out_of_scope")

    def work():
        round_id = queries.fetch_all(con, "testing_round_insert", community_id=community_id, round_name=name.strip(),
                                     round_date=round_date, start_at=start_at, pool_size=pool_size,
                                     household_tubes=household_tubes, created_by=actor.username,
                                     created_at=_now())[0][0]
        audit.record(con, actor, "testing_round_created", f"testing_round:{round_id}",
                     new={"community_id": community_id, "name": name.strip(), "round_date": round_date,
                          "start_at": start_at, "pool_size": pool_size, "household_tubes": household_tubes})
        return int(round_id)
    return retrying(con, work)


def add_site(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, name: str, lon: float | None,
             lat: float | None, desks: int, swabs_per_desk_hour: int = 120, opens_at: datetime | None = None,
             closes_at: datetime | None = None, building_id: int | None = None) -> int:
    """A sampling site of the round; placed at a building, it stands at the footprint's centroid."""
    _need(actor, "organise_testing")
    rnd = _round(con, round_id)
    if desks < 1 or swabs_per_desk_hour < 1:
        raise TestingError("testing.error.site_capacity")
    if building_id is not None:
        found = queries.fetch_df(con, "testing_building_centre", **_scope(con, actor, rnd["round_date"]).params(),
                                 building_id=building_id)
        if found.empty or int(found.iloc[0]["community_id"]) != int(rnd["community_id"]):
            raise TestingError("testing.error.out_of_scope")
        lon, lat = float(found.iloc[0]["lon"]), float(found.iloc[0]["lat"])
    if _missing(lon) or _missing(lat):
        raise TestingError("testing.error.site_place")

    def work():
        site_id = queries.fetch_all(con, "testing_site_insert", round_id=round_id, site_name=name.strip(),
                                    building_id=building_id, lon=lon, lat=lat, desks=desks,
                                    swabs_per_desk_hour=swabs_per_desk_hour, opens_at=opens_at,
                                    closes_at=closes_at)[0][0]
        audit.record(con, actor, "testing_site_added", f"sampling_site:{site_id}",
                     new={"round_id": round_id, "name": name.strip(), "building_id": building_id, "lon": lon,
                          "lat": lat, "desks": desks, "swabs_per_desk_hour": swabs_per_desk_hour})
        return int(site_id)
    return retrying(con, work)


def _people(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today: date, **narrow) -> pd.DataFrame:
    params = {"stairwell_ids": None, "resident_ids": None, "building_name": None, "unit_no": None, "room": None,
              "phone_tail": None, **narrow}
    frame = queries.fetch_df(con, "testing_people", **scope.params(), round_id=round_id, today=today, **params)
    frame["excluded"] = frame["reason"].notna()
    frame["door_to_door"] = ~frame["excluded"] & frame["bedridden"].astype(bool)
    frame["mode"] = ["excluded" if e else "door_to_door" if d else "site"
                     for e, d in zip(frame["excluded"], frame["door_to_door"])]
    frame["sampled"] = frame["sampled_at"].notna()
    return mask_people(frame[PEOPLE_COLUMNS])


def eligible_people(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today: date) -> pd.DataFrame:
    """Who is sampled how: mode 'site', 'door_to_door' (bedridden) or 'excluded' with a reason ('centralised')."""
    _round(con, round_id)
    return _people(con, scope, round_id, today)


def stairwell_load(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today: date) -> pd.DataFrame:
    """The planner's input: per stairwell its entrance and the people who walk to a site."""
    _round(con, round_id)
    frame = queries.fetch_df(con, "testing_stairwell_load", **scope.params(), round_id=round_id, today=today)
    return frame.astype({"stairwell_id": int, "building_id": int, "people": int})


def sites_frame(con: duckdb.DuckDBPyConnection, round_id: int) -> pd.DataFrame:
    """The round's sites as the planner reads them."""
    return queries.fetch_df(con, "testing_sites", round_id=round_id)


def save_plan(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, batches: pd.DataFrame) -> int:
    """Replace the round's stored groups with the planner's, all or nothing; returns the groups stored."""
    _need(actor, "organise_testing")
    _round(con, round_id)
    needed = ["stairwell_id", "site_id", "group_no", "people", "slot_start", "slot_end"]
    missing = [c for c in needed if c not in batches.columns]
    if missing:
        raise TestingError("testing.error.plan_columns", columns=", ".join(missing))
    known = set(sites_frame(con, round_id)["site_id"].astype(int))
    strangers = sorted(set(batches["site_id"].astype(int)) - known)
    if strangers:
        raise TestingError("testing.error.plan_site", sites=", ".join(map(str, strangers)))
    frame = batches[needed].copy()
    frame["walk_m"] = batches["walk_m"].astype(float) if "walk_m" in batches else float("nan")

    def work():
        queries.fetch_all(con, "testing_batches_delete", round_id=round_id)
        con.register("plan_batches", frame)
        try:
            queries.fetch_all(con, "testing_batches_insert", round_id=round_id)
        finally:
            con.unregister("plan_batches")
        audit.record(con, actor, "testing_plan_saved", f"testing_round:{round_id}",
                     new={"groups": len(frame), "people": int(frame["people"].sum())})
        return len(frame)
    return retrying(con, work)


def batches_frame(con: duckdb.DuckDBPyConnection, round_id: int) -> pd.DataFrame:
    """The round's stored plan."""
    return queries.fetch_df(con, "testing_batches", round_id=round_id)


# --- recording at a desk --------------------------------------------------------------------------------------

def find_people(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, query: str,
                today: date) -> pd.DataFrame:
    """Look a person up at the desk by room '3-2-1502', the phone's last 4-6 digits or a scanned code 'R123'."""
    _round(con, round_id)
    room = ROOM_QUERY.match(query or "")
    code = CODE_QUERY.match(query or "")
    phone = PHONE_QUERY.match(query or "")
    if room:
        building, unit, flat = room.groups()
        return _people(con, scope, round_id, today, building_name=f"{int(building)}栋", unit_no=int(unit),
                       room=flat)
    if code:
        return _people(con, scope, round_id, today, resident_ids=[int(code.group(1))])
    if phone:
        return _people(con, scope, round_id, today, phone_tail=phone.group(1))
    raise TestingError("testing.error.bad_query", query=query)


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


def close_tube(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, code: str) -> None:
    """Seal a tube for the lab; a sealed tube takes no more swabs."""
    _need(actor, "record_samples")

    def work():
        tube = _tube(con, round_id, code)
        if not queries.fetch_all(con, "testing_tube_close", tube_id=int(tube["tube_id"]), closed_at=_now()):
            raise TestingError("testing.error.tube_closed", code=code)
        audit.record(con, actor, "tube_closed", f"tube:{round_id}:{code}", new={"samples": int(tube["samples"])})
    retrying(con, work)


# --- progress -------------------------------------------------------------------------------------------------

def progress_by_stairwell(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int,
                          today: date) -> pd.DataFrame:
    """Per stairwell: expected (all but the excluded), sampled, share, outline for the map."""
    return queries.fetch_df(con, "testing_progress", **scope.params(), round_id=round_id, today=today)


def not_yet_sampled(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, stairwell_id: int,
                    today: date) -> pd.DataFrame:
    """Whom the building leader still has to call down: room, masked name and phone, door to door or not."""
    frame = _people(con, scope, round_id, today, stairwell_ids=[stairwell_id])
    frame = frame[~frame["excluded"] & ~frame["sampled"]]
    return frame[["resident_id", "unit_no", "floor", "room", "name", "phone", "door_to_door"]].reset_index(drop=True)


def _cumulative(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame({"bin_start": pd.Series(dtype="datetime64[us]"), column: pd.Series(dtype=int),
                             "cumulative": pd.Series(dtype=int)})
    frame["bin_start"] = pd.to_datetime(frame["bin_start"])
    bins = pd.date_range(frame["bin_start"].min(), frame["bin_start"].max(), freq="15min")
    counts = frame.set_index("bin_start")[column].astype(int).reindex(bins, fill_value=0)
    out = counts.rename_axis("bin_start").reset_index()
    out["cumulative"] = out[column].cumsum()
    return out


def samples_over_time(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int) -> pd.DataFrame:
    """Swabs per 15 minutes and cumulative (quiet bins filled with 0), for the progress chart."""
    return _cumulative(queries.fetch_df(con, "testing_samples_over_time", **scope.params(), round_id=round_id),
                       "samples")


def planned_over_time(con: duckdb.DuckDBPyConnection, round_id: int) -> pd.DataFrame:
    """What the stored plan expects per 15 minutes and cumulative, to draw beside the real curve."""
    return _cumulative(queries.fetch_df(con, "testing_planned_over_time", round_id=round_id), "planned")


def site_queues(con: duckdb.DuckDBPyConnection, round_id: int, now: datetime) -> pd.DataFrame:
    """Per site now: groups whose slot runs, their people, swabs in the last 30 minutes, open tubes."""
    return queries.fetch_df(con, "testing_site_queues", round_id=round_id, now=now)


# --- results and trace-back -----------------------------------------------------------------------------------

def _result_word(value) -> str | None:
    return RESULT_WORDS.get(str(value).strip().lower()) if not _missing(value) else None


def _set_result(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, tube: dict, result: str,
                now: datetime) -> bool:
    """Store one result inside the caller's transaction; False when the same result was already there."""
    if tube["result"] == result:
        return False
    queries.fetch_all(con, "testing_tube_set_result", tube_id=int(tube["tube_id"]), result=result, result_at=now,
                      result_by=actor.username)
    audit.record(con, actor, "tube_result", f"tube:{round_id}:{tube['code']}", old={"result": tube["result"]},
                 new={"result": result})
    return True


def _result_problem(tube: dict | None, result: str | None) -> str | None:
    if tube is None:
        return "testing.error.tube_unknown"
    if result is None:
        return "testing.error.bad_result"
    if _missing(tube["closed_at"]):
        return "testing.error.tube_open"
    if tube["result"] is not None and tube["result"] != result:
        return "testing.error.result_exists"
    return None


def record_result(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, tube_code: str, result: str) -> bool:
    """The lab's result for one sealed tube; the same result again changes nothing, a different one is refused."""
    _need(actor, "organise_testing")
    word = _result_word(result)

    def work():
        tube = _tube(con, round_id, tube_code)
        problem = _result_problem(tube, word)
        if problem:
            raise TestingError(problem, code=tube_code, result=result)
        return _set_result(con, actor, round_id, tube, word, _now())
    return retrying(con, work)


def import_lab_results(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, frame: pd.DataFrame) -> dict:
    """A lab's file of (code, result), all or nothing; problems come back by row (1 = the first data row)."""
    _need(actor, "organise_testing")
    _round(con, round_id)
    if not {"code", "result"} <= set(frame.columns):
        raise TestingError("testing.error.plan_columns", columns="code, result")

    def work():
        tubes = {}
        for tube in queries.fetch_df(con, "testing_tubes_of_round", round_id=round_id).to_dict("records"):
            tube["result"] = None if _missing(tube["result"]) else tube["result"]
            tubes[str(tube["code"])] = tube
        problems, seen, wanted = [], {}, []
        for row, (code, result) in enumerate(zip(frame["code"], frame["result"]), start=1):
            code = "" if _missing(code) else str(code).strip()
            word = _result_word(result)
            problem = _result_problem(tubes.get(code), word)
            if problem is None and code in seen and seen[code] != word:
                problem = "testing.error.result_twice"
            if problem:
                problems.append({"row": row, "code": code, "problem": problem})
                continue
            seen[code] = word
            wanted.append((code, word))
        if problems:
            raise TestingError("testing.error.import_problems", problems=problems, n=len(problems))
        now, changed, done = _now(), 0, set()
        for code, word in wanted:
            if code in done:
                continue
            done.add(code)
            changed += _set_result(con, actor, round_id, tubes[code], word, now)
        positive = sorted(c for c, w in seen.items() if w == "positive")
        audit.record(con, actor, "lab_import", f"testing_round:{round_id}",
                     detail=f"{len(frame)} rows, {changed} results recorded, positive: {', '.join(positive)}")
        return {"rows": len(frame), "recorded": changed, "unchanged": len(done) - changed,
                "positive": positive}
    return retrying(con, work)


def trace_tube(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, tube_code: str,
               today: date | None = None) -> pd.DataFrame:
    """The people of one tube with their flats, stairwells and buildings; names and phones masked."""
    frame = queries.fetch_df(con, "testing_trace", **scope.params(), round_id=round_id, code=str(tube_code).strip(),
                             today=today or config.today())
    return mask_people(frame)


def act_on_positive(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, tube_code: str,
                    today: date) -> dict:
    """A positive tube's flats under home isolation for 14 days and its people on the re-test list, all at once."""
    _need(actor, "organise_testing")
    scope = _scope(con, actor, today)

    def work():
        tube = _tube(con, round_id, tube_code)
        if tube["result"] != "positive":
            raise TestingError("testing.error.not_positive", code=tube_code)
        people = queries.fetch_df(con, "testing_positive_people", **scope.params(), tube_id=int(tube["tube_id"]),
                                  today=today)
        if not people["in_scope"].all():
            raise TestingError("testing.error.out_of_scope")
        now = _now()
        to_isolate = [int(r) for r in people.loc[~people["under_measure"], "resident_id"]]
        measures = queries.fetch_all(con, "testing_insert_measures", **scope.params(), resident_ids=to_isolate,
                                     today=today, planned_end=today + timedelta(days=ISOLATION_DAYS),
                                     now=now) if to_isolate else []
        retests = queries.fetch_all(con, "testing_insert_retests", round_id=round_id, tube_id=int(tube["tube_id"]),
                                    now=now)
        counts = {"households": int(people["household_id"].nunique()), "people": len(people),
                  "measures": len(measures), "already_under_measure": int(people["under_measure"].sum()),
                  "retests": len(retests)}
        audit.record(con, actor, "positive_tube_acted_on", f"tube:{round_id}:{tube_code}", new=counts,
                     detail=f"home isolation until {today + timedelta(days=ISOLATION_DAYS)}")
        return counts
    return retrying(con, work)


def retests(con: duckdb.DuckDBPyConnection, round_id: int) -> pd.DataFrame:
    """The round's single-tube re-test list."""
    return queries.fetch_df(con, "testing_retests", round_id=round_id)



def rounds(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """The rounds a viewer may pick, newest first."""
    return queries.fetch_df(con, "testing_rounds", **scope.params())


def round_info(con: duckdb.DuckDBPyConnection, round_id: int) -> dict:
    return _round(con, round_id)


def tube_status(con: duckdb.DuckDBPyConnection, round_id: int, code: str) -> dict:
    """A tube's fill and state, for the desk to show what is in hand."""
    return _tube(con, round_id, code)


def stairwell_names(con: duckdb.DuckDBPyConnection, scope: Scope) -> pd.DataFrame:
    """stairwell_id → unit_no, building, compound and entrance position, for plans, sheets and routes."""
    return queries.fetch_df(con, "testing_stairwell_names", **scope.params())


def door_to_door_route(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today: date) -> pd.DataFrame:
    """The bedridden to sample at home, ordered into one walking route from the round's first site."""
    from resilient.testing import planner

    people = eligible_people(con, scope, round_id, today)
    people = people[people["mode"] == "door_to_door"]
    if people.empty:
        return people.assign(stop=pd.Series(dtype=int))
    places = stairwell_names(con, scope).set_index("stairwell_id")[["lon", "lat"]]
    stops = places.loc[sorted(set(people["stairwell_id"]))].reset_index().rename(columns={"stairwell_id": "id"})
    sites = sites_frame(con, round_id)
    start = (float(sites["lon"].iloc[0]), float(sites["lat"].iloc[0])) if not sites.empty else \
        (float(stops["lon"].mean()), float(stops["lat"].mean()))
    order = {stairwell: i + 1 for i, stairwell in enumerate(planner.walking_route(stops, start))}
    return people.assign(stop=people["stairwell_id"].map(order)).sort_values(["stop", "floor", "room"])


def call_down_sheets(plan: pd.DataFrame, names: pd.DataFrame, sites: pd.DataFrame,
                     labels: dict[str, str]) -> dict[str, pd.DataFrame]:
    """One sheet per building for its building leader (stairwell, slot, site, people) and a master sheet."""
    table = (plan.merge(names[["stairwell_id", "unit_no", "building", "compound"]], on="stairwell_id")
             .merge(sites[["site_id", "name"]].rename(columns={"name": "site"}), on="site_id")
             .sort_values(["compound", "building", "unit_no", "group_no"]))
    table = table.assign(slot=table["slot_start"].dt.strftime("%H:%M") + "–" + table["slot_end"].dt.strftime("%H:%M"))
    columns = ["compound", "building", "unit_no", "group_no", "slot", "site", "people"]
    sheets = {labels["master"]: table[columns]}
    for (compound, building), rows in table.groupby(["compound", "building"], sort=False):
        sheets[f"{compound}{building}"] = rows[columns]
    return sheets


def estimated_finish(expected: int, sampled: int, over_time: pd.DataFrame, now: datetime,
                     window_minutes: int = 30) -> datetime | None:
    """When the round ends at the pace of the last half hour (samples_over_time's bins); None without a pace."""
    remaining = expected - sampled
    if remaining <= 0:
        return now
    if over_time.empty:
        return None
    recent = over_time[pd.to_datetime(over_time["bin_start"]) >= pd.Timestamp(now) - pd.Timedelta(
        minutes=window_minutes)]
    per_minute = recent["samples"].sum() / window_minutes
    if per_minute <= 0:
        return None
    return now + pd.Timedelta(minutes=remaining / per_minute).to_pytimedelta()


# --- the testing page: figures, the plan in one step, progress, a lab's file ------------------------------------

MODES = ("site", "door_to_door", "excluded")


def mode_counts(people: pd.DataFrame) -> dict[str, int]:
    """eligible_people() per way of being sampled (MODES): at a site, at home, not at all."""
    counts = people["mode"].value_counts()
    return {mode: int(counts.get(mode, 0)) for mode in MODES}


def make_plan(con: duckdb.DuckDBPyConnection, actor: User, scope: Scope, round_id: int, today: date,
              later: float = 0.0):
    """Plan the round's batches from its sites and its stairwells' people (finishing up to `later` after the
    shortest round, to walk less), and store the plan; returns the planner's Plan (finish, bound, longest wait)."""
    from resilient.testing import planner

    info = round_info(con, round_id)
    plan = planner.plan_round(stairwell_load(con, scope, round_id, today), sites_frame(con, round_id),
                              pd.Timestamp(info["start_at"]).to_pydatetime(), later=later)
    save_plan(con, actor, round_id, plan.batches)
    return plan


def progress_view(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today: date) -> pd.DataFrame:
    """progress_by_stairwell() with each stairwell's building and unit_no and `percent` sampled (whole, 0 when
    nobody is expected), the furthest behind first: the call list's order."""
    progress = progress_by_stairwell(con, scope, round_id, today)
    if progress.empty:
        return progress.assign(unit_no=[], building=[], percent=[])
    names = stairwell_names(con, scope)[["stairwell_id", "unit_no", "building"]]
    progress = progress.merge(names, on="stairwell_id")
    progress["percent"] = (100 * progress["share"].fillna(0)).round().astype(int)
    return progress.sort_values("share", kind="stable").reset_index(drop=True)


def progress_totals(progress: pd.DataFrame) -> tuple[int, int]:
    """People sampled and people expected over the stairwells of progress_view(): the round's headline."""
    return int(progress["sampled"].sum()), int(progress["expected"].sum())


def read_lab_file(data: bytes, name: str) -> pd.DataFrame:
    """A lab's results file (spreadsheet or CSV): its first column the tube code, its second the result, whatever
    their headers say; as import_lab_results() reads it. Raises ImportProblemError for a file it cannot read."""
    from resilient.imports.sheets import read_table

    frame = read_table(data, name)
    if len(frame.columns) < 2:
        raise TestingError("testing.error.plan_columns", columns="code, result")
    return frame.rename(columns={frame.columns[0]: "code", frame.columns[1]: "result"})[["code", "result"]]
