"""Positive to released: a positive pooled tube puts its flats under home isolation and its people on the
single-tube re-test list; each re-test's result is recorded; a flat whose tube people all re-test negative is
released from what the tube imposed (and only that), a positive re-test keeps it and flags the case.

The measures a tube imposed are linked to it (tube_measure), and every creation and release is a measure_event
in the same transaction, so each resident's history tells the whole story (resilient/daily/releases.history).
"""

from datetime import date, timedelta

import duckdb
import pandas as pd

from resilient.core import audit, queries
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.daily.rules import event
from resilient.testing.rounds import TestingError, _need, _now, _result_word, _round, _scope, _tube, retrying

ISOLATION_DAYS = 14
LIST_COLUMNS = ["resident_id", "name", "phone", "compound", "building", "unit_no", "floor", "room", "household_id",
                "household_people", "tube_code", "measure", "measure_end", "held_by_tube", "result", "result_at",
                "flagged"]


def act_on_positive(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, tube_code: str,
                    today: date) -> dict:
    """A positive tube's flats under home isolation for 14 days and its people on the re-test list, all at once."""
    _need(actor, "organise_testing")
    scope = _scope(con, actor, today)

    def work():
        tube = _tube(con, round_id, tube_code)
        if tube["result"] != "positive":
            raise TestingError("testing.error.not_positive", code=tube_code)
        people = queries.fetch_df(con, "retest_positive_people", **scope.params(), tube_id=int(tube["tube_id"]),
                                  today=today)
        if not people["in_scope"].all():
            raise TestingError("testing.error.out_of_scope")
        now, end = _now(), today + timedelta(days=ISOLATION_DAYS)
        to_isolate = [int(r) for r in people.loc[~people["under_measure"], "resident_id"]]
        measures = queries.fetch_all(con, "retest_insert_measures", **scope.params(), resident_ids=to_isolate,
                                     today=today, planned_end=end, now=now) if to_isolate else []
        flat_of = dict(zip(people["resident_id"].astype(int), people["household_id"].astype(int)))
        for measure_id, resident_id in measures:
            queries.fetch_all(con, "retest_link_measure", measure_id=int(measure_id), tube_id=int(tube["tube_id"]),
                              household_id=flat_of[int(resident_id)], now=now)
            event(con, actor, int(resident_id), int(measure_id), "created", now, reason="positive_tube",
                  detail={"category": "home_isolation", "start_date": today, "planned_end": end,
                          "tube": tube_code, "round_id": round_id})
        retests = queries.fetch_all(con, "retest_insert", round_id=round_id, tube_id=int(tube["tube_id"]), now=now)
        counts = {"households": int(people["household_id"].nunique()), "people": len(people),
                  "measures": len(measures), "already_under_measure": int(people["under_measure"].sum()),
                  "retests": len(retests)}
        audit.record(con, actor, "positive_tube_acted_on", f"tube:{round_id}:{tube_code}", new=counts,
                     detail=f"home isolation until {end}")
        return counts
    return retrying(con, work)


def retest_list(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today: date) -> pd.DataFrame:
    """The round's single-tube re-test list: each person of a positive tube with their flat, how many live there,
    the measure they are under now, how many of the flat's measures the tube still holds, the re-test's result,
    and `flagged` for a positive re-test (a case). Names and phones masked."""
    _round(con, round_id)
    frame = queries.fetch_df(con, "retest_list", **scope.params(), round_id=round_id, today=today)
    frame["result"] = frame["result"].astype(object).where(frame["result"].notna(), None)
    frame["flagged"] = frame["result"] == "positive"
    return mask_people(frame[LIST_COLUMNS])


def retest_counts(frame: pd.DataFrame) -> dict[str, int]:
    """retest_list() in figures: people, still waiting, negative, positive (the cases)."""
    results = frame["result"]
    return {"people": len(frame), "waiting": int(results.isna().sum()),
            "negative": int((results == "negative").sum()), "positive": int((results == "positive").sum())}


def record_retest(con: duckdb.DuckDBPyConnection, actor: User, round_id: int, resident_id: int, result: str,
                  today: date) -> dict:
    """One single re-test's result. Negative: when all of the tube's people in the flat are now negative, the
    measures the tube imposed on the flat are released, each with its event; until then `waiting` says how many
    of them the flat still waits for. Positive: they stay, and the case is flagged. The same result again
    changes nothing; a different one is refused."""
    _need(actor, "organise_testing")
    word = _result_word(result)
    if word is None:
        raise TestingError("testing.error.bad_result", result=result)
    scope = _scope(con, actor, today)

    def work():
        found = queries.fetch_df(con, "retest_of", **scope.params(), round_id=round_id, resident_id=int(resident_id))
        if found.empty:
            raise TestingError("testing.error.not_on_retest_list", resident_id=resident_id)
        row = found.iloc[0]
        if not row["in_scope"]:
            raise TestingError("testing.error.out_of_scope")
        earlier = None if pd.isna(row["result"]) else row["result"]
        if earlier == word:
            return {"released": 0, "flagged": word == "positive", "waiting": 0}
        if earlier is not None:
            raise TestingError("testing.error.result_exists", code=row["tube_code"], result=result)
        now = _now()
        queries.fetch_all(con, "retest_set_result", round_id=round_id, resident_id=int(resident_id), result=word,
                          now=now, result_by=actor.username)
        audit.record(con, actor, "retest_result", f"resident:{int(resident_id)}",
                     old={"result": None}, new={"result": word, "round_id": round_id, "tube": row["tube_code"]},
                     detail="case flagged" if word == "positive" else None)
        released, waiting = 0, 0
        if word == "negative":
            released, waiting = _release_flat(con, actor, scope, round_id, int(row["from_tube_id"]),
                                              row["tube_code"], int(row["household_id"]), now)
        return {"released": released, "flagged": word == "positive", "waiting": waiting}
    return retrying(con, work)


def _release_flat(con, actor: User, scope: Scope, round_id: int, tube_id: int, tube_code: str, flat_id: int,
                  now) -> tuple[int, int]:
    """Inside record_retest's transaction: release the tube's measures on a flat once none of its tube people
    is left without a negative re-test; the number released, and how many the flat still waits for."""
    pending = queries.fetch_all(con, "retest_flat_pending", **scope.params(), round_id=round_id, tube_id=tube_id,
                                flat_id=flat_id)[0][0]
    if pending:
        return 0, int(pending)
    measures = queries.fetch_df(con, "retest_releasable", **scope.params(), tube_id=tube_id, flat_id=flat_id)
    released = 0
    for measure in measures.itertuples():
        if not queries.fetch_all(con, "measure_end", **scope.params(), own_staff_id=actor.staff_id,
                                 measure_id=int(measure.measure_id), now=now):
            continue
        event(con, actor, int(measure.resident_id), int(measure.measure_id), "released", now,
              reason="negative_retest", detail={"category": measure.category, "tube": tube_code,
                                                "round_id": round_id, "planned_end": measure.planned_end})
        audit.record(con, actor, "measure_released", f"control_measure:{int(measure.measure_id)}",
                     old={"released_at": None}, new={"released_at": now, "released_by": actor.username},
                     detail=f"negative re-test of tube {tube_code}")
        released += 1
    return released, 0
