"""Personal rows: masked by default, revealed one person at a time to roles that need it, every look logged."""

from datetime import date

import duckdb
import pandas as pd

from resilient.core import audit, db, queries, roles
from resilient.core.accounts import AccountError, User
from resilient.core.i18n import fmt_date, t
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.ops import exports


def under_measure_in_building(con: duckdb.DuckDBPyConnection, scope: Scope, building_id: int, today: date,
                              revealed: set[int] = frozenset()) -> pd.DataFrame:
    """The call list of one building: names and phones masked except for `revealed` residents."""
    frame = queries.fetch_df(con, "people_under_measure_in_building", **scope.params(), building_id=building_id,
                             today=today)
    return mask_people(frame, revealed)


def reveal(con: duckdb.DuckDBPyConnection, user: User, scope: Scope, resident_id: int, today: date) -> dict:
    """One person's full name and phone; refused outside the user's role or scope; logged either way."""
    rows = queries.fetch_df(con, "person_contact", **scope.params(), resident_id=resident_id, today=today)
    allowed = roles.may(user, "reveal") and not rows.empty
    with db.transaction(con):
        audit.record(con, user, "reveal" if allowed else "reveal_refused", f"resident:{resident_id}",
                     detail="name, phone")
    if not allowed:
        raise AccountError("people.error.reveal_refused")
    return rows.iloc[0].to_dict()


PEOPLE_COLUMNS = {"unit_no": "col.unit", "floor": "col.floor", "room": "col.room", "name": "col.name",
                  "phone": "col.phone", "id_masked": "col.id_number", "category": "col.category",
                  "planned_end": "col.planned_end", "days_left": "col.days_left"}


def people_labels(lang: str) -> dict[str, str]:
    return {column: t(key, lang) for column, key in PEOPLE_COLUMNS.items()}


def export_under_measure(con: duckdb.DuckDBPyConnection, user: User, scope: Scope, building_id: int,
                         building_name: str, today: date, lang: str) -> bytes:
    """The building's call list as Excel, always masked (a file travels further than a screen), audited."""
    frame = under_measure_in_building(con, scope, building_id, today).drop(columns=["resident_id"])
    frame["category"] = frame["category"].map(lambda c: t(f"category.{c}", lang))
    frame["planned_end"] = frame["planned_end"].map(lambda d: fmt_date(d, lang))
    data = exports.excel_bytes({building_name: frame}, people_labels(lang))
    with db.transaction(con):
        audit.record(con, user, "export", f"building:{building_id}", detail=f"under measure list, {len(frame)} rows")
    return data
