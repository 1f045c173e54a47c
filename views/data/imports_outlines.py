"""The import page's outline tab (not a page): a GIS file's buildings read, placed where they are, previewed and
written. Matching refuses anything far from the community; the office picks its compounds and settles contested
footprints before writing."""

import hashlib

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import maps
from geo.footprints import FootprintError, attribute_guess, clean_polygons, in_compounds, to_wgs84
from resilient.core import roles
from resilient.core.scope import Scope
from resilient.imports import footprints as footprint_import
from resilient.places import places, setup
from ui import kit

FOOTPRINT_TYPES = ["geojson", "json", "zip", "gpkg", "kml", "osm", "pbf"]


def outline_import(page: kit.Page, community_id: int | None) -> None:
    """Upload → read and clean → the office's compounds → match near the community → settle → preview → write."""
    tr = page.tr
    upload = kit.file_uploader(tr("import.footprint_file"), FOOTPRINT_TYPES, "upload_footprints")
    if upload is None:
        st.caption(tr("import.footprint_help"))
        return
    if community_id is None:
        st.info(tr("setup.no_community_yet"))
        return
    try:
        footprints, wgs84 = read_outlines(page, upload)
    except FootprintError as error:
        kit.fail(error)
        return
    footprints = chosen_compounds(page, footprints)
    wgs84 = wgs84.loc[footprints.gdf.index]
    clean, report = clean_polygons(wgs84)
    st.caption(page.ntr("import.footprints_read", len(footprints.gdf), file=upload.name, clean=len(clean),
                        crs=footprints.crs.to_string() if footprints.crs else "?"))
    name_column, floors_column = outline_columns(page, clean)
    compounds = places.compounds(page.con, page.viewer_scope.narrow(Scope((int(community_id),))))
    compound_names = dict(zip(compounds["compound_id"].astype(int), compounds["name"]))
    compound_id = st.selectbox(tr("import.compound"), [None, *compound_names], placeholder=tr("import.any_compound"),
                               format_func=lambda c: tr("import.any_compound") if c is None else compound_names[c],
                               key=kit.widget_key("fp_compound"))
    try:
        matching = footprint_import.match_to_register(page.con, page.viewer_scope, community_id, clean, name_column,
                                                      floors_column, compound_id=compound_id,
                                                      compound_column=footprints.compound_column)
    except FootprintError as error:
        kit.fail(error)
        return
    token = hashlib.sha256(upload.getvalue()).hexdigest()[:16]
    whole, matching = matching, boxed(page, matching, token)
    matching = settled(page, matching, token)
    outline_preview(page, matching, report, whole, token)
    # New buildings may go into any compound of the community, also one just made on the set-up page and still
    # empty (places.compounds lists only compounds holding a building).
    every = setup.compounds(page.con, page.viewer_scope, int(community_id))
    outline_commit(page, upload, matching, dict(zip(every["compound_id"].astype(int), every["name"])))


def read_outlines(page: kit.Page, upload):
    """The file's layer (the one chosen, when it has several) and its shapes in WGS-84, from the coordinates
    the person says it was drawn in."""
    data = upload.getvalue()
    footprints = footprint_import.read_outline_file(data, upload.name)
    if len(footprints.layers) > 1:
        layer = st.selectbox(page.tr("import.layer"), footprints.layers, key="footprint_layer")
        if layer != footprints.layer:
            footprints = footprint_import.read_outline_file(data, upload.name, layer)
    declared = st.radio(page.tr("import.declared"), ["file", "gcj02", "bd09"], horizontal=True,
                        format_func=lambda d: page.tr(f"footprint.declared.{d}"),
                        key=kit.widget_key("footprint_declared"))
    return footprints, to_wgs84(footprints.gdf, declared)


def chosen_compounds(page: kit.Page, footprints):
    """A file naming several compounds (a 小区 column, or OSM's named residential areas): the office keeps its own."""
    if not footprints.compounds:
        return footprints
    labels = {name: f"{name}（{n}）" for name, n in footprints.compounds.items()}
    kept = st.multiselect(page.tr("import.file_compounds"), list(labels), default=list(labels),
                          placeholder=page.tr("app.none_chosen"),
                          format_func=labels.__getitem__, key="fp_file_compounds")
    return footprints if len(kept) == len(labels) else in_compounds(footprints, kept)


def outline_columns(page: kit.Page, clean) -> tuple[str | None, str | None]:
    """The attributes holding each building's name and floors: guessed from the file, changed by the person."""
    name_guess, floors_guess = attribute_guess(clean)
    columns = [c for c in clean.columns if c != clean.geometry.name]
    options = [None, *columns]

    def shown(column):
        return page.tr("import.none") if column is None else column

    left, right = st.columns(2)
    name_column = left.selectbox(page.tr("import.name_column"), options, format_func=shown, key="fp_name",
                                 placeholder=page.tr("import.none"),
                                 index=options.index(name_guess) if name_guess in columns else 0)
    floors_column = right.selectbox(page.tr("import.floors_column"), options, format_func=shown, key="fp_floors",
                                    placeholder=page.tr("import.none"),
                                    index=options.index(floors_guess) if floors_guess in columns else 0)
    return name_column, floors_column


def boxed(page: kit.Page, matching, token: str):
    """Only the footprints inside the box drawn on the preview (kept per file until cleared), matched afresh."""
    box = st.session_state.get(f"fp_box_{token}")
    if box is None:
        return matching
    return footprint_import.narrow(page.con, page.viewer_scope, matching, box=box)


def settled(page: kit.Page, matching, token: str):
    """Footprints that could be two buildings, or that two claim: the person picks, or leaves them out."""
    choices = footprint_import.choices(matching)
    if choices.empty:
        return matching
    with st.expander(page.ntr("import.to_settle", len(choices)), expanded=True):
        for row in choices.itertuples():
            options = {None: page.tr("footprint.choose_none"), **dict(zip(row.building_ids, row.buildings))}
            picked = kit.choose(page.tr("footprint.choose", feature=row.feature, label=row.label or "—"), options,
                                f"fp_settle_{token}_{row.feature}")
            if picked is None:
                continue
            try:
                matching = footprint_import.resolve(matching, int(row.feature), int(picked))
            except FootprintError as error:
                kit.fail(error)
    return matching


def outline_preview(page: kit.Page, matching, report, whole, token: str) -> None:
    """What the file holds against the register, on the map and as sentences, before anything is written."""
    tr = page.tr
    for code, values in matching.notices:
        st.warning(kit.text(code, values))
    st.markdown(tr("footprint.summary", **footprint_import.summary(matching)))
    preview_map(page, matching, whole, token)
    if not matching.matched.empty:
        with st.expander(page.ntr("import.matched_list", len(matching.matched))):
            shown = matching.matched[["label", "compound_name", "building_name", "distance_m"]].round({"distance_m": 0})
            kit.table(shown, {"label": tr("import.footprint_name"), "compound_name": tr("col.compound"),
                              "building_name": tr("col.building"), "distance_m": tr("import.distance_m")})
    rows = footprint_import.report_rows(pd.concat([report, matching.report], ignore_index=True), page.lang)
    if not rows.empty:
        with st.expander(page.ntr("import.footprint_report", len(rows))):
            kit.table(rows, {"feature": tr("import.feature"), "problem": tr("import.problem"),
                              "action": tr("import.action"), "detail": tr("import.detail")})
    for kind in ("without_outline", "with_outline"):
        frame = getattr(matching, f"not_in_file_{kind}")
        if not frame.empty:
            with st.expander(tr(f"footprint.not_in_file_{kind}", n=len(frame))):
                kit.table(frame[["compound_name", "name"]], {"compound_name": tr("col.compound"),
                                                             "name": tr("col.building")})


def preview_map(page: kit.Page, matching, whole, token: str) -> None:
    """The preview, with a rectangle tool: the box drawn keeps the footprints inside it (the rest greyed)."""
    tr = page.tr
    box_key, version_key = f"fp_box_{token}", f"fp_box_version_{token}"
    box = st.session_state.get(box_key)
    labels = {"title": tr("import.preview_legend"), "matched": tr("import.matched"),
              "unmatched": tr("import.unmatched"), "label": tr("import.footprint_name"),
              "building": tr("col.building"), "left_out": tr("import.box_left_out")}
    st.caption(tr("import.box_how"))
    fmap = maps.footprint_preview_map(matching.matched, matching.unmatched_footprints, labels,
                                      left_out=footprint_import.left_out(whole, matching) if box else None,
                                      box=box, tools=True)
    drawn = st_folium(fmap, height=460, use_container_width=True, returned_objects=["all_drawings"],
                      key=f"footprint_preview_{kit.version(version_key)}")
    new_box = maps.drawn_box(drawn)
    if new_box is not None and new_box != box:  # a map redrawn after narrowing forgets its drawing: keep the box
        st.session_state[box_key] = new_box
        st.rerun()
    if box is not None:
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.caption(page.ntr("import.box_kept", len(matching.source), total=len(whole.source)))
        if right.button(tr("import.box_clear"), key=f"fp_box_clear_{token}"):
            st.session_state.pop(box_key, None)
            st.session_state[version_key] = kit.version(version_key) + 1  # a new map, without the old drawing
            st.rerun()


def outline_commit(page: kit.Page, upload, matching, compound_names: dict) -> None:
    """Write the matched outlines, and new buildings for the unmatched ones when the role may create them: in the
    compounds the file names (made when the community lacks them), the rest in one compound chosen here."""
    tr, user = page.tr, page.user
    create_in, by_file = None, False
    unmatched = matching.unmatched_footprints
    if not unmatched.empty and roles.may(user, "create_buildings"):
        if st.checkbox(page.ntr("import.create_unmatched", len(unmatched)), key="fp_create"):
            named = unmatched["file_compound"].notna()
            if named.any():
                by_file = True
                st.caption(tr("import.create_by_file", new=kit.join(matching.new_compounds) or "—"))
            if (~named).any():
                if compound_names:
                    create_in = kit.choose(tr("import.create_in"), compound_names, "fp_create_in")
                else:
                    st.info(tr("setup.next.compounds"))
    token = hashlib.sha256(upload.getvalue()).hexdigest()[:16]
    if st.button(tr("import.commit_footprints"), type="primary", key=f"commit_fp_{token}",
                 disabled=matching.matched.empty and create_in is None and not by_file):
        try:
            counts = footprint_import.commit_footprints(page.con, user, matching, create_in_compound=create_in,
                                                        source_name=upload.name, create_in_file_compounds=by_file)
        except FootprintError as error:
            kit.fail(error)
            return
        st.success(tr("import.footprints_done", set=counts.get("footprints_set", 0),
                      created=counts.get("buildings_created", 0)))
