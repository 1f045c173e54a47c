"""The call-down sheet to print: each building on one A4 page where it can be, a card per household.

A building leader carries one sheet per building. The page has a compact header (round, day, site, the building's
groups with slot, floors and rooms) and a grid of household cards (room, masked names, head count, group and slot,
planned tube, the QR code with its code under it). The cards and their QR codes shrink with the household count
until the page holds them all, never below a QR a phone still reads at arm's length; a building too large even
then goes on as few more pages as it needs, each saying 第 n/m 页. Sizes are millimetres in the CSS, so the rows
computed here are the rows printed.
"""

import html as markup
import math
from dataclasses import dataclass

import pandas as pd

from resilient.core.i18n import fmt_time, nt, t
from resilient.testing import sheets

PAGE_W, PAGE_H, MARGIN = 210.0, 297.0, 8.0
WIDTH, HEIGHT = PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN - 3.0  # 3 mm kept back for the printer's rounding
QR_MAX, QR_MIN, QR_STEP = 20.0, 13.0, 0.5  # 13 mm with its quiet zone: 0.52 mm modules for these 21-module codes
TEXT_MIN = 15.0       # the card's text beside its QR: room, head count, group and slot, tube, two lines of names
CODE_H, PAD, GAP = 2.3, 0.6, 0.8
TITLE_H, GROUP_LINE_H, GROUPS_ACROSS = 15.0, 3.4, 3   # first page: title lines, then the groups three across
NEXT_TITLE_H = 8.0    # later pages: the title line and the page number only


@dataclass(frozen=True)
class Layout:
    """How one building's cards go on A4: QR size and card size in mm, columns, rows a page, pages."""

    qr: float
    columns: int
    card_w: float
    card_h: float
    first_rows: int
    next_rows: int
    pages: int
    header_h: float

    def per_page(self, page: int) -> int:
        """Cards on page `page` (0 is the first, which carries the groups)."""
        return self.columns * (self.first_rows if page == 0 else self.next_rows)


def header_height(groups: int, sites: int = 1) -> float:
    """The first page's header in mm: the title lines and the groups, three to a line (two when each names its
    site)."""
    return TITLE_H + GROUP_LINE_H * math.ceil(groups / across(sites))


def across(sites: int) -> int:
    return GROUPS_ACROSS if sites <= 1 else GROUPS_ACROSS - 1


def _rows(space: float, card_h: float) -> int:
    return max(int((space + GAP) // (card_h + GAP)), 0)


def layout(households: int, groups: int, sites: int = 1) -> Layout:
    """The largest QR (and card) with which all of a building's households fit its first page; the smallest QR on
    as few pages as hold them when none does."""
    head = header_height(groups, sites)
    q = QR_MAX
    while True:
        columns = max(int((WIDTH + GAP) // (q + TEXT_MIN + 3 * PAD + GAP)), 1)
        card_h = q + CODE_H + 2 * PAD
        first, later = _rows(HEIGHT - head, card_h), _rows(HEIGHT - NEXT_TITLE_H, card_h)
        if columns * first >= households or q <= QR_MIN:
            break
        q = max(q - QR_STEP, QR_MIN)
    rest = max(households - columns * first, 0)
    pages = 1 + (math.ceil(rest / (columns * later)) if rest else 0)
    card_w = (WIDTH - GAP * (columns - 1)) / columns
    return Layout(q, columns, card_w, card_h, first, later, pages, head)


STYLE = f"""
@page {{ size: A4; margin: {MARGIN}mm; }}
body {{ font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", "SimSun", sans-serif; font-size: 7pt; line-height: 1.2; color: #000; margin: 0; }}
section.building > .page {{ break-after: page; page-break-after: always; width: {WIDTH}mm; overflow: hidden; }}
section.building:last-child > .page:last-child {{ break-after: auto; page-break-after: auto; }}
.head {{ overflow: hidden; }}
.title {{ display: flex; justify-content: space-between; align-items: baseline; height: 6mm; }}
h1 {{ font-size: 12pt; margin: 0; white-space: nowrap; overflow: hidden; }}
.pageno {{ font-size: 12pt; font-weight: bold; border: 0.4mm solid #000; padding: 0 1.5mm; white-space: nowrap; }}
.line {{ height: 4mm; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
.groups {{ display: grid; column-gap: 2mm;
          grid-auto-rows: {GROUP_LINE_H}mm; font-size: 6.5pt; border-top: 0.3mm solid #000; }}
.groups div {{ white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: {GROUP_LINE_H}mm; }}
.cards {{ display: grid; gap: {GAP}mm; }}
.card {{ border: 0.2mm solid #777; padding: {PAD}mm; display: flex; gap: {PAD}mm; overflow: hidden;
        box-sizing: border-box; break-inside: avoid; page-break-inside: avoid; }}
.qr {{ flex: none; text-align: center; }}
.qr svg {{ display: block; width: 100%; height: auto; background: #fff; }}
.code {{ font-family: "DejaVu Sans Mono", monospace; font-size: 5.5pt; line-height: {CODE_H}mm; white-space: nowrap; }}
.text {{ flex: 1; min-width: 0; overflow: hidden; }}
.room {{ font-size: 7.5pt; font-weight: bold; white-space: nowrap; overflow: hidden; }}
.when, .tube {{ font-size: 6pt; white-space: nowrap; overflow: hidden; }}
.tube {{ font-weight: bold; }} .tube span {{ font-weight: normal; }}
.names {{ font-size: 6pt; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2;
          -webkit-box-orient: vertical; }}
"""


def _range(rooms: str) -> str:
    """A group's rooms as first–last (its flats run floor by floor up, so the range is exact in the stairwell)."""
    listed = [r for r in str(rooms).split("、") if r]
    return "" if not listed else listed[0] if len(listed) == 1 else f"{listed[0]}–{listed[-1]}"


def _group_line(g, lang: str, one_site: bool) -> str:
    return t("sheets.group_line", lang, unit=int(g.unit_no), group=int(g.group_no), slot=g.slot,
             floors=g.floors, rooms=_range(g.rooms), n=int(g.people)) + ("" if one_site else f" · {g.site}")


def _card(f, lang: str, qr: float, tube: str) -> str:
    text = markup.escape
    when = t("sheets.card_when", lang, group=int(f.group_no), time=fmt_time(f.slot_start, lang))
    room = t("sheets.card_room", lang, unit=int(f.unit_no), room=str(f.room))
    people = f'<span>{text(nt("sheets.people", int(f.people), lang))}</span>'
    held = f'{text(t("sheets.card_tube", lang, tube=tube))} ' if tube else ""
    return (f'<div class="card"><div class="qr" style="width:{qr}mm">'
            f'{sheets.qr_svg(f.code)}'
            f'<div class="code">{text(f.code)}</div></div><div class="text">'
            f'<div class="room">{text(room)}</div><div class="when">{text(when)}</div>'
            f'<div class="tube">{held}{people}</div><div class="names">{text(str(f.names))}</div>'
            "</div></div>")


def building_pages(book: sheets.CallDown, building, lang: str) -> tuple[Layout, list[str]]:
    """One building's pages as HTML, with the layout they were cut by."""
    text = markup.escape
    groups = sheets._when(book.groups[book.groups["building_id"] == building.building_id], lang)
    homes = book.households[book.households["building_id"] == building.building_id]
    tubes = sheets.tube_labels(book).loc[homes.index]
    sites = list(dict.fromkeys(groups["site"].astype(str)))
    plan = layout(len(homes), len(groups), len(sites))
    days = "、".join(dict.fromkeys(groups["date"]))
    name = f"{building.compound}{building.building}"
    cards = [_card(f, lang, plan.qr, tube) for f, tube in zip(homes.itertuples(index=False), tubes)]
    lines = "".join(f"<div>{text(_group_line(g, lang, len(sites) == 1))}</div>" for g in groups.itertuples())
    pages, start = [], 0
    for page in range(plan.pages):
        mark = (f'<span class="pageno">{text(t("sheets.page", lang, page=page + 1, pages=plan.pages))}</span>'
                if plan.pages > 1 else "")
        title = f'<div class="title"><h1>{text(book.round_name)} · {text(name)}</h1>{mark}</div>'
        if page == 0:
            where = t("sheets.where", lang, date=days, site="、".join(sites),
                      households=len(homes), people=int(homes["people"].sum()))
            head = (f'<div class="head" style="height:{plan.header_h - GAP:.1f}mm">{title}'
                    f'<div class="line">{text(where)}</div><div class="line">{text(t("sheets.how", lang))}</div>'
                    f'<div class="groups" style="grid-template-columns:repeat({across(len(sites))},1fr)">'
                    f"{lines}</div></div>")
        else:
            head = f'<div class="head" style="height:{NEXT_TITLE_H - GAP:.1f}mm">{title}</div>'
        count = plan.per_page(page)
        grid = (f'<div class="cards" style="grid-template-columns:repeat({plan.columns},1fr);'
                f'grid-auto-rows:{plan.card_h:.1f}mm;margin-top:{GAP}mm">{"".join(cards[start:start + count])}</div>')
        pages.append(f'<div class="page">{head}{grid}</div>')
        start += count
    return plan, pages


def html(book: sheets.CallDown, lang: str) -> str:
    """One HTML document to print: a section per building, each an A4 page (or the few it must have)."""
    text = markup.escape
    sections = [f'<section class="building">{"".join(building_pages(book, b, lang)[1])}</section>'
                for b in book.buildings().itertuples(index=False)]
    title = text(t("sheets.title", lang, round=book.round_name))
    return (f'<!DOCTYPE html><html lang="{text(lang)}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(sections)}</body></html>")


def page_counts(book: sheets.CallDown) -> pd.Series:
    """Pages per building (by building_id), as the layout cuts them."""
    homes = book.households.groupby("building_id").size()
    groups = book.groups.groupby("building_id").size()
    sites = book.groups.groupby("building_id")["site"].nunique()
    return pd.Series({b: layout(int(homes.get(b, 0)), int(groups.get(b, 0)), int(sites.get(b, 1))).pages
                      for b in book.buildings()["building_id"]})
