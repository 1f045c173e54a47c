"""The one translation table. Simplified Chinese first; every key must have both languages (a test checks)."""

from datetime import date, datetime

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"

TEXT: dict[str, dict[str, str]] = {
    "app.title": {"zh": "韧性社区", "en": "Resilient Community"},
    "app.language": {"zh": "语言 / Language", "en": "语言 / Language"},
    "app.community": {"zh": "社区", "en": "Community"},
    "app.grid": {"zh": "网格", "en": "Grid cell"},
    "app.all": {"zh": "全部", "en": "All"},
    "app.demo_note": {"zh": "演示数据（虚构社区）", "en": "Demo data (a made-up community)"},
    "app.data_as_of": {"zh": "数据截至 {when}", "en": "Data as of {when}"},
    "app.generating": {"zh": "首次启动：正在生成演示社区……", "en": "First start: generating the demo community…"},
    "nav.overview": {"zh": "隔离管控分布", "en": "Quarantine density"},
    "overview.title": {"zh": "各楼栋隔离管控分布", "en": "Control measures by building"},
    "overview.filters": {"zh": "筛选", "en": "Filters"},
    "overview.compound": {"zh": "小区", "en": "Compound"},
    "overview.category": {"zh": "管控类别", "en": "Measure"},
    "overview.measure": {"zh": "着色依据", "en": "Colour by"},
    "overview.mode.count": {"zh": "人数", "en": "People"},
    "overview.mode.per_100": {"zh": "每百名居民", "en": "Per 100 residents"},
    "overview.basemap": {"zh": "底图", "en": "Basemap"},
    "overview.basemap.plain": {"zh": "无底图（离线可用）", "en": "Plain (works offline)"},
    "overview.basemap.osm": {"zh": "OpenStreetMap（需联网）", "en": "OpenStreetMap (needs internet)"},
    "overview.kpi.residents": {"zh": "居民", "en": "Residents"},
    "overview.kpi.households": {"zh": "户数", "en": "Households"},
    "overview.kpi.active": {"zh": "在管人数", "en": "Under measures"},
    "overview.kpi.due_today": {"zh": "今日到期解除", "en": "Release due today"},
    "overview.kpi.due_tomorrow": {"zh": "明日到期解除", "en": "Release due tomorrow"},
    "overview.kpi.new_24h": {"zh": "24小时新增", "en": "New in 24 h"},
    "overview.kpi_note": {
        "zh": "指标按所选社区、网格和小区统计，不受管控类别筛选影响。",
        "en": "Figures follow the chosen community, grid cell and compound, not the measure filter.",
    },
    "overview.map_help": {
        "zh": "点击楼栋查看各单元和住户明细。", "en": "Click a building for its stairwells and households.",
    },
    "overview.legend": {"zh": "在管人数", "en": "People under measures"},
    "overview.legend_per_100": {"zh": "每百名居民在管人数", "en": "Under measures per 100 residents"},
    "overview.legend_none": {"zh": "无", "en": "none"},
    "overview.chart_title": {"zh": "近30天每日在管人数", "en": "People under measures per day, last 30 days"},
    "overview.chart_day": {"zh": "日期", "en": "Day"},
    "overview.chart_people": {"zh": "人数", "en": "People"},
    "overview.no_buildings": {"zh": "所选范围内没有楼栋。", "en": "No buildings in the chosen area."},
    "overview.breakdown": {"zh": "{building}（{compound}）明细", "en": "{building} ({compound}) in detail"},
    "overview.breakdown_hint": {
        "zh": "在地图上点击一栋楼查看明细。", "en": "Click a building on the map to see its detail.",
    },
    "overview.stairwells": {"zh": "各单元", "en": "Stairwells"},
    "overview.households": {"zh": "在管住户", "en": "Households under measures"},
    "overview.no_households": {
        "zh": "该楼目前没有在管住户。", "en": "No household in this building is under a measure.",
    },
    "col.building": {"zh": "楼栋", "en": "Building"},
    "col.compound": {"zh": "小区", "en": "Compound"},
    "col.grid": {"zh": "网格", "en": "Grid cell"},
    "col.residents": {"zh": "居民", "en": "Residents"},
    "col.households": {"zh": "户数", "en": "Households"},
    "col.active": {"zh": "在管人数", "en": "Under measures"},
    "col.per_100": {"zh": "每百人", "en": "Per 100"},
    "col.unit": {"zh": "单元", "en": "Stairwell"},
    "col.floor": {"zh": "楼层", "en": "Floor"},
    "col.room": {"zh": "房号", "en": "Room"},
    "col.category": {"zh": "管控类别", "en": "Measure"},
    "col.people": {"zh": "人数", "en": "People"},
    "col.start": {"zh": "开始日期", "en": "Start"},
    "col.planned_end": {"zh": "预计解除", "en": "Planned end"},
    "col.days_left": {"zh": "剩余天数", "en": "Days left"},
    "col.households_under_measure": {"zh": "在管户数", "en": "Households under measures"},
    "unit.name": {"zh": "{n}单元", "en": "Stairwell {n}"},
    "category.centralised_quarantine": {"zh": "集中隔离", "en": "Centralised quarantine"},
    "category.medical_observation": {"zh": "医学观察", "en": "Medical observation"},
    "category.home_isolation": {"zh": "居家隔离", "en": "Home isolation"},
    "category.home_observation": {"zh": "居家观察", "en": "Home observation"},
    "category.health_monitoring": {"zh": "健康监测", "en": "Health monitoring"},
    "origin.key_area": {"zh": "重点地区", "en": "Key area"},
    "origin.other_area": {"zh": "其他地区", "en": "Other area"},
    "origin.abroad": {"zh": "境外", "en": "Abroad"},
    "origin.close_contact": {"zh": "密切接触者", "en": "Close contact"},
}

CATEGORIES = [
    "centralised_quarantine", "medical_observation", "home_isolation", "home_observation", "health_monitoring",
]


def density_labels(lang: str, categories: list[str] | tuple[str, ...] | None = None) -> dict[str, str]:
    """Column -> label for a building density row, in the order a tooltip shows them."""
    return {
        "name": t("col.building", lang), "compound": t("col.compound", lang), "grid": t("col.grid", lang),
        "residents": t("col.residents", lang), "active": t("col.active", lang), "per_100": t("col.per_100", lang),
        **{c: t(f"category.{c}", lang) for c in (categories or CATEGORIES)},
    }


def t(key: str, lang: str, **values) -> str:
    """Text for `key`; an unknown key shows itself so a gap is visible, not a crash at a desk."""
    entry = TEXT.get(key)
    text = key if entry is None else entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def fmt_number(value: float | int, lang: str) -> str:
    """Grouped digits; Chinese readers also read 万 for ten thousands on large counts."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    value = int(value)
    if lang == "zh" and abs(value) >= 100_000:
        return f"{value / 10_000:,.1f}万"
    return f"{value:,}"


def fmt_date(value: date | datetime, lang: str, with_time: bool = False) -> str:
    if lang == "zh":
        text = f"{value.year}年{value.month}月{value.day}日"
        return text + (f" {value:%H:%M}" if with_time and isinstance(value, datetime) else "")
    text = f"{value.day} {value:%b} {value.year}"
    return text + (f", {value:%H:%M}" if with_time and isinstance(value, datetime) else "")
