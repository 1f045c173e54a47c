"""The emergency store page's forms: an issue sized for a 390 px phone, a receipt, a new item, the threshold;
and how a receiver reads (a flat with its masked name, a team, a volunteer, a place)."""

import pandas as pd
import streamlit as st

from resilient.core.i18n import fmt_number
from resilient.daily import arrivals
from resilient.supplies import store
from resilient.supplies.store import StoreError, StoreSettings
from ui import kit

WORDS = {"kind": "store.kind"}


def community(page: kit.Page) -> int | None:
    """The community the forms write to: the user's, or the one an administrator chose in the sidebar."""
    return kit.chosen_community(page)


def receiver_text(page: kit.Page, row) -> str:
    """Whom an issue went to, as plain text (shown in tables, never through markdown)."""
    if row.receiver == "household":
        if not getattr(row, "in_scope", True):   # issued_to() keeps only households in scope
            return page.tr("store.other_household")
        name = "" if pd.isna(row.name) else f" {row.name}"
        return kit.flat(row.building, int(row.unit_no), row.room, row.compound, short=True) + name
    if row.receiver == "team":
        return page.tr("store.to_team", id=int(row.team_id), worker=row.team_worker or "—")
    if row.receiver == "volunteer":
        return page.tr("store.to_volunteer", name=row.volunteer or "—")
    if row.receiver == "site":
        return str(row.site)
    return ""


def pick_flat(page: kit.Page, community_id: int, key: str, required: bool = True) -> int | None:
    """A household of the viewer's scope, found by typing 3-2-1502 into the list (as at the gate)."""
    flats = arrivals.flats(page.con, page.scope, community_id)
    if flats.empty:
        st.info(page.tr("store.no_flats"))
        return None
    where = dict(zip(flats["household_id"].astype(int), kit.flats(flats, short=True)))
    code = {int(r.household_id): arrivals.flat_code(r.building, r.unit_no, r.room) for r in flats.itertuples()}
    label = {h: f"{code[h]} · {text}" if code[h] else text for h, text in where.items()}
    return kit.choose(page.tr("store.flat"), label, key, per_language=False, index=None,
                      placeholder=page.tr("store.flat_hint"))


def pick_team(page: kit.Page, community_id: int, key: str, required: bool = True) -> int | None:
    found = store.teams(page.con, page.scope, community_id)
    if found.empty:
        st.info(page.tr("store.no_teams"))
        return None
    label = {int(r.team_id): page.tr("store.to_team", id=int(r.team_id), worker=r.grid_worker or "—")
             for r in found.itertuples()}
    return kit.choose(page.tr("store.team"), label, key, per_language=False, index=None,
                      placeholder=page.tr("app.none_chosen"))


def _item_labels(page: kit.Page, stock: pd.DataFrame) -> dict:
    return {int(r.item_id): f"{r.name} · " + page.tr("store.on_hand", n=fmt_number(int(r.on_hand), page.lang),
                                                   unit=r.unit) for r in stock.itertuples()}


def issue_form(page: kit.Page, stock: pd.DataFrame) -> None:
    """Item, quantity, to whom, one big button: a doctor on a staircase with a phone."""
    community_id = community(page)
    if community_id is None:
        return
    tr, form = page.tr, kit.version("store_issue_form")
    stock = stock[stock["community_id"] == community_id]
    item_id = kit.choose(tr("store.item"), _item_labels(page, stock), f"store_issue_item_{form}",
                         per_language=False, index=None, placeholder=tr("app.none_chosen"))
    quantity = st.number_input(tr("store.quantity"), min_value=1, step=1, value=1, key=f"store_issue_qty_{form}")
    kinds = {k: tr(f"store.receiver.{k}") for k in store.RECEIVERS}
    to = st.segmented_control(tr("store.to"), list(kinds), default="household", format_func=kinds.__getitem__,
                              key=kit.widget_key(f"store_issue_to_{form}")) or "household"
    receiver = {}
    if to == "household":
        receiver["household_id"] = pick_flat(page, community_id, f"store_issue_flat_{form}")
    elif to == "team":
        receiver["team_id"] = pick_team(page, community_id, f"store_issue_team_{form}")
    elif to == "volunteer":
        found = store.volunteers(page.con, page.scope, community_id)
        label = dict(zip(found["volunteer_id"].astype(int), found["name"]))
        receiver["volunteer_id"] = kit.choose(tr("store.volunteer"), label, f"store_issue_vol_{form}",
                                              per_language=False, index=None, placeholder=tr("app.none_chosen"))
    else:
        receiver["site"] = st.text_input(tr("store.site"), key=f"store_issue_site_{form}").strip() or None
    note = st.text_input(tr("store.note"), key=f"store_issue_note_{form}")
    if not st.button(tr("store.issue_button"), key=f"store_issue_go_{form}", type="primary", width="stretch",
                     icon=":material/outbox:"):
        return
    if item_id is None or all(v is None for v in receiver.values()):
        st.error(tr("store.error.incomplete"))
        return
    row = stock.set_index("item_id").loc[item_id]
    kit.attempt(lambda: store.issue(page.con, page.user, item_id, int(quantity), note=note, **receiver),
                tr("store.issued", item=row["name"], quantity=fmt_number(int(quantity), page.lang), unit=row["unit"]),
                StoreError, renew="store_issue_form", words=WORDS)


def receive_form(page: kit.Page, stock: pd.DataFrame) -> None:
    community_id = community(page)
    if community_id is None:
        return
    tr, form = page.tr, kit.version("store_receive_form")
    stock = stock[stock["community_id"] == community_id]
    item_id = kit.choose(tr("store.item"), _item_labels(page, stock), f"store_receive_item_{form}",
                         per_language=False, index=None, placeholder=tr("app.none_chosen"))
    quantity = st.number_input(tr("store.quantity"), min_value=1, step=1, value=1, key=f"store_receive_qty_{form}")
    note = st.text_input(tr("store.receive_note"), key=f"store_receive_note_{form}")
    if not st.button(tr("store.receive_button"), key=f"store_receive_go_{form}", type="primary", width="stretch",
                     icon=":material/move_to_inbox:"):
        return
    if item_id is None:
        st.error(tr("store.error.incomplete"))
        return
    row = stock.set_index("item_id").loc[item_id]
    kit.attempt(lambda: store.receive(page.con, page.user, item_id, int(quantity), note=note),
                tr("store.received", item=row["name"], quantity=fmt_number(int(quantity), page.lang),
                   unit=row["unit"]), StoreError, renew="store_receive_form", words=WORDS)


def item_form(page: kit.Page) -> None:
    """A new item: name, unit, kind, and a daily use by hand until it is first issued."""
    community_id = community(page)
    if community_id is None:
        return
    tr, form = page.tr, kit.version("store_item_form")
    st.subheader(tr("store.new_item"))
    name = st.text_input(tr("store.name"), key=f"store_item_name_{form}", max_chars=store.NAME_LENGTH)
    left, right = st.columns(2)
    unit = left.text_input(tr("store.unit"), key=f"store_item_unit_{form}", placeholder=tr("store.unit_hint"))
    kinds = {k: tr(f"store.kind.{k}") for k in store.KINDS}
    kind = kit.choose(tr("store.kind"), kinds, f"store_item_kind_{form}", where=right)
    estimate = st.number_input(tr("store.estimate"), min_value=0.0, step=1.0, value=0.0,
                               key=f"store_item_estimate_{form}", help=tr("store.estimate_help"))
    if st.button(tr("store.add_button"), key=f"store_item_go_{form}", type="primary", width="stretch"):
        kit.attempt(lambda: store.add_item(page.con, page.user, community_id, name, unit, kind,
                                           float(estimate) if estimate else None),
                    tr("store.added", item=name.strip()), StoreError, renew="store_item_form", words=WORDS)


def settings_form(page: kit.Page, settings: StoreSettings) -> None:
    with st.expander(page.tr("store.settings")):
        days = st.number_input(page.tr("store.threshold"), min_value=1, max_value=180, step=1,
                               value=int(settings.cover_alert_days), key="store_threshold")
        if st.button(page.tr("store.save_settings"), key="store_save_settings"):
            kit.attempt(lambda: store.save_settings(page.con, page.user, StoreSettings(cover_alert_days=int(days))),
                        page.tr("store.settings_saved"), StoreError)
