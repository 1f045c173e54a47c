"""Arrivals known at once (issue 17): an arrival registered anywhere is on its 三包一 team's lists with the visit
to make, until one of them records it (temperature, the notice handed over, the door sealed).

The list is read, not pushed: the household's team on the day (migration 004: grid worker, doctor, police) sees
the arrival the moment it is committed, and the page reruns on its own every minute or less. A flat without a
team yet goes to its grid cell's grid worker. Leaders and administrators see every visit due in scope.
"""

from datetime import datetime

import duckdb
import pandas as pd

from resilient.core import audit, config, queries, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.edge.passes import SETTINGS, PassError, PassSettings, need, retrying


def visits_due(con: duckdb.DuckDBPyConnection, scope: Scope, viewer: User | None, now: datetime,
               settings: PassSettings = SETTINGS) -> pd.DataFrame:
    """Arrivals in scope not yet visited whose measure is open and takes a visit, newest first, names masked.

    `viewer` None or without a staff record (a leader, an administrator): all of them; a grid worker, doctor or
    police officer: those whose team (or, without a team, grid cell) has them as a member."""
    frame = queries.fetch_df(con, "visits_due", **scope.params(), categories=list(settings.visit_categories),
                             now=now)
    if viewer is not None and viewer.staff_id is not None:
        staff = int(viewer.staff_id)
        mine = (frame["grid_worker_id"] == staff) | (frame["doctor_id"] == staff) | (frame["police_id"] == staff)
        frame = frame[mine.fillna(False).astype(bool)].reset_index(drop=True)
    frame["minutes"] = [int((now - pd.Timestamp(a).to_pydatetime()).total_seconds() // 60) for a in
                        frame["recorded_at"]]
    frame = mask_people(frame)
    if scope.personal == "none":   # a linked account that sees no one by name: the flat is what they visit
        frame["name"], frame["phone"] = "", ""
    return frame


def record_visit(con: duckdb.DuckDBPyConnection, actor: User | None, arrival_id: int, *, notice_given: bool,
                 door_sealed: bool, temperature: float | None = None, note: str | None = None,
                 now: datetime | None = None) -> int:
    """The team's visit to an arrival in scope, once; one transaction, audited."""
    need(actor, "visit_arrivals")
    now = now or config.now()
    scope = roles.scope_for(con, actor, now.date())
    reading = None if temperature is None else round(float(temperature), 1)
    if reading is not None and not 30 <= reading <= 45:
        raise PassError("visits.error.temperature", value=temperature)

    def work():
        found = queries.fetch_df(con, "visit_arrival", **scope.params(), arrival_id=int(arrival_id), now=now)
        if found.empty:
            raise PassError("visits.error.out_of_scope", arrival_id=arrival_id)
        if bool(found.iloc[0]["visited"]):
            raise PassError("visits.error.visited", arrival_id=arrival_id)
        visit_id = int(queries.fetch_all(
            con, "visit_insert", arrival_id=int(arrival_id), temperature=reading, notice_given=bool(notice_given),
            door_sealed=bool(door_sealed), note=(note or "").strip() or None, now=now, by=actor.username)[0][0])
        audit.record(con, actor, "arrival_visit_recorded", f"resident:{int(found.iloc[0]['resident_id'])}",
                     new={"arrival_id": int(arrival_id), "temperature": reading, "notice_given": bool(notice_given),
                          "door_sealed": bool(door_sealed)}, at=now)
        return visit_id

    return retrying(con, work)
