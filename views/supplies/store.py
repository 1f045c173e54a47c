"""The emergency store (应急物资库): stock with days of cover and the alert, issues from a phone, receipts, items,
recent movements and what went to whom, and the whole as Excel."""

import pandas as pd
import streamlit as st

from resilient.core import roles
from resilient.core.i18n import fmt_number
from resilient.supplies import store
from ui import figures, kit
from views.supplies import store_forms as forms

page = kit.page()
tr, ntr, con, user, lang, scope, today = page.tr, page.ntr, page.con, page.user, page.lang, page.scope, page.today
kit.require(page, "issue_store")
settings = store.load_settings(con)


def cover_text(row) -> str:
    """Days of cover as the reader reads them; 'no use yet' instead of a figure when nothing was used."""
    if pd.isna(row.days_of_cover):
        return tr("store.no_use")
    return tr("store.days", days=fmt_number(float(row.days_of_cover), lang))


def stock_shown(stock: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "name": stock["name"], "kind": [tr(f"store.kind.{k}") for k in stock["kind"]],
        "on_hand": [f"{fmt_number(int(n), lang)} {u}" for n, u in zip(stock["on_hand"], stock["unit"])],
        "daily_use": ["—" if pd.isna(d) else fmt_number(round(float(d), 1), lang) for d in stock["daily_use"]],
        "basis": [tr(f"store.basis.{b}") for b in stock["use_basis"]],
        "cover": [cover_text(r) for r in stock.itertuples()],
        "state": [tr("store.state.alert") if a else tr("store.state.ok") for a in stock["alert"]],
    })


STOCK_HEADERS = {"name": tr("store.col.item"), "kind": tr("store.col.kind"), "on_hand": tr("store.col.on_hand"),
                 "daily_use": tr("store.col.daily_use"), "basis": tr("store.col.basis"),
                 "cover": tr("store.col.cover"), "state": tr("store.col.state")}


def movements_shown(moved: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "when": moved["moved_at"], "item": moved["item"],
        "direction": [tr(f"store.direction.{d}") for d in moved["direction"]],
        "quantity": [f"{fmt_number(int(q), lang)} {u}" for q, u in zip(moved["quantity"], moved["unit"])],
        "to": [forms.receiver_text(page, r) for r in moved.itertuples()],
        "by": moved["by_user"], "note": moved["note"].fillna(""),
    })


MOVEMENT_HEADERS = {"when": tr("store.col.when"), "item": tr("store.col.item"),
                    "direction": tr("store.col.direction"), "quantity": tr("store.col.quantity"),
                    "to": tr("store.col.to"), "by": tr("store.col.by"), "note": tr("store.col.note")}


def stock_section(stock: pd.DataFrame) -> None:
    kit.table(stock_shown(stock), STOCK_HEADERS, height=kit.height(len(stock)))
    st.caption(ntr("store.threshold_note", settings.cover_alert_days, window=store.USE_WINDOW_DAYS))
    moved = store.movements(con, scope, today, limit=100_000, revealed=kit.revealed())
    sheets = {tr("store.sheet.stock"): stock_shown(stock), tr("store.sheet.movements"): movements_shown(moved)}
    st.download_button(tr("store.excel"), key="store_excel", mime=kit.XLSX,
                       file_name=f"{tr('store.file')}_{today:%Y%m%d}.xlsx",
                       data=lambda: store.workbook(con.cursor(), user, sheets, {**STOCK_HEADERS, **MOVEMENT_HEADERS}))
    if roles.may(user, "manage_store"):
        forms.settings_form(page, settings)


def movements_section() -> None:
    moved = store.movements(con, scope, today, limit=50, revealed=kit.revealed())
    if moved.empty:
        st.info(tr("store.movements_none"))
        return
    st.caption(tr("store.movements_recent"))
    kit.table(movements_shown(moved), MOVEMENT_HEADERS, height=kit.height(len(moved)))


def issued_section(stock: pd.DataFrame) -> None:
    """What went to which household or team, by item, receiver kind, household or team."""
    names = dict(zip(stock["item_id"].astype(int), stock["name"]))
    left, right = st.columns(2)
    item_id = kit.choose(tr("store.item"), {None: tr("app.all"), **names}, "store_to_item", where=left)
    kinds = {None: tr("app.all"), **{k: tr(f"store.receiver.{k}") for k in store.RECEIVERS}}
    receiver = kit.choose(tr("store.to"), kinds, "store_to_kind", where=right)
    household_id = team_id = None
    community_id = forms.community(page)
    if receiver == "household" and community_id is not None:
        household_id = forms.pick_flat(page, community_id, "store_to_flat", required=False)
    if receiver == "team" and community_id is not None:
        team_id = forms.pick_team(page, community_id, "store_to_team", required=False)
    given = store.issued_to(con, scope, today, receiver, item_id, household_id, team_id, revealed=kit.revealed())
    if given.empty:
        if item_id is not None and not int(stock.loc[stock["item_id"] == item_id, "issues"].iloc[0]):
            st.info(tr("store.never_issued", item=names[item_id]))
        else:
            st.info(tr("store.nothing_issued"))
        return
    shown = pd.DataFrame({"to": [forms.receiver_text(page, r) for r in given.itertuples()], "item": given["item"],
                          "quantity": [f"{fmt_number(int(q), lang)} {u}" for q, u in zip(given["quantity"],
                                                                                          given["unit"])],
                          "issues": given["issues"], "last": given["last_issue"]})
    kit.table(shown, {"to": tr("store.col.to"), "item": tr("store.col.item"), "quantity": tr("store.col.quantity"),
                      "issues": tr("store.col.issues"), "last": tr("store.col.last_issue")},
              tr("store.issued_file"), "store_issued_excel", height=kit.height(len(shown)))


st.title(tr("store.title"))
kit.flashed()
stock = store.stock(con, scope, today, settings)
numbers = store.kpis(con, scope, today, settings)
lowest = "—" if numbers["lowest_days"] is None else fmt_number(numbers["lowest_days"], lang)
figures.show(page, ("store.kpi.items", numbers["items"]),
             ("store.kpi.below", numbers["below"], {"days": settings.cover_alert_days}),
             ("store.kpi.lowest", lowest))
short = store.below(stock)
if len(short):
    st.warning(tr("store.alert", days=settings.cover_alert_days,
                  items=kit.join(tr("store.alert_item", item=kit.plain(r.name), cover=cover_text(r))
                                 for r in short.itertuples())), icon=":material/warning:")
if stock.empty:
    st.info(tr("store.no_items") if roles.may(user, "manage_store") else tr("store.no_items_ask"))
    if roles.may(user, "manage_store"):
        forms.item_form(page)
    st.stop()

sections = {"issue": lambda: forms.issue_form(page, stock), "stock": lambda: stock_section(stock),
            "movements": movements_section, "issued": lambda: issued_section(stock)}
if roles.may(user, "manage_store"):
    sections["receive"] = lambda: forms.receive_form(page, stock)
    sections["items"] = lambda: forms.item_form(page)
sections[kit.section("store", sections, default="stock")]()
