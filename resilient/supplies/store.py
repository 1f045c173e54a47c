"""The community's emergency store (应急物资库): items, receipts and issues, and how many days each item lasts.

Stock is receipts - issues, read from the ledger, never kept beside it. An issue touches its item's row before
it reads the stock, so two issues of one item at once conflict in DuckDB and the later one runs again from the
start, sees the first, and is refused if the rest would not cover it: stock cannot go below zero.

Daily use is measured from the issues: what was issued in the last USE_WINDOW_DAYS days (today included) divided
by those days, or by fewer when the item is newer (its first day is when it was added or first moved). An item
never issued uses the figure set by hand when it was added, if any. Days of cover = on hand / daily use; without
any use there is no figure ("no use yet"), never an infinity.
"""

import json
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta

import duckdb
import numpy as np
import pandas as pd

from resilient.core import audit, config, db, queries, reference, roles
from resilient.core.accounts import User
from resilient.core.masking import mask_people
from resilient.core.scope import Scope
from resilient.ops import exports

KINDS = ("masks", "alcohol", "disinfectant", "thermometers", "test_kits", "food_packs", "other")
RECEIVERS = ("household", "team", "volunteer", "site")
USE_WINDOW_DAYS = 7
NAME_LENGTH = 60
STOCK_COLUMNS = ["item_id", "community_id", "community", "name", "unit", "kind", "on_hand", "received", "issued",
                 "issues", "last_issue", "daily_use", "use_basis", "days_of_cover", "alert"]
MOVEMENT_COLUMNS = ["movement_id", "moved_at", "item_id", "item", "unit", "kind", "direction", "quantity",
                    "receiver", "household_id", "in_scope", "compound", "building", "unit_no", "room", "resident_id",
                    "name", "team_id", "team_worker", "volunteer_id", "volunteer", "site", "by_user", "note"]
ISSUED_COLUMNS = ["receiver", "household_id", "compound", "building", "unit_no", "room", "name", "team_id",
                  "team_worker", "volunteer_id", "volunteer", "site", "item_id", "item", "unit", "quantity", "issues",
                  "last_issue"]


class StoreError(ValueError):
    """A refusal: `code` is a translation key ("store.error.x"), `values` fill it in."""

    def __init__(self, code: str, /, **values):
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
@reference.defaults_from("defaults.toml", "store")
class StoreSettings:
    """When an item is raised as running short; defaults in data/defaults.toml [store]."""

    cover_alert_days: int                # fewer days of cover than this raise the item (Wuhan 2021: 10)

    def __post_init__(self):
        if not 1 <= int(self.cover_alert_days) <= 180:
            raise StoreError("store.error.settings", field="cover_alert_days")


reference.check_defaults(StoreSettings, "defaults.toml", "store")


def load_settings(con: duckdb.DuckDBPyConnection) -> StoreSettings:
    """The stored settings, the defaults when none were saved; unknown keys from other versions ignored."""
    rows = queries.fetch_all(con, "store_settings_get")
    if not rows:
        return StoreSettings()
    known = {f.name for f in fields(StoreSettings)}
    return StoreSettings(**{k: v for k, v in json.loads(rows[0][0]).items() if k in known})


def save_settings(con: duckdb.DuckDBPyConnection, actor: User | None, settings: StoreSettings) -> None:
    """Store the settings as JSON under 'store_settings', audited in the same transaction."""
    _need(actor, "manage_store")
    old = load_settings(con)

    def work():
        con.execute(queries.sql("store_settings_put"),
                    {"value": json.dumps(asdict(settings), ensure_ascii=False, sort_keys=True)})
        audit.record(con, actor, "store_settings_saved", "meta:store_settings", old=asdict(old), new=asdict(settings))

    _retrying(con, work)


def _need(actor: User | None, action: str) -> None:
    roles.need(actor, action, StoreError("store.error.not_allowed"))


def _retrying(con: duckdb.DuckDBPyConnection, work):
    return db.retrying(con, work, lambda: StoreError("store.error.busy"))


def _scope(con, actor: User, at: datetime) -> Scope:
    return roles.scope_for(con, actor, at.date())


def _quantity(quantity) -> int:
    try:
        whole = int(quantity)
    except (TypeError, ValueError):
        raise StoreError("store.error.quantity", quantity=quantity) from None
    if whole != quantity or whole <= 0:
        raise StoreError("store.error.quantity", quantity=quantity)
    return whole


def _item(con, scope: Scope, item_id: int) -> dict:
    found = queries.fetch_df(con, "store_item_get", **scope.params(), item_id=int(item_id))
    if found.empty:
        raise StoreError("store.error.unknown_item", item_id=item_id)
    return found.iloc[0].to_dict()


# --- writes ---------------------------------------------------------------------------------------------------

def add_item(con: duckdb.DuckDBPyConnection, actor: User | None, community_id: int, name: str, unit: str,
             kind: str, daily_use_estimate: float | None = None, now: datetime | None = None) -> int:
    """A new item of a community's store; `daily_use_estimate` (per day, by hand) gives a new item days of
    cover before it is first issued. Returns its id."""
    _need(actor, "manage_store")
    now = now or config.now()
    name, unit = (name or "").strip(), (unit or "").strip()
    if not name or len(name) > NAME_LENGTH:
        raise StoreError("store.error.name")
    if not unit:
        raise StoreError("store.error.unit")
    if kind not in KINDS:
        raise StoreError("store.error.kind", kind=kind)
    if daily_use_estimate is not None and not (float(daily_use_estimate) > 0):
        raise StoreError("store.error.estimate", estimate=daily_use_estimate)
    scope = _scope(con, actor, now)
    if not queries.fetch_all(con, "store_community", **scope.params(), community_id=int(community_id)):
        raise StoreError("store.error.community_out_of_scope", community_id=community_id)

    def work():
        names = {n for (n,) in queries.fetch_all(con, "store_item_names", **scope.params(),
                                                  community_id=int(community_id))}
        if name in names:
            raise StoreError("store.error.duplicate", name=name)
        item_id = int(queries.fetch_all(con, "store_item_insert", community_id=int(community_id), item_name=name,
                                        unit=unit, kind=kind, at=now, by_user=actor.username,
                                        daily_use_estimate=None if daily_use_estimate is None
                                        else float(daily_use_estimate))[0][0])
        audit.record(con, actor, "store_item_added", f"store_item:{item_id}",
                     new={"community_id": int(community_id), "name": name, "unit": unit, "kind": kind,
                          "daily_use_estimate": daily_use_estimate})
        return item_id

    return _retrying(con, work)


def receive(con: duckdb.DuckDBPyConnection, actor: User | None, item_id: int, quantity: int,
            note: str | None = None, now: datetime | None = None) -> int:
    """A delivery into the store; returns the movement's id."""
    _need(actor, "manage_store")
    now = now or config.now()
    quantity = _quantity(quantity)
    scope = _scope(con, actor, now)
    item = _item(con, scope, item_id)

    def work():
        queries.fetch_all(con, "store_item_touch", item_id=int(item_id), at=now)
        movement_id = _insert(con, actor, item_id, "receipt", quantity, now, note)
        audit.record(con, actor, "store_received", f"store_item:{int(item_id)}",
                     new={"movement_id": movement_id, "item": item["name"], "quantity": quantity}, detail=note)
        return movement_id

    return _retrying(con, work)


def issue(con: duckdb.DuckDBPyConnection, actor: User | None, item_id: int, quantity: int, *,
          household_id: int | None = None, team_id: int | None = None, volunteer_id: int | None = None,
          site: str | None = None, note: str | None = None, now: datetime | None = None) -> int:
    """Hand items out to one receiver: a household in the actor's scope, a 三包一 team, a volunteer, or a place
    by name, all of the item's community. Refused, with nothing written, when the stock does not cover it.
    Returns the movement's id."""
    _need(actor, "issue_store")
    now = now or config.now()
    quantity = _quantity(quantity)
    site = (site or "").strip() or None
    given = {"household": household_id, "team": team_id, "volunteer": volunteer_id, "site": site}
    named = [k for k, v in given.items() if v is not None]
    if len(named) != 1:
        raise StoreError("store.error.one_receiver")
    scope = _scope(con, actor, now)
    item = _item(con, scope, item_id)
    receiver = {"household_id": None, "team_id": None, "volunteer_id": None, "site": site}
    if household_id is not None:
        receiver["household_id"] = _receiver(con, scope, item, "store_household", "household_id", household_id,
                                             "store.error.household_out_of_scope")
    if team_id is not None:
        receiver["team_id"] = _receiver(con, scope, item, "store_team", "team_id", team_id, "store.error.unknown_team")
    if volunteer_id is not None:
        receiver["volunteer_id"] = _receiver(con, scope, item, "store_volunteer", "volunteer_id", volunteer_id,
                                             "store.error.unknown_volunteer")

    def work():
        queries.fetch_all(con, "store_item_touch", item_id=int(item_id), at=now)   # first: concurrent issues conflict
        on_hand = int(queries.fetch_all(con, "store_on_hand", item_id=int(item_id))[0][0])
        if quantity > on_hand:
            raise StoreError("store.error.not_enough", item=item["name"], unit=item["unit"], quantity=quantity,
                             on_hand=on_hand)
        movement_id = _insert(con, actor, item_id, "issue", quantity, now, note, **receiver)
        audit.record(con, actor, "store_issued", f"store_item:{int(item_id)}",
                     old={"on_hand": on_hand},
                     new={"movement_id": movement_id, "item": item["name"], "quantity": quantity,
                          "on_hand": on_hand - quantity, **{k: v for k, v in receiver.items() if v is not None}},
                     detail=note)
        return movement_id

    return _retrying(con, work)


def _receiver(con, scope: Scope, item: dict, query: str, column: str, value, refusal: str) -> int:
    found = queries.fetch_df(con, query, **scope.params(), **{column: int(value)})
    if found.empty or int(found.iloc[0]["community_id"]) != int(item["community_id"]):
        raise StoreError(refusal, **{column: value})
    return int(value)


def _insert(con, actor: User, item_id: int, direction: str, quantity: int, at: datetime, note: str | None,
            household_id=None, team_id=None, volunteer_id=None, site=None) -> int:
    return int(queries.fetch_all(con, "store_movement_insert", item_id=int(item_id), direction=direction,
                                 quantity=quantity, at=at, by_user=actor.username,
                                 note=(note or "").strip() or None, household_id=household_id, team_id=team_id,
                                 volunteer_id=volunteer_id, site=site)[0][0])


# --- reads ----------------------------------------------------------------------------------------------------

def _day_start(day: date) -> datetime:
    return datetime.combine(day, time())


def stock(con: duckdb.DuckDBPyConnection, scope: Scope, today: date,
          settings: StoreSettings | None = None) -> pd.DataFrame:
    """Every item in scope at the end of `today`: on hand, daily use (per day over the last USE_WINDOW_DAYS days
    of issues, fewer days for a newer item; the hand figure for an item never issued), its basis ('measured',
    'estimate', or 'none' when there is no use at all), days of cover (NaN without use) and the alert (fewer
    days of cover than the setting)."""
    settings = settings or StoreSettings()
    frame = queries.fetch_df(con, "store_stock", **scope.params(), until=_day_start(today + timedelta(days=1)),
                             since=_day_start(today - timedelta(days=USE_WINDOW_DAYS - 1)))
    if frame.empty:
        return pd.DataFrame(columns=STOCK_COLUMNS)
    first = pd.to_datetime(frame["first_day"]).dt.date
    days = np.clip([(today - d).days + 1 for d in first], 1, USE_WINDOW_DAYS)
    issued = frame["issues"] > 0
    estimated = ~issued & frame["daily_use_estimate"].notna()
    frame["daily_use"] = np.where(issued, frame["issued_window"] / days,
                                  np.where(estimated, frame["daily_use_estimate"], np.nan))
    frame["use_basis"] = np.where(issued, "measured", np.where(estimated, "estimate", "none"))
    use = frame["daily_use"]
    frame["days_of_cover"] = (frame["on_hand"] / use.where(use > 0)).round(1)
    frame["alert"] = frame["days_of_cover"] < float(settings.cover_alert_days)
    return frame[STOCK_COLUMNS].reset_index(drop=True)


def below(frame: pd.DataFrame) -> pd.DataFrame:
    """The items of a stock() frame raised as running short, the fewest days of cover first."""
    return frame[frame["alert"].astype(bool)].sort_values(["days_of_cover", "name"]).reset_index(drop=True)


def kpis(con: duckdb.DuckDBPyConnection, scope: Scope, today: date,
         settings: StoreSettings | None = None) -> dict:
    """The daily report's store figures: items kept, items below the threshold, the fewest days of cover and its
    item (None when no item has any use), and the threshold."""
    settings = settings or load_settings(con)
    frame = stock(con, scope, today, settings)
    covered = frame[frame["days_of_cover"].notna()].sort_values(["days_of_cover", "name"])
    lowest = covered.iloc[0] if len(covered) else None
    return {"items": len(frame), "below": int(frame["alert"].astype(bool).sum()),
            "lowest_days": None if lowest is None else float(lowest["days_of_cover"]),
            "lowest_item": None if lowest is None else str(lowest["name"]),
            "threshold": int(settings.cover_alert_days)}


def movements(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, item_id: int | None = None,
              direction: str | None = None, since: datetime | None = None, limit: int = 200,
              revealed: set[int] = frozenset()) -> pd.DataFrame:
    """Receipts and issues of the items in scope, newest first; a household's flat only when the household is in
    scope (in_scope), its first resident the viewer may see by name, masked."""
    frame = queries.fetch_df(con, "store_movements", **scope.params(), today=today,
                             item_id=None if item_id is None else int(item_id), direction=direction, since=since,
                             limit=int(limit))
    return mask_people(frame[MOVEMENT_COLUMNS], revealed)


def issued_to(con: duckdb.DuckDBPyConnection, scope: Scope, today: date, receiver: str | None = None,
              item_id: int | None = None, household_id: int | None = None, team_id: int | None = None,
              since: datetime | None = None, revealed: set[int] = frozenset()) -> pd.DataFrame:
    """What each receiver in scope was given: per receiver and item the quantity, the number of issues and the
    last one; filtered by kind of receiver, item, household, team and date. Households outside the scope are
    left out."""
    if receiver is not None and receiver not in RECEIVERS:
        raise StoreError("store.error.receiver", receiver=receiver)
    frame = movements(con, scope, today, item_id, "issue", since, limit=1_000_000, revealed=revealed)
    frame = frame[(frame["receiver"] != "household") | frame["in_scope"].astype(bool)]
    if receiver is not None:
        frame = frame[frame["receiver"] == receiver]
    if household_id is not None:
        frame = frame[frame["household_id"] == int(household_id)]
    if team_id is not None:
        frame = frame[frame["team_id"] == int(team_id)]
    if frame.empty:
        return pd.DataFrame(columns=ISSUED_COLUMNS)
    keys = [c for c in ISSUED_COLUMNS if c not in ("quantity", "issues", "last_issue")]
    grouped = (frame.groupby(keys, dropna=False, sort=False)
               .agg(quantity=("quantity", "sum"), issues=("movement_id", "count"), last_issue=("moved_at", "max"))
               .reset_index())
    return grouped.sort_values("last_issue", ascending=False)[ISSUED_COLUMNS].reset_index(drop=True)


def items(con: duckdb.DuckDBPyConnection, scope: Scope, today: date) -> pd.DataFrame:
    """The items in scope (id, community, name, unit, kind, on hand), for the forms' choices."""
    return stock(con, scope, today)[["item_id", "community_id", "name", "unit", "kind", "on_hand"]]


def teams(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    """The community's 三包一 teams (team_id, grid_worker, doctor), for the issue form."""
    return queries.fetch_df(con, "store_teams", **scope.params(), community_id=int(community_id))


def volunteers(con: duckdb.DuckDBPyConnection, scope: Scope, community_id: int) -> pd.DataFrame:
    """The community's active volunteers (volunteer_id, name), for the issue form."""
    return queries.fetch_df(con, "store_volunteers", **scope.params(), community_id=int(community_id))


def workbook(con: duckdb.DuckDBPyConnection, actor: User | None, sheets: dict[str, pd.DataFrame],
             headers: dict[str, str]) -> bytes:
    """The stock and the movements as the page showed them (scoped, masked), one sheet each, with its audit
    entry; every text cell written as text by ops.exports."""
    data = exports.excel_bytes(sheets, headers)
    with db.transaction(con):
        audit.record(con, actor, "export", "table:store", detail=", ".join(f"{k}: {len(v)} rows"
                                                                           for k, v in sheets.items()))
    return data
