"""Volunteer coverage: which vulnerable households nobody looks after, who is overloaded, and the fixes."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import basemaps, maps
from resilient.core import config, roles
from resilient.core.accounts import AccountError
from resilient.core.i18n import fmt_list, fmt_number, fmt_time
from resilient.core.masking import markdown_safe
from resilient.coverage import volunteers as coverage
from resilient.coverage.volunteers import CoverageError, CoverageSettings
from resilient.places import people, places
from ui import session

KPI_WIDTH = 104  # px: three cards abreast on a 390 px phone

lang = session.lang()
tr = session.translator(lang)
ntr = session.ntranslator(lang)
con = session.cursor()
user = session.current_user()
scope = session.scope()
today, now = config.today(), config.now()
settings = coverage.load_settings(con)
manager = coverage.may_manage(user)


def fail(error: CoverageError | AccountError) -> None:
    st.error(tr(error.code, **getattr(error, "values", {})))


def needs_text(codes) -> str:
    return fmt_list((tr(f"coverage.need.{c}") for c in codes), lang)


def last_contact_text(when) -> str:
    if when is None or pd.isna(when):
        return tr("coverage.never")
    days = (today - pd.Timestamp(when).date()).days
    return ntr("coverage.days_ago", days) if days else tr("coverage.today_at", time=fmt_time(pd.Timestamp(when), lang))


def shown_households(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns a reader scans, in their language (codes turned into words)."""
    out = pd.DataFrame({
        "building": frame["compound"] + frame["building"],
        "unit_room": [tr("coverage.unit_room", unit=u, room=r) for u, r in zip(frame["unit_no"], frame["room"])],
        "name": frame["name"].fillna(""),
        "phone": frame["phone"].fillna(""),
        "needs": frame["reasons"].map(needs_text),
        "last_contact": frame["last_contact"].map(last_contact_text),
    })
    if "reason" in frame:
        out["gap"] = frame["reason"].map(lambda r: tr(f"coverage.gap.{r}") if isinstance(r, str) else
                                         tr("coverage.covered"))
    return out


def household_labels() -> dict[str, str]:
    return {"building": tr("col.building"), "unit_room": tr("coverage.col.unit_room"), "name": tr("col.name"),
            "phone": tr("col.phone"), "needs": tr("coverage.col.needs"),
            "last_contact": tr("coverage.col.last_contact"), "gap": tr("coverage.col.gap")}


def reveal_picker(frame: pd.DataFrame, key: str) -> None:
    """Reveal one person's name and phone (logged), for roles whose work is calling them."""
    if not roles.may_reveal(user) or frame["resident_id"].isna().all():
        return
    rows = frame[frame["resident_id"].notna()]
    label = {int(r.resident_id): f"{r.building} {r.unit_no}-{r.room} {r.name}" for r in rows.itertuples()}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    who = left.selectbox(tr("overview.reveal_who"), list(label), format_func=label.__getitem__,
                         key=session.widget_key(f"{key}_who"))
    if right.button(tr("overview.reveal"), key=f"{key}_reveal"):
        try:
            session.revealed().add(people.reveal(con, user, scope, who, today)["resident_id"])
            st.rerun()
        except AccountError as error:
            fail(error)


# --- headline -------------------------------------------------------------------------------------------------

st.title(tr("coverage.title"))
kpi = coverage.kpis(con, scope, settings, today)
with st.container(horizontal=True, gap="small"):
    st.metric(tr("coverage.kpi.vulnerable"), fmt_number(kpi["vulnerable_households"], lang), width=KPI_WIDTH)
    st.metric(tr("coverage.kpi.covered"), f"{kpi['covered_share']:.0%}", width=KPI_WIDTH,
              help=ntr("coverage.kpi.covered_help", kpi["covered_households"], reach=int(settings.reach_m)))
    st.metric(ntr("coverage.kpi.not_contacted", settings.not_contacted_days),
              fmt_number(kpi["not_contacted"], lang), width=KPI_WIDTH)
    st.metric(tr("coverage.kpi.overloaded_volunteers"), fmt_number(kpi["overloaded_volunteers"], lang),
              width=KPI_WIDTH)
    st.metric(tr("coverage.kpi.overloaded_teams"), fmt_number(kpi["overloaded_teams"], lang), width=KPI_WIDTH,
              help=ntr("coverage.kpi.teams_help", settings.team_standard_load))


# --- sections -------------------------------------------------------------------------------------------------

@st.fragment
def map_section() -> None:
    """Buildings by uncovered households, volunteers by load; a click lists that building's gaps."""
    cover = coverage.coverage(con, scope, settings, today)
    buildings = places.buildings(con, scope)
    if buildings.empty:
        st.info(tr("overview.no_buildings"))
        return
    per = coverage.by_building(cover)
    frame = buildings[["building_id", "name", "compound", "grid", "geojson"]].merge(per, on="building_id", how="left")
    for column in ("vulnerable", "uncovered", "not_contacted"):
        frame[column] = frame[column].fillna(0).astype(int)
    volunteers = coverage.volunteer_load(con, scope, settings, today)
    map_settings = basemaps.load_settings()
    basemap = st.selectbox(tr("overview.basemap"), list(maps.available_basemaps(map_settings)),
                           format_func=lambda b: tr(f"overview.basemap.{b}"), key=session.widget_key("cov_basemap"))
    tooltip = {"name": tr("col.building"), "compound": tr("col.compound"), "grid": tr("col.grid"),
               "vulnerable": tr("coverage.col.vulnerable"), "uncovered": tr("coverage.col.uncovered"),
               "not_contacted": tr("coverage.col.not_contacted")}
    labels = {"legend": tr("coverage.legend"), "none": tr("coverage.legend_none"),
              "volunteers": tr("coverage.volunteers"), "load": tr("coverage.col.load"),
              **{state: tr(f"coverage.load.{state}") for state in maps.LOAD_COLOURS}}
    fmap = maps.coverage_gap_map(frame, volunteers, tooltip, labels, basemap, map_settings)
    st.caption(tr("coverage.map_help"))
    clicked = st_folium(fmap, height=520, use_container_width=True, returned_objects=["last_active_drawing"],
                        key="coverage_map")
    building_id = maps.clicked_id(clicked)
    if building_id not in set(frame["building_id"]):
        return
    building = frame.set_index("building_id").loc[building_id]
    st.subheader(tr("coverage.building_gaps", building=building["name"], compound=building["compound"]))
    gaps = coverage.gap_list(con, scope, settings, today, session.revealed())
    gaps = gaps[gaps["building_id"] == building_id]
    if gaps.empty:
        st.success(tr("coverage.no_gaps_here"))
        return
    st.dataframe(shown_households(gaps), hide_index=True, width="stretch", column_config=household_labels())


def gaps_section() -> None:
    """Every household to act on, with why: the table a leader works down."""
    gaps = coverage.gap_list(con, scope, settings, today, session.revealed())
    if gaps.empty:
        st.success(tr("coverage.no_gaps"))
        return
    reasons = [r for r in (*coverage.GAPS, "not_contacted") if r in set(gaps["reason"])]
    counts = gaps["reason"].value_counts()
    chosen = st.multiselect(tr("coverage.gap_filter"), reasons, placeholder=tr("app.all"),
                            format_func=lambda r: f"{tr(f'coverage.gap.{r}')} ({counts[r]})",
                            key=session.widget_key("cov_gap_filter"))
    if chosen:
        gaps = gaps[gaps["reason"].isin(chosen)]
    st.caption(ntr("coverage.gap_help", settings.not_contacted_days, reach=int(settings.reach_m)))
    shown = shown_households(gaps)
    st.dataframe(shown, hide_index=True, width="stretch", height=420, column_config=household_labels())
    session.excel_button(shown, household_labels(), tr("coverage.gaps_file"), "cov_gaps_excel")
    reveal_picker(gaps, "cov_gaps")


def suggest_section() -> None:
    """Compute the exact best assignment, compare it with today's, and apply the rows the leader keeps."""
    if not manager:
        st.info(tr("coverage.managers_only"))
        return
    st.caption(tr("coverage.suggest_help", reach=int(settings.reach_m)))
    if st.button(tr("coverage.compute"), type="primary", key="cov_compute"):
        st.session_state["cov_suggestion"] = coverage.suggest(con, scope, settings, today)
    suggestion = st.session_state.get("cov_suggestion")
    if suggestion is None or suggestion.today != today:
        return
    with st.container(horizontal=True, gap="small"):
        st.metric(tr("coverage.covered_now"), f"{suggestion.covered_now}/{suggestion.vulnerable}", width=KPI_WIDTH)
        st.metric(tr("coverage.covered_after"), f"{suggestion.covered_after}/{suggestion.vulnerable}",
                  delta=suggestion.extra_covered, width=KPI_WIDTH)
        st.metric(tr("coverage.walking"), f"{suggestion.distance_m / 1000:.1f} km", width=KPI_WIDTH)
    st.caption(tr("coverage.solved_in", seconds=f"{suggestion.seconds:.2f}"))
    if suggestion.assignments.empty:
        st.info(tr("coverage.nothing_to_add"))
    else:
        names = coverage.volunteer_load(con, scope, settings, today).set_index("volunteer_id")["name"]
        where = coverage.household_labels(con, scope, suggestion.assignments["household_id"], today)
        rows = suggestion.assignments.merge(where, on="household_id")
        table = pd.DataFrame({
            "apply": True,
            "volunteer": rows["volunteer_id"].map(names),
            "household": [f"{c}{b} {tr('coverage.unit_room', unit=u, room=r)}"
                          for c, b, u, r in zip(rows["compound"], rows["building"], rows["unit_no"], rows["room"])],
            "distance_m": rows["distance_m"].round().astype(int),
            "replaces": [fmt_list((names.get(v, v) for v in suggestion.replaces.get(int(h), [])), lang)
                         for h in rows["household_id"]],
            "household_id": rows["household_id"],
        })
        edited = st.data_editor(
            table, hide_index=True, width="stretch", disabled=["volunteer", "household", "distance_m", "replaces"],
            column_order=["apply", "volunteer", "household", "distance_m", "replaces"], key="cov_editor",
            column_config={"apply": st.column_config.CheckboxColumn(tr("coverage.col.apply")),
                           "volunteer": tr("coverage.col.volunteer"), "household": tr("coverage.col.household"),
                           "distance_m": tr("coverage.col.distance"), "replaces": tr("coverage.col.replaces")})
        chosen = edited.loc[edited["apply"], "household_id"].tolist()
        if st.button(ntr("coverage.apply", len(chosen)), type="primary", disabled=not chosen, key="cov_apply"):
            try:
                written = coverage.apply(con, user, suggestion, chosen)
                del st.session_state["cov_suggestion"]
                st.success(ntr("coverage.applied", written))
            except CoverageError as error:
                fail(error)
    if not suggestion.uncovered.empty:
        st.markdown(f"**{ntr('coverage.left_uncovered', len(suggestion.uncovered))}**")
        where = coverage.household_labels(con, scope, suggestion.uncovered["household_id"], today)
        left = suggestion.uncovered.merge(where, on="household_id")
        st.dataframe(pd.DataFrame({
            "household": left["compound"] + left["building"] + " " +
            [tr("coverage.unit_room", unit=u, room=r) for u, r in zip(left["unit_no"], left["room"])],
            "why": left["reason"].map(lambda r: tr(f"coverage.why.{r}", reach=int(settings.reach_m))),
        }), hide_index=True, width="stretch",
            column_config={"household": tr("coverage.col.household"), "why": tr("coverage.col.why")})


def lists_section() -> None:
    """Per volunteer (with contacts to record) or per building leader (their building's vulnerable households)."""
    led = user.role == "volunteer" and user.volunteer_id in set(coverage.leaders(con, scope, today)["volunteer_id"])
    if user.role == "volunteer" and not led:
        volunteer_list_view()
        return
    kind = st.radio(tr("coverage.list_of"), ["volunteer", "leader"], horizontal=True,
                    format_func=lambda k: tr(f"coverage.list_of.{k}"), key=session.widget_key("cov_list_of"))
    if kind == "volunteer":
        volunteer_list_view()
    else:
        leader_list_view()


def leader_list_view() -> None:
    """A building leader's vulnerable households, who looks after each and when they were last contacted."""
    found = coverage.leaders(con, scope, today)
    if user.role == "volunteer":
        volunteer_id = user.volunteer_id
    elif found.empty:
        st.info(tr("coverage.no_leaders"))
        volunteer_id = None
    else:
        led_places: dict[int, list[str]] = {}
        for r in found.itertuples():
            place = r.building if pd.isna(r.unit_no) else tr("coverage.unit_of", building=r.building, unit=r.unit_no)
            led_places.setdefault(int(r.volunteer_id), []).append(f"{r.compound}{place}")
        name = dict(zip(found["volunteer_id"].astype(int), found["name"]))
        label = {v: f"{name[v]}（{'、'.join(where)}）" for v, where in led_places.items()}
        volunteer_id = st.selectbox(tr("coverage.leader"), list(label), format_func=label.__getitem__,
                                    key=session.widget_key("cov_leader"))
    if volunteer_id is not None:
        homes = coverage.leader_list(con, scope, settings, volunteer_id, today, session.revealed())
        if homes.empty:
            st.success(tr("coverage.no_vulnerable_led"))
        else:
            shown = shown_households(homes).assign(volunteer=homes["volunteer"].fillna(""))
            headers = {**household_labels(), "volunteer": tr("coverage.col.volunteer")}
            st.dataframe(shown, hide_index=True, width="stretch", column_config=headers)
            session.excel_button(shown, headers, tr("coverage.leader_file"), "cov_leader_excel")
            reveal_picker(homes, "cov_leader")
    if manager:
        designate_leader()


def designate_leader() -> None:
    """Name a volunteer leader of a building or one stairwell; whoever led it before steps down today."""
    with st.expander(tr("coverage.designate")):
        buildings = places.buildings(con, scope)
        names = dict(zip(buildings["building_id"], buildings["compound"] + buildings["name"]))
        volunteers = coverage.volunteer_load(con, scope, settings, today)
        volunteers = volunteers[volunteers["active"]]
        who = dict(zip(volunteers["volunteer_id"], volunteers["name"]))
        if not names or not who:
            st.info(tr("coverage.no_volunteers"))
            return
        left, middle, right = st.columns(3)
        building = left.selectbox(tr("col.building"), list(names), format_func=names.__getitem__,
                                  key=session.widget_key("cov_lead_building"))
        units = places.stairwells(con, scope, building)
        unit_names = {0: tr("coverage.whole_building"),
                      **{int(r.stairwell_id): tr("unit.name", n=r.unit_no) for r in units.itertuples()}}
        stairwell = middle.selectbox(tr("col.unit"), list(unit_names), format_func=unit_names.__getitem__,
                                     key=session.widget_key("cov_lead_unit"))
        volunteer = right.selectbox(tr("coverage.col.volunteer"), list(who), format_func=who.__getitem__,
                                    key=session.widget_key("cov_lead_volunteer"))
        if st.button(tr("coverage.designate_save"), key="cov_lead_save"):
            try:
                coverage.set_leader(con, user, int(volunteer), int(building), stairwell or None, today)
                st.success(tr("coverage.designated", name=who[volunteer],
                              place=f"{names[building]} {unit_names[stairwell]}"))
            except CoverageError as error:
                fail(error)


def volunteer_list_view() -> None:
    """One volunteer's households, each with a button that records a contact of the kind chosen above."""
    load = coverage.volunteer_load(con, scope, settings, today)
    if user.role == "volunteer":
        volunteer_id = user.volunteer_id
    else:
        load = load[load["active"]]
        if load.empty:
            st.info(tr("coverage.no_volunteers"))
            return
        label = {int(r.volunteer_id): tr("coverage.volunteer_option", name=r.name, assigned=r.assigned,
                                         capacity=r.capacity) for r in load.itertuples()}
        volunteer_id = st.selectbox(tr("coverage.col.volunteer"), list(label), format_func=label.__getitem__,
                                    key=session.widget_key("cov_volunteer"))
    homes = coverage.volunteer_list(con, scope, settings, volunteer_id, today, session.revealed())
    if homes.empty:
        st.info(tr("coverage.no_households"))
        return
    shown = shown_households(homes)
    session.excel_button(shown.drop(columns="gap", errors="ignore"), household_labels(), tr("coverage.list_file"),
                         "cov_list_excel")
    may_record = coverage.may_record(user)
    if may_record:
        kind = st.segmented_control(tr("coverage.contact_kind"), list(coverage.CONTACT_KINDS), default="call",
                                    format_func=lambda k: tr(f"coverage.kind.{k}"), key="cov_kind") or "call"
        st.caption(tr("coverage.record_help"))
    for row, text in zip(homes.itertuples(index=False), shown.itertuples(index=False)):
        with st.container(border=True, horizontal=True, vertical_alignment="center", gap="small"):
            overdue = ":orange[:material/warning:] " if pd.notna(row.not_contacted) and bool(row.not_contacted) else ""
            who = markdown_safe(f"{text.name} {text.phone}")
            st.markdown(f"**{text.building} {text.unit_room}** {who}  \n"
                        f"{text.needs or tr('coverage.no_needs')} · {overdue}{text.last_contact}", width="stretch")
            if may_record and st.button(tr("coverage.record", kind=tr(f"coverage.kind.{kind}")),
                                        key=f"cov_rec_{volunteer_id}_{row.household_id}", icon=":material/check:",
                                        width="content"):
                try:
                    coverage.record_contact(con, user, volunteer_id, int(row.household_id), kind, now)
                    st.toast(tr("coverage.recorded", kind=tr(f"coverage.kind.{kind}"),
                                household=f"{text.building} {text.unit_room}"))
                    st.rerun()
                except CoverageError as error:
                    fail(error)
    reveal_picker(homes, "cov_list")


def settings_section() -> None:
    """The rules' numbers, changed by the community without a code change."""
    if not manager:
        st.info(tr("coverage.managers_only"))
        return
    with st.form("cov_settings"):
        left, middle, right = st.columns(3)
        age = left.number_input(tr("coverage.setting.age"), 40, 100, settings.elderly_age)
        reach = middle.number_input(tr("coverage.setting.reach"), 50, 3000, int(settings.reach_m), step=50)
        days = right.number_input(tr("coverage.setting.days"), 1, 30, settings.not_contacted_days)
        team = left.number_input(tr("coverage.setting.team"), 1, 50, settings.team_standard_load)
        reasons = st.multiselect(tr("coverage.setting.reasons"), list(coverage.REASONS),
                                 default=list(settings.reasons), format_func=lambda r: tr(f"coverage.need.{r}"))
        if st.form_submit_button(tr("coverage.setting.save"), type="primary"):
            try:
                coverage.save_settings(con, user, CoverageSettings(int(age), tuple(reasons), float(reach), int(team),
                                                                   int(days)))
                st.session_state.pop("cov_suggestion", None)
                st.success(tr("coverage.setting.saved"))
                st.rerun()
            except CoverageError as error:
                fail(error)
    st.caption(tr("coverage.setting.note"))


# One section at a time (not st.tabs): a map drawn in a hidden tab gets no size and shows the whole world.
sections = {"lists": lists_section, "map": map_section, "gaps": gaps_section} if user.role == "volunteer" else \
    {"map": map_section, "gaps": gaps_section, "suggest": suggest_section, "lists": lists_section,
     "settings": settings_section}
if not manager:
    sections.pop("suggest", None)
    sections.pop("settings", None)
first = next(iter(sections))
chosen = st.segmented_control(tr("coverage.section"), list(sections), default=first, key="coverage_section",
                              format_func=lambda k: tr(f"coverage.tab.{k}"), label_visibility="collapsed")
sections[chosen or first]()
