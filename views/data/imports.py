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
from resilient.core.scope import Scope
from resilient.imports import footprints as footprint_import
from resilient.imports import register as register_import
from resilient.imports.register import ImportProblemError
from resilient.places import places
from ui import kit

page = kit.page()
tr, con, user = page.tr, page.con, page.user
ntr = page.ntr
scope = page.viewer_scope  # an import reaches the whole community, whatever grid cell the sidebar shows
if not roles.may(user, "import"):
    st.error(tr("app.not_allowed"))
    st.stop()

SHEET_TYPES = ["xlsx", "xlsm", "csv", "txt"]
FOOTPRINT_TYPES = ["geojson", "json", "zip", "gpkg", "kml", "osm", "pbf"]
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


def choose_community(key: str) -> int | None:
    """Leaders and grid workers import into their own community; a street administrator picks one."""
    return kit.pick_community(page, key, scope)


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
                key=kit.widget_key(f"map_{kind}_{column}"))
            overrides[column] = target or None
        mapping, _ = register_import.match_headers(columns, fields, overrides)
    with st.expander(tr("import.mapping_shown")):
        st.dataframe(pd.DataFrame({tr("import.column"): list(mapping),
                                   tr("import.field"): [field_label(f) for f in mapping.values()]}),
                     hide_index=True, width="stretch")
    return mapping


def show_problems(problems) -> None:
    st.error(ntr("import.problems", len(problems)))
    kit.problems(problems, VALUE_WORDS, excel=tr("import.problem"), key="excel_problems")


def sheet_import(kind: str) -> None:
    """One spreadsheet kind end to end: template, upload, mapping, check, confirm."""
    fields, validate, commit = KINDS[kind]
    st.download_button(tr("import.template"), register_import.template_bytes(kind), mime=kit.XLSX,
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
        kit.fail(error)
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
        kit.fail(error)
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
            kit.fail(error)
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
    try:
        footprints, wgs84 = read_outlines(upload)
    except FootprintError as error:
        kit.fail(error)
        return
    clean, report = clean_polygons(wgs84)
    st.caption(ntr("import.footprints_read", len(footprints.gdf), file=upload.name, clean=len(clean),
                  crs=footprints.crs.to_string() if footprints.crs else "?"))
    name_column, floors_column = outline_columns(clean)
    community_id = choose_community("community_footprints")
    compounds = places.compounds(con, scope.narrow(Scope(() if community_id is None else (int(community_id),))))
    compound_names = dict(zip(compounds["compound_id"], compounds["name"]))
    compound_id = st.selectbox(tr("import.compound"), [None, *compound_names],
                               format_func=lambda c: tr("import.any_compound") if c is None else compound_names[c],
                               key=kit.widget_key("fp_compound"))
    try:
        matching = footprint_import.match_to_register(con, scope, community_id, clean, name_column, floors_column,
                                                      compound_id=compound_id)
    except FootprintError as error:
        kit.fail(error)
        return
    outline_preview(matching, report)
    outline_commit(upload, matching, compound_names)


def read_outlines(upload):
    """The file's layer (the one chosen, when it has several) and its shapes in WGS-84, from the coordinates
    the person says it was drawn in."""
    data = upload.getvalue()
    footprints = read_footprints(data, upload.name)
    if len(footprints.layers) > 1:
        layer = st.selectbox(tr("import.layer"), footprints.layers, key="footprint_layer")
        if layer != footprints.layer:
            footprints = read_footprints(data, upload.name, layer)
    declared = st.radio(tr("import.declared"), ["file", "gcj02", "bd09"], horizontal=True,
                        format_func=lambda d: tr(f"footprint.declared.{d}"), key=kit.widget_key("footprint_declared"))
    return footprints, to_wgs84(footprints.gdf, declared)


def outline_columns(clean) -> tuple[str | None, str | None]:
    """The attributes holding each building's name and floors: guessed from the file, changed by the person."""
    name_guess, floors_guess = attribute_guess(clean)
    columns = [c for c in clean.columns if c != clean.geometry.name]
    options = [None, *columns]

    def shown(column):
        return tr("import.none") if column is None else column

    left, right = st.columns(2)
    name_column = left.selectbox(tr("import.name_column"), options, format_func=shown, key="fp_name",
                                 index=options.index(name_guess) if name_guess in columns else 0)
    floors_column = right.selectbox(tr("import.floors_column"), options, format_func=shown, key="fp_floors",
                                    index=options.index(floors_guess) if floors_guess in columns else 0)
    return name_column, floors_column


def outline_preview(matching, report) -> None:
    """Matched and unmatched outlines on the map, then what was cleaned or left out and why."""
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


def outline_commit(upload, matching, compound_names: dict) -> None:
    """Write the matched outlines, and new buildings for the unmatched ones when the role may create them."""
    create_in = None
    if not matching.unmatched_footprints.empty and roles.may(user, "create_buildings") and compound_names:
        if st.checkbox(ntr("import.create_unmatched", len(matching.unmatched_footprints)), key="fp_create"):
            create_in = kit.choose(tr("import.create_in"), compound_names, "fp_create_in")
    token = hashlib.sha256(upload.getvalue()).hexdigest()[:16]
    if st.button(tr("import.commit_footprints"), type="primary", key=f"commit_fp_{token}",
                 disabled=matching.matched.empty and create_in is None):
        try:
            counts = footprint_import.commit_footprints(con, user, matching, create_in_compound=create_in,
                                                        source_name=upload.name)
        except FootprintError as error:
            kit.fail(error)
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
