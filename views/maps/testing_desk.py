"""The testing page's desk section (not a page): built for a phone at a sampling desk."""


import streamlit as st

from resilient.core import config
from resilient.core.i18n import fmt_time
from resilient.testing import desk, plans
from resilient.testing import rounds as testing
from resilient.testing.rounds import TestingError
from ui import kit
from views.maps.testing_plan import fail


def desk_tab(page: kit.Page, round_id: int) -> None:
    """The site, then two fragments: a tap reruns the desk's own part alone, not the site's list of open tubes."""
    sites = testing.sites_frame(page.con, round_id)
    if sites.empty:
        st.info(page.tr("testing.no_sites"))
        return
    site = int(kit.choose(page.tr("testing.site"), dict(zip(sites["site_id"], sites["name"])), "desk_site",
                          per_language=False))
    desk_work(page, round_id, site)
    site_tubes(page, round_id, site)


@st.fragment
def desk_work(page: kit.Page, round_id: int, site: int) -> None:
    """Tube in hand, find the person, one tap to record; reads only what it shows (bench.desk --browser)."""
    if "desk_refused" in st.session_state:
        fail(page, st.session_state.pop("desk_refused"))
    if "desk_recorded" in st.session_state:
        st.toast(page.tr("testing.recorded", room=kit.plain(st.session_state.pop("desk_recorded"))))
    tube_code = tube_in_hand(page, round_id, site)
    planned_done(page, tube_code)
    advised(page, round_id, site, tube_code)
    find_and_record(page, round_id, site, tube_code)


@st.fragment
def site_tubes(page: kit.Page, round_id: int, site: int) -> None:
    """The site's open tubes rerun on their own: as of the time shown, and again with the refresh button."""
    open_tubes(page, round_id, site)


def _change_tube(page: kit.Page, write, holds: str | None = None, seals: str | None = None) -> None:
    """Open, take over or seal a tube: the tube in hand follows (`holds` it, or lets go of `seals`), and the whole
    page reruns, since the site's list of open tubes changes too (once a tube, not once a tap). A refusal is said
    and nothing changes."""
    try:
        write()
    except TestingError as error:
        fail(page, error)
        return
    if holds is not None:
        st.session_state["desk_tube"] = holds
    if seals is not None and st.session_state.get("desk_tube") == seals:
        st.session_state.pop("desk_tube")
        st.session_state.pop("desk_advice", None)
    st.rerun()


def tube_in_hand(page: kit.Page, round_id: int, site: int) -> str | None:
    tr, con, user = page.tr, page.con, page.user
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    code = left.text_input(tr("testing.tube_code"), key="desk_tube_code").strip()
    if right.button(tr("testing.open_tube"), key="open_tube", disabled=not code):
        _change_tube(page, lambda: desk.open_tube(con, user, round_id, code, site), holds=code)
    tube_code = st.session_state.get("desk_tube")
    if not tube_code:
        return None
    try:
        tube = desk.tube_status(con, round_id, tube_code)
        st.markdown(tr("testing.tube_in_hand", code=kit.plain(tube_code), n=int(tube["samples"]),
                       cap=int(tube["capacity"])))
        if st.button(tr("testing.close_tube"), key="close_tube"):
            _change_tube(page, lambda: desk.close_tube(con, user, round_id, tube_code, site), seals=tube_code)
    except TestingError as error:
        fail(page, error)
    return tube_code


def find_and_record(page: kit.Page, round_id: int, site: int, tube_code: str | None) -> None:
    tr = page.tr
    query = st.text_input(tr("testing.find"), key="desk_find", placeholder="3-2-1502 / 3栋2单元1502 / RC-H… / 5678")
    if not query.strip():
        return
    try:
        found = _found(page, round_id, query)
    except TestingError as error:
        fail(page, error)
        return
    if found.empty:
        st.warning(tr("testing.nobody"))
        return
    if desk.needs_compound(found):
        compounds = sorted(set(found["compound"]))
        chosen = st.segmented_control(tr("testing.which_compound"), compounds, key="desk_compound",
                                      format_func=kit.plain)
        if chosen is None:
            st.info(tr("testing.choose_compound"))
            return
        found = found[found["compound"] == chosen]
    planned = desk.planned_tubes(_tubes(page, round_id, found), found)
    said = set()
    for person, where in zip(found.head(12).itertuples(), kit.flats(found.head(12))):
        tube = planned.get(int(person.household_id))
        if tube and (tube["building"], tube["tube"]) not in said:
            said.add((tube["building"], tube["tube"]))
            st.info(tr("testing.planned_tube", building=kit.plain(tube["building"]), tube=tube["tube"],
                       rooms=kit.plain(kit.join(tube["rooms"])), n=tube["people"]))
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.text(f"{where}  {person.name}  {person.phone}")
        if person.sampled:
            right.caption(tr("testing.done", tube=kit.plain(person.tube_code)))
        elif person.mode == "excluded":
            right.caption(tr("testing.excluded"))
        else:
            right.button(tr("testing.record"), key=f"sample_{person.resident_id}", disabled=not tube_code,
                         type="primary", on_click=_record,
                         args=(page, round_id, tube_code, int(person.resident_id), site, person.room, found,
                               False, tube))


def _found(page: kit.Page, round_id: int, query: str):
    """The people the search names. The run right after a tap reuses the rows the tap marked, so a swab costs no
    second search; any other run searches again and sees what other desks did."""
    kept = st.session_state.pop("desk_found_marked", None)
    if kept is not None and kept["key"] == (round_id, query, page.today):
        found = kept["rows"]
    else:
        found = desk.find_people(page.con, page.scope, round_id, query, page.today)
    st.session_state["desk_found"] = {"key": (round_id, query, page.today), "rows": found}
    return found


def _tubes(page: kit.Page, round_id: int, found):
    """The plan's tubes of the buildings found, kept per plan version: a whole building's call-down is the costly
    part, and a desk asks for the same building again and again."""
    key = (round_id, plans.current_version(page.con, round_id), tuple(sorted(set(found["building_id"].astype(int)))),
           page.today)
    kept = st.session_state.setdefault("desk_planned_tubes", {})
    if key not in kept:
        kept.clear()
        kept[key] = desk.building_tubes(page.con, round_id, list(key[2]), page.today)
    return kept[key]


def planned_done(page: kit.Page, tube_code: str | None) -> None:
    """The planned tube the last swab finished: seal the tube in hand and open the next (a word, not a rule)."""
    done = st.session_state.get("desk_planned_done")
    if not done or done["code"] != tube_code:
        st.session_state.pop("desk_planned_done", None)
        return
    tr = page.tr
    text = tr("testing.planned_tube_done", building=kit.plain(done["building"]), tube=done["tube"])
    if done["next"]:
        text += " " + tr("testing.planned_tube_next", tube=done["next"], rooms=kit.plain(kit.join(done["next_rooms"])))
    st.warning(text)


def _record(page: kit.Page, round_id: int, tube_code: str, resident_id: int, site: int, room: str,
            found=None, go_on: bool = False, planned: dict | None = None) -> None:
    """The tap, run before the desk reruns: the rows then show the swab without a second run. A swab that would
    mix stairwells or split a flat waits for the desk's choice first (go on, or seal and take a new tube)."""
    st.session_state.pop("desk_advice", None)
    try:
        advice = None if go_on else desk.tube_advice(page.con, page.scope, round_id, tube_code, resident_id, found)
        if advice is not None:
            st.session_state["desk_advice"] = {**advice, "tube": tube_code, "resident_id": resident_id,
                                               "flat": room, "planned": planned}
            return
        desk.add_sample(page.con, page.user, round_id, tube_code, resident_id, site)
        st.session_state["desk_recorded"] = room
        kept = st.session_state.get("desk_found")
        if kept is not None:
            marked = desk.with_swab(kept["rows"], resident_id, tube_code)
            st.session_state["desk_found_marked"] = {**kept, "rows": marked}
        if planned and (found is None or desk.household_done(found, resident_id)) \
                and not desk.planned_left(page.con, round_id, planned["households"], page.today):
            st.session_state["desk_planned_done"] = {**planned, "code": tube_code}
    except TestingError as error:
        st.session_state["desk_refused"] = error


def advised(page: kit.Page, round_id: int, site: int, tube_code: str | None) -> None:
    """The word the last tap got: this tube holds other stairwells, or would split the flat; go on or change."""
    tr, ntr = page.tr, page.ntr
    held = st.session_state.get("desk_advice")
    if not held or held["tube"] != tube_code:
        st.session_state.pop("desk_advice", None)
        return
    if held["kind"] == "other_stairwell":
        places = kit.join(kit.plain(f"{c}{b}{tr('unit.name', n=u)}") for c, b, u in held["stairwells"])
        st.warning(tr("testing.advice_other_stairwell", stairwells=places))
    else:
        st.warning(ntr("testing.advice_split_flat", held["left"], room=held["room"]))
    left, right = st.columns(2)
    left.button(tr("testing.advice_go_on", room=kit.plain(held["flat"])), key="advice_go_on", on_click=_record,
                args=(page, round_id, tube_code, held["resident_id"], site, held["flat"], None, True,
                      held.get("planned")))
    if right.button(tr("testing.advice_new_tube"), key="advice_new_tube", type="primary"):
        _change_tube(page, lambda: desk.close_tube(page.con, page.user, round_id, tube_code, site), seals=tube_code)


def open_tubes(page: kit.Page, round_id: int, site: int) -> None:
    """The site's unsealed tubes, whoever opened them: a lost session's tube is taken over or sealed here."""
    tr, ntr, con, user = page.tr, page.ntr, page.con, page.user
    now = config.now()
    tubes = desk.open_tubes(con, round_id, now, site_id=site)
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.subheader(tr("testing.open_tubes"))
    right.button(tr("testing.refresh"), key="refresh_open_tubes")
    st.caption(tr("testing.open_tubes_as_of", time=fmt_time(now, page.lang)))
    if tubes.empty:
        st.caption(tr("testing.no_open_tubes"))
        return
    overdue = int(tubes["overdue"].sum())
    if overdue:
        st.warning(ntr("testing.tubes_overdue", overdue, hours=f"{desk.load_settings(con).tube_open_hours:g}"))
    shown = tubes.assign(overdue=tubes["overdue"].map({True: tr("testing.overdue"), False: ""}))
    kit.table(shown[["code", "samples", "capacity", "age_minutes", "held_by", "overdue"]], {
        "code": tr("testing.tube_code"), "samples": tr("testing.samples"), "capacity": tr("testing.capacity"),
        "age_minutes": tr("testing.age_minutes"), "held_by": tr("testing.held_by"), "overdue": tr("testing.flag")})
    left, middle, right = st.columns([2, 1, 1], vertical_alignment="bottom")
    code = left.selectbox(tr("testing.open_tube_pick"), list(tubes["code"]), key="desk_open_tube")
    if middle.button(tr("testing.take_over"), key="take_over_tube"):
        _change_tube(page, lambda: desk.take_over_tube(con, user, round_id, code, site), holds=code)
    if right.button(tr("testing.close_tube"), key="close_open_tube"):
        _change_tube(page, lambda: desk.close_tube(con, user, round_id, code, site), seals=code)
