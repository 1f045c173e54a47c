"""Call-down sheets (楼长通知单): per building, which floors and rooms come down in which queue group, when and
where, with a QR code per household that the desk scans, so calling down and recording name a flat the same way.

A workbook (a sheet per building) and a page to print (one A4 section per building). Every name and place in them
is text: escaped in the page, never a formula in the workbook. Names arrive masked; aggregate-only viewers get
groups and head counts, no flats.
"""

import functools
import io
import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import segno

from resilient.core import audit, db, queries
from resilient.core.accounts import User
from resilient.core.i18n import fmt_date, fmt_datetime, fmt_time, t
from resilient.core.masking import mask_name
from resilient.core.scope import Scope
from resilient.imports.values import building_key
from resilient.ops import exports
from resilient.testing import pooling, rounds
from resilient.testing.codes import household_code

GROUP_COLUMNS = ["compound", "building", "building_id", "unit_no", "stairwell_id", "group_no", "site", "slot_start",
                 "slot_end", "people", "floors", "rooms"]
HOUSEHOLD_COLUMNS = ["compound", "building", "building_id", "unit_no", "stairwell_id", "group_no", "site",
                     "slot_start", "slot_end", "group", "household_id", "floor", "room", "names", "people", "code",
                     "tube", "tube_last"]
SUMMARY = ["compound", "building", "unit_no", "group_no", "date", "slot", "site", "people", "floors", "rooms"]
SHEET = ["unit_no", "group_no", "date", "slot", "site", "floor", "room", "names", "people", "tube", "code"]
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
QUIET = 2  # modules of white around a printed QR code: phones read these short codes with two


@dataclass(frozen=True)
class CallDown:
    """One round's call-down: its groups and its households (each in the group it comes down with)."""

    round_name: str
    groups: pd.DataFrame
    households: pd.DataFrame
    round_id: int = 0
    pooled: bool = True  # tubes are worth naming: more than one swab to a tube, or a tube per household

    def buildings(self) -> pd.DataFrame:
        """compound, building, building_id: one row per building, in natural order."""
        return (self.groups[["compound", "building", "building_id"]].drop_duplicates("building_id")
                .reset_index(drop=True))


def natural(text) -> str:
    """A sort key: digit runs padded, so 3栋 sorts before 12栋 and 301 before 1201."""
    return re.sub(r"\d+", lambda m: m.group().zfill(12), str(text))


def building_order(name) -> str:
    """Buildings by their number however it is written (一号楼 = 1栋), then as text."""
    return natural(building_key(name) or "") + "\x00" + natural(name)


def _sorted(frame: pd.DataFrame, *tail: str) -> pd.DataFrame:
    keys = {"compound": natural, "building": building_order, "room": natural}
    return frame.sort_values(["compound", "building", "unit_no", *tail], kind="stable",
                             key=lambda c: c.map(keys[c.name]) if c.name in keys else c)


def call_down(con: duckdb.DuckDBPyConnection, scope: Scope, round_id: int, today,
              building_ids: list[int] | None = None) -> CallDown:
    """The round's stored plan as its building leaders read it, for the stairwells and people in `scope` (of
    `building_ids` only, when given: a building's call-down is whole by itself, tubes included)."""
    info = rounds.round_info(con, round_id)
    names = rounds.stairwell_names(con, scope)[["stairwell_id", "unit_no", "building_id", "building", "compound"]]
    if building_ids is not None:
        names = names[names["building_id"].isin(building_ids)]
    sites = rounds.sites_frame(con, round_id)[["site_id", "name"]].rename(columns={"name": "site"})
    groups = rounds.batches_frame(con, round_id).merge(names, on="stairwell_id").merge(sites, on="site_id")
    groups = groups.assign(slot_start=pd.to_datetime(groups["slot_start"]),
                           slot_end=pd.to_datetime(groups["slot_end"]))
    people = queries.fetch_df(con, "sheets_households", **scope.params(), round_id=round_id, today=today,
                              building_ids=building_ids)
    people["name"] = people["name"].map(mask_name)
    homes = (people.groupby(["household_id", "stairwell_id", "floor", "room"], as_index=False, sort=False)
             .agg(people=("resident_id", "size"), names=("name", lambda s: "、".join(n for n in s if n))))
    return _book(str(info["name"]), groups, homes, int(round_id), int(info["pool_size"]),
                 bool(info["household_tubes"]))


def _book(round_name: str, groups: pd.DataFrame, homes: pd.DataFrame, round_id: int, pool: int = 10,
          household_tubes: bool = False) -> CallDown:
    groups = _sorted(groups, "slot_start", "group_no").reset_index(drop=True)
    homes = homes.assign(room=homes["room"].astype(str))
    homes = homes.iloc[np.lexsort((homes["room"].map(natural), homes["floor"], homes["stairwell_id"]))]
    homes = homes.assign(group=into_groups(homes, groups)).dropna(subset=["group"])
    homes = homes.astype({"group": int})
    spans = homes.groupby("group").agg(low=("floor", "min"), high=("floor", "max"), people=("people", "sum"),
                                       rooms=("room", lambda r: "、".join(r)))
    if not homes.empty:  # a flat comes down whole: a group its flats all left comes with the one before
        groups = groups.loc[spans.index].assign(people=spans["people"])
    floors = [str(low) if low == high else f"{low}–{high}" for low, high in zip(spans["low"], spans["high"])]
    groups = groups.assign(floors=pd.Series(floors, index=spans.index, dtype=object),
                           rooms=spans["rooms"]).fillna({"floors": "", "rooms": ""})
    households = homes.join(groups.drop(columns=["stairwell_id", "people", "floors", "rooms"]), on="group")
    households = households.assign(code=[household_code(h) for h in households["household_id"]])
    households = households.sort_values(["group", "floor"], kind="stable").reset_index(drop=True)
    households = households.join(pooling.plan_tubes(households, pool, household_tubes))
    return CallDown(round_name, groups[GROUP_COLUMNS], households[HOUSEHOLD_COLUMNS], round_id,
                    pool > 1 or household_tubes)


def into_groups(homes: pd.DataFrame, groups: pd.DataFrame) -> pd.Series:
    """Each flat (floor by floor up) into its stairwell's group where its first person falls: the planner cut each
    stairwell's people into consecutive groups, the sheet cuts its flats the same way, keeping a family together
    (a group's head count is then its flats'). Flats of stairwells not in the plan stay out (NaN); people beyond
    the plan's count go with the last group."""
    found = pd.Series(np.nan, index=homes.index)
    by_stairwell = {s: rows.sort_values(["slot_start", "group_no"]) for s, rows in groups.groupby("stairwell_id")}
    for stairwell, flats in homes.groupby("stairwell_id", sort=False):
        mine = by_stairwell.get(stairwell)
        if mine is None:
            continue
        before = flats["people"].cumsum().to_numpy() - flats["people"].to_numpy()
        place = np.searchsorted(mine["people"].cumsum().to_numpy(), before, side="right")
        found[flats.index] = mine.index.to_numpy()[np.minimum(place, len(mine) - 1)]
    return found


# --- what the reader sees ---------------------------------------------------------------------------------------

def labels(lang: str) -> dict[str, str]:
    """Column -> header in the reader's language, for the summary, the sheets and the page's table."""
    return {"compound": t("col.compound", lang), "building": t("col.building", lang), "unit_no": t("col.unit", lang),
            "group_no": t("testing.group", lang), "date": t("sheets.date", lang), "slot": t("testing.slot", lang),
            "site": t("testing.site", lang), "people": t("col.people", lang), "floors": t("col.floor", lang),
            "rooms": t("col.room", lang), "floor": t("col.floor", lang), "room": t("col.room", lang),
            "names": t("col.name", lang), "code": t("sheets.code", lang),
            "tube": t("sheets.tube", lang)}


def _slot(start: pd.Timestamp, end: pd.Timestamp, lang: str) -> str:
    until = fmt_time(end, lang) if end.date() == start.date() else fmt_datetime(end, lang)
    return f"{fmt_time(start, lang)}–{until}"


def _when(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.assign(date=[fmt_date(s.date(), lang) for s in frame["slot_start"]],
                        slot=[_slot(s, e, lang) for s, e in zip(frame["slot_start"], frame["slot_end"])])


def summary(book: CallDown, lang: str) -> pd.DataFrame:
    """Every group in time order (then site and building), day and slot as the reader writes them: the office's
    master sheet and the page's table."""
    frame = _when(book.groups, lang)
    frame = frame.iloc[np.lexsort((frame["group_no"], frame["unit_no"], frame["building"].map(building_order),
                                   frame["compound"].map(natural), frame["site"], frame["slot_start"]))]
    return frame[SUMMARY]


def building_sheets(book: CallDown, lang: str) -> dict[str, pd.DataFrame]:
    """The summary, then one frame per building (natural order), a row per household; each building's frame
    carries its title lines (round, building, day) in attrs['title']."""
    sheets = {t("testing.master", lang): summary(book, lang)}
    used = set(sheets)
    households = _when(book.households, lang).assign(tube=tube_labels(book))
    columns = SHEET if book.pooled and "tube_last" in book.households else [c for c in SHEET if c != "tube"]
    for building in book.buildings().itertuples(index=False):
        rows = households[households["building_id"] == building.building_id]
        frame = rows[columns].astype(str).reset_index(drop=True)
        days = "、".join(dict.fromkeys(rows["date"]))
        frame.attrs["title"] = (book.round_name, f"{building.compound}{building.building}", days)
        sheets[_sheet_name(f"{building.compound}{building.building}", used)] = frame
    return sheets


def tube_labels(book: CallDown) -> pd.Series:
    """Each household's planned tube as printed (3, or 3–4), empty when the round does not pool."""
    homes = book.households
    if not book.pooled or "tube_last" not in homes:
        return pd.Series("", index=homes.index, dtype=object)
    return pd.Series([pooling.tube_label(int(a), int(b)) for a, b in zip(homes["tube"], homes["tube_last"])],
                     index=homes.index, dtype=object)


def _sheet_name(text: str, used: set[str]) -> str:
    """Excel's rules: 31 characters, none of []:*?/\\, unique (case aside)."""
    base = NOT_IN_SHEET_NAMES.sub("_", text).strip("'")[:31] or "_"
    name, n = base, 1
    while name.lower() in {u.lower() for u in used}:
        n += 1
        name = f"{base[:31 - len(str(n)) - 1]}~{n}"
    used.add(name)
    return name


def workbook(book: CallDown, lang: str) -> bytes:
    """The summary and a sheet per building (title lines, then the table, a QR code beside each household's code,
    A4 fitted to the width); every cell text, never a formula."""
    heads = labels(lang)
    wb = exports.workbook()
    wb.remove(wb.active)
    for name, frame in building_sheets(book, lang).items():
        sheet = wb.create_sheet(name)
        title = frame.attrs.get("title", (book.round_name,))
        rows = [[line] for line in title] + [[]] + [[heads[c] for c in frame.columns]] + frame.values.tolist()
        for values in rows:
            exports.append(sheet, [None if v is None else str(v) for v in values])
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(heads[column]), *(len(str(v)) for v in frame[column])])
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(40, 4 + 2 * width)
        if "code" in frame:
            _qr_column(sheet, frame["code"], first_row=len(title) + 3, column=len(frame.columns) + 1)
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = f"{len(title) + 2}:{len(title) + 2}"
    return exports.save(wb)


def _qr_column(sheet, codes: pd.Series, first_row: int, column: int) -> None:
    """A QR image of each code in the column after the table, one per row, rows made tall enough to scan."""
    from openpyxl.drawing.image import Image
    from openpyxl.utils import get_column_letter

    letter = get_column_letter(column)
    sheet.column_dimensions[letter].width = 10
    for offset, code in enumerate(codes):
        image = Image(io.BytesIO(qr_png(code)))
        image.width = image.height = 62
        sheet.row_dimensions[first_row + offset].height = 50
        sheet.add_image(image, f"{letter}{first_row + offset}")


# --- the page to print --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=100_000)
def _qr(code: str) -> segno.QRCode:
    """A full QR code (not Micro QR, so any phone or desk scanner reads it) of one household code. Mask 0 is fixed:
    choosing among the eight by their penalty took 5 ms a code (35 s for a community of 7,000 flats), and on these
    codes mask 0 scores within a few per cent of the best (measured: median 3 %, worst 16 % over 200 codes)."""
    return segno.make(code, micro=False, error="m", mask=0)


@functools.lru_cache(maxsize=100_000)
def qr_svg(code: str) -> str:
    """The household code as an inline SVG sized by the page, with a quiet zone of two modules."""
    return _qr(code).svg_inline(scale=1, border=QUIET, omitsize=True)


@functools.lru_cache(maxsize=100_000)
def qr_png(code: str) -> bytes:
    """The household code as a small PNG, with its quiet zone, for the workbook."""
    png = io.BytesIO()
    _qr(code).save(png, kind="png", scale=3, border=2)
    return png.getvalue()


def html(book: CallDown, lang: str) -> str:
    """The page to print (printout.py): each building on one A4 page where its households fit, a card each."""
    from resilient.testing import printout  # it builds on this module

    return printout.html(book, lang)


def export(con: duckdb.DuckDBPyConnection, actor: User, book: CallDown, kind: str, lang: str) -> bytes:
    """The workbook ('xlsx') or the page to print ('html') as a download, with its audit entry."""
    data = workbook(book, lang) if kind == "xlsx" else html(book, lang).encode("utf-8")
    with db.transaction(con):
        audit.record(con, actor, "export", f"call_down:{book.round_id}",
                     detail=f"{kind}, {len(book.households)} households, {len(book.groups)} groups")
    return data
