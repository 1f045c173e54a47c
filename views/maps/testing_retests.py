"""The testing page's re-test list (not a page; part of the results section): the people of positive tubes,
their flats and measures, single re-test results, and what a negative one released."""


import streamlit as st

from resilient.testing import retests
from resilient.testing.rounds import TestingError
from ui import figures, kit
from views.maps.testing_plan import fail


def retest_section(page: kit.Page, round_id: int) -> None:
    tr, ntr, con, user, scope, today = page.tr, page.ntr, page.con, page.user, page.scope, page.today
    st.subheader(tr("testing.retest_list"))
    kit.flashed()   # what the last re-test result did, shown above the list it changed
    listed = retests.retest_list(con, scope, round_id, today)
    if listed.empty:
        st.caption(tr("testing.no_retests"))
        return
    counts = retests.retest_counts(listed)
    figures.show(page, ("testing.retest_people", counts["people"]), ("testing.retest_waiting", counts["waiting"]),
                 ("testing.negative", counts["negative"]), ("testing.positive", counts["positive"]))
    if counts["positive"]:
        st.error(ntr("testing.retest_cases", counts["positive"]))
    shown = listed.assign(
        measure=[tr(f"category.{m}") if isinstance(m, str) else "" for m in listed["measure"]],
        result=[tr(f"testing.{r}") if isinstance(r, str) else "" for r in listed["result"]],
        flagged=[tr("testing.case") if f else "" for f in listed["flagged"]])
    headers = kit.headers("compound", "building", "unit_no", "room", "name", "phone",
                          household_people=tr("testing.household_people"), tube_code=tr("testing.tube_code"),
                          measure=tr("testing.measure_now"), held_by_tube=tr("testing.held_by_tube"),
                          result=tr("testing.retest_result"), flagged=tr("testing.flag"))
    kit.table(shown[list(headers)], headers, f"{tr('testing.retest_list')}-{round_id}", "retest_excel")
    labels = dict(zip(listed["resident_id"].astype(int),
                      [f"{where}  {name}" for where, name in zip(kit.flats(listed), listed["name"])]))
    with st.form("retest"):
        left, right = st.columns([2, 1])
        person = kit.choose(tr("testing.retest_person"), labels, "retest_person", where=left, per_language=False)
        result = right.radio(tr("testing.retest_result"), ["negative", "positive"], horizontal=True,
                             format_func=lambda r: tr(f"testing.{r}"), key="retest_result")
        if st.form_submit_button(tr("testing.save_retest")):
            try:
                outcome = retests.record_retest(con, user, round_id, int(person), result, today)
            except TestingError as error:
                fail(page, error)
                return
            if outcome["flagged"]:
                kit.flash(tr("testing.retest_flagged"), "error", toast=True)
            if outcome["waiting"]:  # not "released 0 people": the flat waits for the others' re-tests
                kit.flash(ntr("testing.retest_flat_waits", outcome["waiting"]), toast=True)
            kit.flash(ntr("testing.retest_released", outcome["released"]), toast=True)
