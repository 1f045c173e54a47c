"""The daily report (日报) for any date: each figure with the day before's, to Excel or to a printable page."""

import pandas as pd
import streamlit as st

from resilient.core.i18n import fmt_date, fmt_number
from resilient.daily import report as daily_report
from resilient.places import places
from ui import kit, session

page = kit.page()
tr, con, user, lang = page.tr, page.con, page.user, page.lang
ntr = page.ntr
scope, today, now = page.scope, page.today, page.now

st.title(tr("report.page_title"))
day = st.date_input(tr("report.day"), value=today, max_value=today, key="report_day")
frame = daily_report.report(con, scope, day, now)
names = places.communities(con, scope)["name"].tolist()
place = kit.join(names) if len(names) <= 3 else ntr("report.communities", len(names))
st.caption(tr("report.as_of", place=place, when=fmt_date(daily_report.as_of(day, now), lang, with_time=True)))

shown = daily_report.labelled(frame, lang)
headers = daily_report.headers(lang)
left, right = st.columns(2)
with left:
    kit.excel_button(shown, headers, tr("report.file", day=day.isoformat()), "report_excel")
database = session.database()
right.download_button(
    tr("report.printable"), key="report_html", mime="text/html", icon=":material/print:",
    file_name=f"{tr('report.file', day=day.isoformat())}.html",
    data=lambda: daily_report.audited_html(database.cursor(), user, frame, day, lang, place, now),
    help=tr("report.printable_help"))


def change_text(value: int) -> str:
    return f"+{fmt_number(value, lang)}" if value > 0 else fmt_number(value, lang)


for section in [s for s in daily_report.SECTIONS if s in set(frame["section"])]:
    rows = frame[frame["section"] == section]
    st.subheader(tr(f"report.section.{section}"))
    if section == "measures":
        st.caption(tr("report.grid_help"))
        kit.table(daily_report.measure_grid(frame, lang), {})
        st.caption("  \n".join(f"{tr(f'report.metric.{m}')}：{daily_report.definition(m, lang, con)}"
                                for m in daily_report.MEASURE_METRICS))
        continue
    table = pd.DataFrame({
        "item": [daily_report.item_label(i, lang) for i in rows["item"]],
        "value": rows["value"].to_numpy(), "previous": rows["previous"].to_numpy(),
        "change": [change_text(int(c)) for c in rows["change"]],
        "definition": [daily_report.definition(i, lang, con) for i in rows["item"]],
    })
    kit.table(table, {**{c: headers[c] for c in ("item", "value", "previous", "change")},
                      "definition": tr("report.column.definition")})
