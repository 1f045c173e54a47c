"""The daily report (日报) to the street office, for any date: figures with the change since the day before.

Every figure is read through the functions the pages use (measures counted as overview_kpis counts them, check
statuses from checks.slots, arrivals, teams, testing progress, coverage.kpis), so the report and the pages
cannot disagree. A day's figures are read as the records stood at its end (report_measures), so yesterday's
column is what yesterday's report said. Out come a tidy table, an Excel workbook and a print-ready HTML page.
"""

import html
import math
from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from resilient.core import config, queries
from resilient.core.i18n import CATEGORIES, fmt_date, fmt_number, t
from resilient.core.scope import Scope
from resilient.coverage import volunteers as coverage
from resilient.daily import arrivals, checks, teams
from resilient.daily import figures as registry
from resilient.daily.rules import DailySettings, load_settings
from resilient.testing import rounds as testing

COLUMNS = ["section", "item", "value", "previous", "change"]
SECTIONS = ("measures", "arrivals", "checks", "teams", "testing", "coverage", "supplies", "support", "gates",
            "codes", "cases", "firms", "disinfection")
MEASURE_METRICS = ("new", "released", "transferred", "active", "due")
COVERAGE_METRICS = ("vulnerable_households", "covered_households", "not_contacted", "overloaded_volunteers")


def as_of(day: date, now: datetime) -> datetime:
    """The moment a day's figures are read at: its last second, or now while the day is still running."""
    return min(now, datetime.combine(day + timedelta(days=1), time()) - timedelta(seconds=1))


def figures(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime,
            settings: DailySettings | None = None) -> list[tuple[str, str, float]]:
    """(section, item, value) for one day; sections without data that day (testing, coverage) are left out."""
    settings = settings or load_settings(con)
    at = as_of(day, now)
    rows: list[tuple[str, str, float]] = []
    registered = None if at == now else at   # the running day counts every record, as the pages do
    found = queries.fetch_df(con, "report_measures", **scope.params(), day=day, at=at,
                             registered=registered).set_index("category")
    for metric in MEASURE_METRICS:
        per = {c: int(found.loc[c, metric]) if c in found.index else 0 for c in CATEGORIES}
        rows.append(("measures", f"{metric}:all", sum(per.values())))
        rows += [("measures", f"{metric}:{c}", n) for c, n in per.items()]
    by_origin = arrivals.counts_by_origin(con, scope, day)
    rows.append(("arrivals", "arrivals:all", sum(by_origin.values())))
    rows += [("arrivals", f"arrivals:{o}", n) for o, n in by_origin.items()]
    slots = checks.slots(con, scope, day, day, at, settings)
    status = slots["status"].value_counts()
    alerts = queries.fetch_df(con, "report_alerts", **scope.params(), day=day, at=at).iloc[0]
    rows += [("checks", "required", int(len(slots) - status.get("not_required", 0))),
             ("checks", "done", int(status.get("done", 0))), ("checks", "late", int(status.get("late", 0))),
             ("checks", "missed", int(status.get("missed", 0))),
             ("checks", "alerts_raised", int(alerts["raised"])), ("checks", "alerts_open", int(alerts["open"]))]
    load = teams.team_load(con, scope, day)
    rows += [("teams", "teams", len(load)), ("teams", "overloaded_teams", int(load["overloaded"].sum())),
             ("teams", "unassigned_households", len(teams.unassigned(con, scope, day)))]
    rounds = testing.rounds(con, scope)
    todays = rounds[pd.to_datetime(rounds["round_date"]).dt.date == day] if not rounds.empty else rounds
    if not todays.empty:
        planned = sampled = 0
        for round_id in todays["round_id"]:
            progress = testing.progress_by_stairwell(con, scope, int(round_id), day)
            planned += int(progress["expected"].sum())
            sampled += int(progress["sampled"].sum())
        rows += [("testing", "rounds", len(todays)), ("testing", "planned", planned),
                 ("testing", "sampled", sampled)]
    cover = coverage.kpis(con, scope, coverage.load_settings(con), day)
    if cover["vulnerable_households"]:
        rows += [("coverage", k, int(cover[k])) for k in COVERAGE_METRICS]
    return rows + outside_figures(con, scope, day, at)


def outside_figures(con: duckdb.DuckDBPyConnection, scope: Scope, day: date,
                    at: datetime) -> list[tuple[str, str, float]]:
    """Life in sealed buildings and the compound's edge (issues 16, 17), each from the kpis() its page shows;
    a section whose figures are all zero that day is left out, as coverage is."""
    from resilient.coverage import support
    from resilient.edge import cases, disinfection, firms, health_codes, passes
    from resilient.supplies import pickup, requests, store

    asked = requests.kpis(con, scope, day, at)
    kept = store.kpis(con, scope, day)
    supplies = {"requests_new": asked["new"], "requests_delivered": asked["delivered"],
                "requests_failed": asked["failed"], "requests_overdue": asked["overdue"],
                "store_below": kept["below"],
                # whole days, rounded down: 3.5 days of alcohol is 3 days to plan on
                "store_lowest_days": 0 if kept["lowest_days"] is None else math.floor(kept["lowest_days"])}
    if any(supplies.values()) or kept["items"]:   # the door households are there before anything is asked for
        supplies = {**supplies, "door_households": pickup.kpis(con, scope, day)["door_households"]}
    sections = {
        "supplies": supplies,
        "support": {f"support_{k}": v for k, v in support.kpis(con, scope, day).items() if k != "days"},
        "gates": {f"passes_{k}": v for k, v in passes.kpis(con, scope, at).items() if k != "issued"},
        "codes": {f"codes_{c}": n for c, n in health_codes.kpis(con, scope, day).items()
                  if c in ("green", "yellow", "red")},
        "cases": cases.kpis(con, scope, day),
        "firms": {f"firms_{k}": v for k, v in firms.kpis(con, scope, day).items()},
        "disinfection": {f"disinfection_{k}": v for k, v in disinfection.kpis(con, scope, day, at).items()
                         if k != "due"},
    }
    return [(section, item, int(value)) for section, found in sections.items() if any(found.values())
            for item, value in found.items()]


def report(con: duckdb.DuckDBPyConnection, scope: Scope, day: date, now: datetime | None = None,
           settings: DailySettings | None = None) -> pd.DataFrame:
    """The day's figures with the day before's: section, item, value, previous, change (NaN-free, 0 when the
    previous day had no such figure)."""
    now = now or config.now()
    settings = settings or load_settings(con)
    current = figures(con, scope, day, now, settings)
    before = {(s, i): v for s, i, v in figures(con, scope, day - timedelta(days=1), now, settings)}
    frame = pd.DataFrame(current, columns=["section", "item", "value"])
    frame["previous"] = [before.get((s, i), 0) for s, i in zip(frame["section"], frame["item"])]
    frame["value"] = frame["value"].astype(int)
    frame["previous"] = frame["previous"].astype(int)
    frame["change"] = frame["value"] - frame["previous"]
    return frame[COLUMNS]


def item_label(item: str, lang: str) -> str:
    """'new:home_isolation' -> 新增 · 居家隔离; 'arrivals:abroad' -> 境外."""
    metric, _, subject = item.partition(":")
    label = t(registry.report_key(item), lang, n=2)
    if metric == "arrivals":   # '到达 · 境外': not the arrivals page's '境外', which counts the days it is given
        return f"{label} · " + (t("report.all", lang) if subject == "all" else t(f"origin.{subject}", lang))
    if not subject:
        return label
    return f"{label} · " + (t("report.all", lang) if subject == "all" else t(f"category.{subject}", lang))


def definition(item: str, lang: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
    """The one-line definition of an item's figure (resilient.daily.figures), the rules' numbers filled in."""
    values = {}
    key = registry.report_key(item)
    if con is not None:
        rules = coverage.load_settings(con)
        values = {"standard": rules.team_standard_load, "days": rules.not_contacted_days}
        values.update(_settings_named(key, con))
    return t(registry.definition(key).help, lang, **values)


def _settings_named(key: str, con: duckdb.DuckDBPyConnection) -> dict:
    """The numbers a definition of the supplies' figures names: the store's threshold, the support follow-up."""
    if key == "store.kpi.below":
        from resilient.supplies import store
        return {"days": store.load_settings(con).cover_alert_days}
    if key in ("support.kpi.followed_up", "support.kpi.not_followed_up"):
        from resilient.coverage import support
        return {"n": support.SupportSettings().follow_up_days}
    return {}


def labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table with sections and items in the reader's language (values unchanged)."""
    return pd.DataFrame({
        "section": [t(f"report.section.{s}", lang) for s in frame["section"]],
        "item": [item_label(i, lang) for i in frame["item"]],
        "value": frame["value"], "previous": frame["previous"], "change": frame["change"],
    })


def headers(lang: str) -> dict[str, str]:
    return {c: t(f"report.column.{c}", lang) for c in COLUMNS}


FONTS = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei", '
         '"WenQuanYi Micro Hei", sans-serif')
STYLE = f"""
body {{ font-family: {FONTS}; color: #111; margin: 24px; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }}
p.meta {{ color: #555; margin: 0 0 16px; font-size: 13px; }}
h2 {{ font-size: 16px; margin: 18px 0 6px; border-bottom: 1px solid #999; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ border: 1px solid #bbb; padding: 3px 8px; }}
th {{ background: #eee; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.up {{ color: #b00; }} td.down {{ color: #060; }}
dl.defs {{ font-size: 12px; color: #333; margin: 0; }}
dl.defs dt {{ font-weight: bold; margin-top: 4px; }} dl.defs dd {{ margin: 0 0 0 1.5em; }}
@page {{ size: A4; margin: 15mm; }}
@media print {{
  body {{ margin: 0; }}
  h2 {{ break-after: avoid; }}
  table {{ break-inside: auto; }} tr {{ break-inside: avoid; }}
  .no-print {{ display: none; }}
}}
"""


def definitions(frame: pd.DataFrame, lang: str, con: duckdb.DuckDBPyConnection | None = None) -> list[tuple[str, str]]:
    """(label, definition) once per figure the report shows, in its order: the measures' metrics once, not once
    per category, as the page's caption under the measures grid has them."""
    pairs: dict[str, str] = {}
    for section in [s for s in SECTIONS if s in set(frame["section"])]:
        if section == "measures":
            for metric in MEASURE_METRICS:
                pairs.setdefault(t(f"report.metric.{metric}", lang), definition(metric, lang, con))
            continue
        for item in frame.loc[frame["section"] == section, "item"]:
            pairs.setdefault(item_label(item, lang), definition(item, lang, con))
    return list(pairs.items())


def html_page(frame: pd.DataFrame, day: date, lang: str, place: str = "", generated: datetime | None = None,
              con: duckdb.DuckDBPyConnection | None = None) -> str:
    """A self-contained print-ready page (no scripts, no external files): print it or save it as PDF. Its
    definitions travel with it (统计口径), since a printed page has no hover text."""
    generated = generated or config.now()
    esc = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"{'zh-CN' if lang == 'zh' else 'en'}\"><head><meta charset=\"utf-8\">",
             f"<title>{esc(t('report.title', lang))} {esc(day.isoformat())}</title><style>{STYLE}</style></head>",
             f"<body><h1>{esc(t('report.title', lang))} · {esc(fmt_date(day, lang))}</h1>",
             f"<p class=\"meta\">{esc(place)} {esc(t('report.generated', lang, when=fmt_date(generated, lang, True)))}"
             "</p>"]
    head = "".join(f"<th>{esc(h)}</th>" for h in (t("report.column.item", lang), t("report.column.value", lang),
                                                   t("report.column.previous", lang),
                                                   t("report.column.change", lang)))
    for section in [s for s in SECTIONS if s in set(frame["section"])]:
        parts.append(f"<h2>{esc(t(f'report.section.{section}', lang))}</h2><table><tr>{head}</tr>")
        for row in frame[frame["section"] == section].itertuples(index=False):
            change = int(row.change)
            css = "n up" if change > 0 else "n down" if change < 0 else "n"
            parts.append(f"<tr><td>{esc(item_label(row.item, lang))}</td>"
                         f"<td class=\"n\">{esc(fmt_number(int(row.value), lang))}</td>"
                         f"<td class=\"n\">{esc(fmt_number(int(row.previous), lang))}</td>"
                         f"<td class=\"{css}\">{'+' if change > 0 else ''}{esc(fmt_number(change, lang))}</td></tr>")
        parts.append("</table>")
    parts.append(f"<h2>{esc(t('report.definitions', lang))}</h2><dl class=\"defs\">")
    parts += [f"<dt>{esc(label)}</dt><dd>{esc(text)}</dd>" for label, text in definitions(frame, lang, con)]
    parts.append("</dl></body></html>")
    return "".join(parts)


def audited_html(con: duckdb.DuckDBPyConnection, user, frame: pd.DataFrame, day: date, lang: str, place: str = "",
                 generated: datetime | None = None) -> str:
    """The printable page, with its audit entry: a printed report travels as far as an Excel file."""
    from resilient.core import audit, db

    page = html_page(frame, day, lang, place, generated, con)
    with db.transaction(con):
        audit.record(con, user, "export", f"daily_report:{day.isoformat()}", detail=f"{len(frame)} rows, html")
    return page


def measure_grid(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The measures section as one row per category (all first) and one column per metric, each cell
    'value (±change)': the shape a street office's form has, instead of thirty rows."""
    rows = frame[frame["section"] == "measures"]
    split = rows["item"].str.partition(":")
    cells = pd.DataFrame({"metric": split[0].to_numpy(), "subject": split[2].to_numpy(),
                          "value": rows["value"].to_numpy(), "change": rows["change"].to_numpy()})
    cells["text"] = [f"{fmt_number(int(v), lang)}" + (f" ({'+' if c > 0 else ''}{fmt_number(int(c), lang)})" if c
                                                       else "") for v, c in zip(cells["value"], cells["change"])]
    grid = cells.pivot(index="subject", columns="metric", values="text")
    order = ["all", *CATEGORIES]
    grid = grid.reindex([s for s in order if s in grid.index])[[m for m in MEASURE_METRICS if m in grid.columns]]
    grid.index = [t("report.all", lang) if s == "all" else t(f"category.{s}", lang) for s in grid.index]
    grid.columns = [t(f"report.metric.{m}", lang) for m in grid.columns]
    return grid.rename_axis(t("col.category", lang)).reset_index()
