"""Health codes: one resident's colour set by hand on a phone (three big buttons), a sheet checked then written,
a resident's history, and the counts by colour."""

import pandas as pd
import streamlit as st

from resilient.core.i18n import fmt_date, fmt_datetime
from resilient.daily import arrivals
from resilient.edge import health_codes
from resilient.edge.health_codes import HealthCodeError
from resilient.imports.sheets import HEALTH_CODE_FIELDS
from resilient.places import places
from ui import figures, kit
from views.data import imports_sheets

page = kit.page()
tr, ntr, con, user, lang = page.tr, page.ntr, page.con, page.user, page.lang
scope, today, now = page.scope, page.today, page.now
kit.require(page, "set_health_codes")
BUTTON = {"green": "primary", "yellow": "secondary", "red": "secondary"}
ICONS = {"green": ":material/check_circle:", "yellow": ":material/warning:", "red": ":material/error:"}


def find_resident(key: str) -> dict | None:
    """A resident by flat typed (3-2-1502), phone digits or name, or by building then flat; names masked."""
    how = st.segmented_control(tr("health_codes.find_by"), ["type", "building"], default="type",
                               format_func=lambda h: tr(f"health_codes.find_by.{h}"), key=kit.widget_key(f"{key}_how"))
    if how == "building":
        query = flat_query(key)
    else:
        query = st.text_input(tr("arrivals.find"), key=f"{key}_find", placeholder="3-2-1502 / 5678 / 张").strip()
    if not query:
        st.caption(tr("health_codes.find_help"))
        return None
    found = arrivals.find_residents(con, scope, query, today, kit.revealed()).drop_duplicates("resident_id")
    if found.empty:
        st.warning(tr("arrivals.nobody", query=query))
        return None
    rows = {int(r.resident_id): r for r in found.itertuples()}
    labels = {i: kit.plain(kit.flat(r.building, r.unit_no, r.room, r.compound, short=True), r.name)
              for i, r in rows.items()}
    chosen = st.radio(tr("arrivals.pick"), list(labels), format_func=labels.__getitem__,
                      key=kit.widget_key(f"{key}_pick_{query}"))
    row = rows[chosen]
    return {"resident_id": int(chosen), "label": f"{kit.flat(row.building, row.unit_no, row.room, short=True)} "
                                                  f"{row.name}"}


def flat_query(key: str) -> str:
    """Building, then one of its flats: the flat as the typed search reads it."""
    community_id = kit.chosen_community(page)
    if community_id is None:
        return ""
    flats = arrivals.flats(con, scope, community_id)
    if flats.empty:
        st.info(tr("health_codes.no_residents"))
        return ""
    named = flats.assign(place=flats["compound"] + flats["building"]).drop_duplicates("place")
    building = st.selectbox(tr("col.building"), list(named["place"]), key=kit.widget_key(f"{key}_building"))
    chosen = flats[flats["compound"] + flats["building"] == building]
    rooms = [tr("arrivals.unit_room", unit=u, room=r) for u, r in zip(chosen["unit_no"], chosen["room"])]
    picked = st.selectbox(tr("health_codes.flat"), rooms, index=None, placeholder=tr("health_codes.flat_pick"),
                          key=kit.widget_key(f"{key}_flat_{building}"))
    if picked is None:
        return ""
    flat = chosen.iloc[rooms.index(picked)]
    return f"{flat['compound']}{flat['building']}{int(flat['unit_no'])}单元{flat['room']}"


def set_section() -> None:
    """Who, the day (today unless said), then one tap on the colour the resident shows."""
    if places.buildings(con, scope).empty:
        st.info(tr("health_codes.no_residents"))
        return
    form = kit.version("hc_form")
    person = find_resident(f"hc_{form}")
    if person is None:
        return
    day = st.date_input(tr("health_codes.day"), value=today, max_value=today, key=f"hc_day_{form}",
                        format="YYYY-MM-DD")
    st.text(tr("health_codes.chosen", who=person["label"]))
    for colour in health_codes.COLOURS:
        if st.button(tr(f"health_codes.set.{colour}"), key=f"hc_set_{colour}", type=BUTTON[colour],
                     icon=ICONS[colour], width="stretch"):
            save(person, colour, day)
    show_history(person["resident_id"])


def save(person: dict, colour: str, day) -> None:
    try:
        result = health_codes.set_code(con, user, person["resident_id"], colour, day, now)
    except HealthCodeError as error:
        kit.fail(error)
        return
    said, who = tr(f"health_codes.colour.{colour}"), kit.plain(person["label"])
    if not result["changed"]:
        kit.flash(tr("health_codes.unchanged", colour=said, who=who), "info")
    saved = tr("health_codes.saved", colour=said, who=who, day=fmt_date(day, lang))
    if result["alert_id"] is not None:   # the domain raised it on the fevers' list: say where the doctors see it
        kit.flash(f"{saved} {tr('health_codes.alert_raised')}", "warning")
    kit.flash(saved)


def show_history(resident_id: int) -> None:
    """The resident's codes, newest first: colour, day, by hand or sheet, who and when."""
    st.subheader(tr("health_codes.history"))
    found = health_codes.history(con, scope, resident_id)
    if found.empty:
        st.info(tr("health_codes.no_codes_yet"))
        return
    shown = pd.DataFrame({
        "colour": [tr(f"health_codes.colour.{c}") for c in found["colour"]],
        "shown_on": [fmt_date(pd.Timestamp(d).date(), lang) for d in found["shown_on"]],
        "source": [tr(f"health_codes.source.{s}") for s in found["source"]],
        "set_by": found["set_by"].fillna(""),
        "set_at": [fmt_datetime(pd.Timestamp(t).to_pydatetime(), lang) for t in found["set_at"]]})
    kit.table(shown, {k: tr(f"health_codes.col.{k}") for k in shown.columns}, height=kit.height(len(shown), 8))


def sheet_section() -> None:
    """The import page's flow: template, upload, columns, every row checked, then one button writes them all."""
    sheet = imports_sheets.Sheet(
        "health_code", HEALTH_CODE_FIELDS,
        lambda con_, frame, mapping, **_: health_codes.validate_sheet(con_, user, frame, today, mapping),
        lambda con_, actor, preview, source_name, **_: health_codes.commit_sheet(con_, actor, preview,
                                                                                  source_name, now))
    try:
        imports_sheets.sheet_import(page, sheet, community=lambda: None, done=sheet_done)
    except HealthCodeError as error:
        kit.fail(error)


def sheet_done(counts: dict) -> None:
    st.success(ntr("health_codes.imported", counts["written"], unchanged=counts["unchanged"]))
    if counts["alerts"]:
        st.warning(ntr("health_codes.imported_alerts", counts["alerts"]))


def counts_section() -> None:
    """Residents by current colour, codes written today and code alerts open, each card with its definition."""
    counts = health_codes.counts(con, scope, today)
    figures.show(page, *[(f"health_codes.kpi.{k}", counts[k]) for k in
                         (*health_codes.COLOURS, "changed_today", "alerts_open")])
    if not any(counts[c] for c in health_codes.COLOURS):
        st.info(tr("health_codes.no_codes_yet"))
        return
    found = health_codes.buildings(con, scope, today)
    if found.empty:
        st.success(tr("health_codes.no_buildings"))
        return
    st.caption(tr("health_codes.buildings_alerting"))
    kit.table(found[["compound", "building", "red", "yellow"]],
              {"compound": tr("col.compound"), "building": tr("col.building"),
               "red": tr("health_codes.colour.red"), "yellow": tr("health_codes.colour.yellow")},
              tr("health_codes.buildings_file"), "hc_buildings_excel", height=kit.height(len(found), 10))


st.title(tr("health_codes.title"))
kit.flashed()
sections = {"set": set_section, "sheet": sheet_section, "counts": counts_section}
chosen_section = kit.section("health_codes", sections, default="set",
                             label=lambda k: tr(f"health_codes.tab.{k}"))
sections[chosen_section]()
