"""Bring a real community in: register, staff and volunteer sheets, and building footprints.

Every file is read and checked first; the problems are listed by row and column; nothing is written until the
person confirms, and then all of it or nothing.
"""

import hashlib

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from geo.footprints import FootprintError, attribute_guess, clean_polygons, read_footprints, to_wgs84
from resilient.core import roles
from resilient.core.i18n import refusal
from resilient.imports import footprints as footprint_import
from resilient.imports import register as register_import
from resilient.imports.register import ImportProblemError
from resilient.places import places
from ui import session

lang = session.lang()
tr = session.translator(lang)
ntr = session.ntranslator(lang)
con = session.cursor()
user = session.current_user()
scope = session.viewer_scope()
if not roles.may_import(user):
    st.error(tr("app.not_allowed"))
    st.stop()

SHEET_TYPES = ["xlsx", "xlsm", "csv", "txt"]
FOOTPRINT_TYPES = ["geojson", "json", "zip", "gpkg", "kml", "osm", "pbf"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = {
    "register": (register_import.REGISTER_FIELDS, register_import.validate_register, register_import.commit_register),
    "staff": (register_import.STAFF_FIELDS, register_import.validate_staff, register_import.commit_staff),
    "volunteer": (register_import.VOLUNTEER_FIELDS, register_import.validate_volunteers,
                  register_import.commit_volunteers),
}
IGNORE = ""
# Problem values that hold a code, and the translation prefix that names it.
VALUE_WORDS = {"field": "field", "expected": "import.sex", "old": "import.role"}


def field_label(field: str) -> str:
    return tr(f"field.{field}")


def message(code: str, values: dict) -> str:
    """A problem in the reader's words, the field, sex or post it names too."""
    return refusal(code, values, lang, VALUE_WORDS)


def choose_community(key: str) -> int | None:
    """Leaders and grid workers import into their own community; a street administrator picks one."""
    communities = places.communities(con, scope)
    names = dict(zip(communities["community_id"], communities["name"]))
    if len(names) == 1:
        return int(next(iter(names)))
    return st.selectbox(tr("app.community"), list(names), format_func=names.__getitem__, key=session.widget_key(key))


def column_mapping(kind: str, columns: list[str]) -> dict[str, str]:
    """Known headers matched by their usual names; the person maps any other column, or ignores it."""
    fields = KINDS[kind][0]
    mapping, unknown = register_import.match_headers(columns, fields)
    if unknown:
        st.warning(ntr("import.unknown_columns", len(unknown)))
        overrides = {}
        left, right = st.columns(2)
        for i, column in enumerate(unknown):
            target = (left if i % 2 == 0 else right).selectbox(
                tr("import.map_column", column=column), [IGNORE, *fields],
                format_func=lambda f: tr("import.ignore") if f == IGNORE else field_label(f),
                key=session.widget_key(f"map_{kind}_{column}"))
            overrides[column] = target or None
        mapping, _ = register_import.match_headers(columns, fields, overrides)
    with st.expander(tr("import.mapping_shown")):
        st.dataframe(pd.DataFrame({tr("import.column"): list(mapping),
                                   tr("import.field"): [field_label(f) for f in mapping.values()]}),
                     hide_index=True, width="stretch")
    return mapping


def show_problems(problems) -> None:
    st.error(ntr("import.problems", len(problems)))
    frame = pd.DataFrame({
        tr("import.row"): [p.row for p in problems],
        tr("import.column"): [p.column for p in problems],
        tr("import.problem"): [message(p.code, p.values) for p in problems],
    })
    st.dataframe(frame, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(frame)))
    session.excel_button(frame, {c: c for c in frame.columns}, tr("import.problem"), "excel_problems")


def sheet_import(kind: str) -> None:
    """One spreadsheet kind end to end: template, upload, mapping, check, confirm."""
    fields, validate, commit = KINDS[kind]
    st.download_button(tr("import.template"), register_import.template_bytes(kind), mime=XLSX,
                       file_name=f"{tr(f'import.kind.{kind}')}_{tr('import.template_suffix')}.xlsx",
                       key=f"template_{kind}")
    upload = st.file_uploader(tr("import.file"), type=SHEET_TYPES, key=f"upload_{kind}")
    if upload is None:
        return
    data = upload.getvalue()
    try:
        sheets = register_import.sheet_names(data) if data[:2] == b"PK" else []
        sheet = st.selectbox(tr("import.sheet"), sheets, key=f"sheet_{kind}") if len(sheets) > 1 else None
        frame = register_import.read_table(data, upload.name, sheet)
    except ImportProblemError as error:
        st.error(message(error.code, error.values))
        return
    st.caption(ntr("import.read", len(frame), file=upload.name, columns=len(frame.columns)))
    mapping = column_mapping(kind, list(frame.columns))
    community_id = choose_community(f"community_{kind}")
    options = {}
    if kind == "register":
        options["census"] = st.checkbox(tr("import.census"), key=f"census_{kind}", help=tr("import.census_help"))
    try:
        with st.spinner(tr("import.checking")):
            preview = validate(con, frame, mapping, community_id=community_id, scope=scope, **options)
    except ImportProblemError as error:
        st.error(message(error.code, error.values))
        return
    if not preview.ok:
        show_problems(preview.problems)
        return
    st.success(ntr("import.ready", len(preview.rows)))
    st.dataframe(pd.DataFrame({tr("import.what"): [tr(f"import.count.{k}") for k in preview.counts],
                               tr("import.how_many"): list(preview.counts.values())}), hide_index=True)
    token = hashlib.sha256(data).hexdigest()[:16]
    if st.button(tr("import.commit"), type="primary", key=f"commit_{kind}_{token}"):
        bar = st.progress(0.0, text=tr("import.writing"))
        try:
            counts = commit(con, user, preview, source_name=upload.name,
                            progress=lambda f: bar.progress(min(1.0, f), text=tr("import.writing")))
        except ImportProblemError as error:
            st.error(message(error.code, error.values))
            return
        bar.empty()
        st.success(tr("import.done", created=counts.get("created", 0), updated=counts.get("updated", 0),
                      unchanged=counts.get("unchanged", 0)))


def outline_import() -> None:
    """A GIS file's building outlines: read, convert, clean, match to the register, preview on the map, write."""
    upload = st.file_uploader(tr("import.footprint_file"), type=FOOTPRINT_TYPES, key="upload_footprints")
    if upload is None:
        st.caption(tr("import.footprint_help"))
        return
    data = upload.getvalue()
    try:
        footprints = read_footprints(data, upload.name)
        if len(footprints.layers) > 1:
            layer = st.selectbox(tr("import.layer"), footprints.layers, key="footprint_layer")
            if layer != footprints.layer:
                footprints = read_footprints(data, upload.name, layer)
        declared = st.radio(tr("import.declared"), ["file", "gcj02", "bd09"], horizontal=True,
                            format_func=lambda d: tr(f"footprint.declared.{d}"),
                            key=session.widget_key("footprint_declared"))
        wgs84 = to_wgs84(footprints.gdf, declared)
    except FootprintError as error:
        st.error(message(error.code, error.values))
        return
    clean, report = clean_polygons(wgs84)
    st.caption(ntr("import.footprints_read", len(footprints.gdf), file=upload.name, clean=len(clean),
                   crs=footprints.crs.to_string() if footprints.crs else "?"))
    name_guess, floors_guess = attribute_guess(clean)
    columns = [c for c in clean.columns if c != clean.geometry.name]
    none = [None]
    left, right = st.columns(2)
    name_column = left.selectbox(tr("import.name_column"), none + columns,
                                 index=(none + columns).index(name_guess) if name_guess in columns else 0,
                                 format_func=lambda c: tr("import.none") if c is None else c, key="fp_name")
    floors_column = right.selectbox(tr("import.floors_column"), none + columns,
                                    index=(none + columns).index(floors_guess) if floors_guess in columns else 0,
                                    format_func=lambda c: tr("import.none") if c is None else c, key="fp_floors")
    community_id = choose_community("community_footprints")
    compounds = places.compounds(con, scope)
    compounds = compounds[compounds["community_id"] == community_id]
    compound_names = dict(zip(compounds["compound_id"], compounds["name"]))
    compound_id = st.selectbox(tr("import.compound"), [None, *compound_names],
                               format_func=lambda c: tr("import.any_compound") if c is None else compound_names[c],
                               key=session.widget_key("fp_compound"))
    try:
        matching = footprint_import.match_to_register(con, scope, community_id, clean, name_column, floors_column,
                                                      compound_id=compound_id)
    except FootprintError as error:
        st.error(message(error.code, error.values))
        return
    st.markdown(tr("import.matching", matched=len(matching.matched), unmatched=len(matching.unmatched_footprints),
                   buildings=len(matching.unmatched_buildings)))
    labels = {"title": tr("import.preview_legend"), "matched": tr("import.matched"),
              "unmatched": tr("import.unmatched"), "label": tr("import.footprint_name"),
              "building": tr("col.building")}
    st_folium(maps.footprint_preview_map(matching.matched, matching.unmatched_footprints, labels),
              height=460, use_container_width=True, returned_objects=[], key="footprint_preview")
    if not report.empty or not matching.report.empty:
        with st.expander(ntr("import.footprint_report", len(report) + len(matching.report))):
            both = pd.concat([report, matching.report], ignore_index=True)
            st.dataframe(pd.DataFrame({
                tr("import.feature"): both["feature"],
                tr("import.problem"): [tr(f"footprint.reason.{r}") for r in both["reason"]],
                tr("import.action"): [tr(f"footprint.action.{a}") for a in both["action"]],
                tr("import.detail"): both.get("detail", ""),
            }), hide_index=True, width="stretch")
    if not matching.unmatched_buildings.empty:
        with st.expander(tr("import.buildings_without", n=len(matching.unmatched_buildings))):
            st.dataframe(matching.unmatched_buildings[["compound_name", "name", "has_geom"]], hide_index=True,
                         column_config={"compound_name": tr("col.compound"), "name": tr("col.building"),
                                        "has_geom": tr("import.has_outline")})
    create_in = None
    if not matching.unmatched_footprints.empty and user.role in footprint_import.CREATE_ROLES and compound_names:
        if st.checkbox(ntr("import.create_unmatched", len(matching.unmatched_footprints)), key="fp_create"):
            create_in = st.selectbox(tr("import.create_in"), list(compound_names),
                                     format_func=compound_names.__getitem__,
                                     key=session.widget_key("fp_create_in"))
    token = hashlib.sha256(data).hexdigest()[:16]
    if st.button(tr("import.commit_footprints"), type="primary", key=f"commit_fp_{token}",
                 disabled=matching.matched.empty and create_in is None):
        try:
            counts = footprint_import.commit_footprints(con, user, matching, create_in_compound=create_in,
                                                        source_name=upload.name)
        except FootprintError as error:
            st.error(message(error.code, error.values))
            return
        st.success(tr("import.footprints_done", set=counts.get("footprints_set", 0),
                      created=counts.get("buildings_created", 0)))


st.title(tr("import.title"))
st.caption(tr("import.intro"))
tabs = st.tabs([tr("import.kind.register"), tr("import.kind.staff"), tr("import.kind.volunteer"),
                tr("import.kind.footprints")])
for tab, kind in zip(tabs[:3], KINDS):
    with tab:
        sheet_import(kind)
with tabs[3]:
    outline_import()
