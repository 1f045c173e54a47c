"""Texts and formats in the reader's language.

The texts are gettext catalogs, locales/<lang>/LC_MESSAGES/messages.po, whose msgids are the keys the code asks
for (tr("nav.login")), so translators work in the usual tools and call sites stay short. The .mo files are never
committed: they are compiled here at start when missing or older than their .po (see locales/README.md).
Numbers, dates, times and lists are drawn by Babel, one format per language everywhere.
"""

import functools
import gettext
import io
import numbers
import os
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from babel.dates import format_date, format_datetime, format_time
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = {"zh": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh"
LOCALES = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "messages"

# Babel's locale per language, and the one look each gives dates and times (CLDR patterns): 2026年12月1日 and
# 1 Dec 2026; 09:05 in both.
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
DATE_FORMATS = {"zh": "y年M月d日", "en": "d MMM y"}
DATETIME_FORMATS = {"zh": "y年M月d日 HH:mm", "en": "d MMM y, HH:mm"}
TIME_FORMAT = "HH:mm"
# The same looks where the browser draws them: plotly axes (d3: ticks without the year, hover with it) and
# Streamlit's table columns (moment.js; [..] is literal text).
CHART_DATE_FORMATS = {"zh": ("%-m月%-d日", "%Y年%-m月%-d日"), "en": ("%-d %b", "%-d %b %Y")}
CHART_TIME_FORMATS = {"zh": ("%H:%M", "%Y年%-m月%-d日 %H:%M"), "en": ("%H:%M", "%-d %b %Y, %H:%M")}
COLUMN_DATE_FORMATS = {"zh": "YYYY[年]M[月]D[日]", "en": "D MMM YYYY"}
COLUMN_DATETIME_FORMATS = {"zh": "YYYY[年]M[月]D[日] HH:mm", "en": "D MMM YYYY, HH:mm"}
# Chinese readers read large counts in 万 (ten thousands): 1,000,000 -> 100.0万.
TEN_THOUSANDS_FROM = 100_000

CATEGORIES = [
    "centralised_quarantine", "medical_observation", "home_isolation", "home_observation", "health_monitoring",
]


def po_path(lang: str, locales: Path = LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(po: Path) -> Path:
    """The .mo beside `po`, compiled first when it is missing or older than the .po.

    Written to a temporary file and renamed into place, so a second process starting at the same moment reads
    either the old file or the new one, never half of one. The .mo gets the .po's time as it was read, so a .po
    edited while this runs looks newer and is compiled again at the next start.
    """
    mo = po.with_suffix(".mo")
    po_time = po.stat().st_mtime_ns
    try:
        if mo.stat().st_mtime_ns >= po_time:
            return mo
    except FileNotFoundError:
        pass
    handle, temporary = tempfile.mkstemp(prefix=f".{mo.name}.", suffix=".tmp", dir=po.parent)
    try:
        with os.fdopen(handle, "wb") as target:
            target.write(_mo_bytes(po))
        os.chmod(temporary, 0o644)  # mkstemp makes it private; every process of the app reads it
        os.utime(temporary, ns=(po_time, po_time))
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return mo


def _mo_bytes(po: Path) -> bytes:
    with po.open("rb") as source:
        catalog = read_po(source)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


@functools.cache
def translations(lang: str) -> gettext.GNUTranslations:
    """One language's compiled catalog as gettext loads it; English gaps fall back to Chinese."""
    if lang not in LANGUAGES:
        return translations(DEFAULT_LANGUAGE)
    po = po_path(lang)
    try:
        with compile_catalog(po).open("rb") as source:
            loaded = gettext.GNUTranslations(source)
    except OSError:  # a read-only install: compile in memory instead (a missing .po fails again here)
        loaded = gettext.GNUTranslations(io.BytesIO(_mo_bytes(po)))
    if lang != DEFAULT_LANGUAGE:
        loaded.add_fallback(translations(DEFAULT_LANGUAGE))
    return loaded


class _Catalog(NamedTuple):
    texts: dict[str, str]  # key -> text; a plural entry's singular form too, as gettext gives it
    plurals: dict[str, tuple[tuple[str, ...], Callable[[int], int]]]  # key -> (forms, form index for a count)


_CATALOGS: dict[str, _Catalog] = {}


def _catalog(lang: str) -> _Catalog:
    """A language's texts as plain dicts, the fallback language merged in: t() runs thousands of times a page,
    so each lookup is one dict access (gettext's own lookup walks the fallback chain)."""
    try:
        return _CATALOGS[lang]
    except KeyError:
        pass
    chain = [translations(DEFAULT_LANGUAGE)] if lang == DEFAULT_LANGUAGE else [translations(DEFAULT_LANGUAGE),
                                                                                translations(lang)]
    texts, plurals = {}, {}
    for loaded in chain:
        forms: dict[str, dict[int, str]] = {}
        for msgid, text in loaded._catalog.items():  # gettext's parsed table; Babel's Translations reads it too
            if isinstance(msgid, tuple):
                forms.setdefault(msgid[0], {})[msgid[1]] = text
            elif msgid:
                texts[msgid] = text
        for key, by_index in forms.items():
            plurals[key] = (tuple(by_index[i] for i in sorted(by_index)), loaded.plural)
            texts[key] = by_index.get(loaded.plural(1), by_index[0])
    return _CATALOGS.setdefault(lang, _Catalog(texts, plurals))


def t(key: str, lang: str, **values) -> str:
    """Text for `key`; an unknown key shows itself so a gap is visible, not a crash at a desk.

    Dates and lists among the values show in the reader's format. A plural entry given a count `n` takes the
    form for it (as nt does), so an error code carried with its values (`DailyError(code, n=3)`) reads right too.
    """
    catalog = _CATALOGS.get(lang) or _catalog(lang)
    if not values:
        return catalog.texts.get(key, key)
    if key in catalog.plurals and _is_count(values.get("n")):
        return _plural(catalog, key, values.pop("n"), lang, values)
    return catalog.texts.get(key, key).format(**_shown(values, lang))


def nt(key: str, n: int, lang: str, **values) -> str:
    """Text stating a count: the plural form for `n` in the reader's language ("1 building", "2 buildings").

    `n` also fills {n}, in the reader's number format. A key with no plural entry gives its one text.
    """
    catalog = _CATALOGS.get(lang) or _catalog(lang)
    if key in catalog.plurals:
        return _plural(catalog, key, n, lang, values)
    return catalog.texts.get(key, key).format(**_shown(values, lang), n=fmt_number(n, lang))


def _plural(catalog: _Catalog, key: str, n, lang: str, values: dict) -> str:
    forms, form_for = catalog.plurals[key]
    text = forms[min(form_for(int(n)), len(forms) - 1)]
    return text.format(**_shown(values, lang), n=fmt_number(n, lang))


def _is_count(value) -> bool:
    return type(value) is int or (type(value) is not bool and isinstance(value, numbers.Integral))


def is_known(key: str) -> bool:
    """Whether the catalogs have `key` (the default language has every key)."""
    return key in _catalog(DEFAULT_LANGUAGE).texts


_PLAIN = frozenset({str, int, float})


def _shown(values: dict, lang: str) -> dict:
    return {name: value if type(value) in _PLAIN else _show(value, lang) for name, value in values.items()}


def _show(value, lang: str):
    if isinstance(value, datetime):
        return fmt_datetime(value, lang)
    if isinstance(value, date):
        return fmt_date(value, lang)
    if isinstance(value, list | tuple):
        return fmt_list(value, lang)
    return value


def refusal(code: str, values: dict, lang: str, words: dict[str, str] | None = None) -> str:
    """A refusal in the reader's words: values that are codes translated through `words` (value name ->
    key prefix: {"period": "period"} turns 'am' into 上午), dates in the reader's format, and a nested
    problem code (a sheet row refused at commit) spelled out too."""
    words = {"period": "period", "category": "category", **(words or {})}
    shown = {}
    for key, value in values.items():
        prefix = words.get(key)
        if prefix and isinstance(value, str) and is_known(f"{prefix}.{value}"):
            value = t(f"{prefix}.{value}", lang)
        shown[key] = value
    if isinstance(shown.get("problem"), str) and is_known(shown["problem"]):
        shown["problem"] = refusal(shown["problem"], {k: v for k, v in values.items() if k not in ("problem", "row")},
                                   lang, words)
    try:
        return t(code, lang, **shown)
    except (KeyError, IndexError, ValueError):   # a text whose values are missing still says what is wrong
        return f"{t(code, lang)} {values}"


def density_labels(lang: str, categories: list[str] | tuple[str, ...] | None = None) -> dict[str, str]:
    """Column -> label for a building density row, in the order a tooltip shows them."""
    return {
        "name": t("col.building", lang), "compound": t("col.compound", lang), "grid": t("col.grid", lang),
        "residents": t("col.residents", lang), "active": t("col.active", lang), "per_100": t("col.per_100", lang),
        **{c: t(f"category.{c}", lang) for c in (categories or CATEGORIES)},
    }


def fmt_number(value: float | int, lang: str) -> str:
    """Grouped digits, one decimal for fractions; Chinese readers also read 万 for ten thousands on large counts."""
    locale = _locale(lang)
    if isinstance(value, float) and not value.is_integer():
        return format_decimal(value, "#,##0.0", locale=locale)
    value = int(value)
    if lang == "zh" and abs(value) >= TEN_THOUSANDS_FROM:
        return format_decimal(Decimal(value) / 10_000, "#,##0.0万", locale=locale)
    return format_decimal(value, "#,##0", locale=locale)


def fmt_date(value: date | datetime | str, lang: str, with_time: bool = False) -> str:
    """A day as the reader's language writes it (2026年12月1日, 1 Dec 2026); with its time if asked and known.

    ISO text (a day kept in JSON) is read first; other text shows as it is.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if with_time and len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return value
    if _missing(value):
        return ""
    if with_time and isinstance(value, datetime):
        return fmt_datetime(value, lang)
    return format_date(value, DATE_FORMATS.get(lang, DATE_FORMATS[DEFAULT_LANGUAGE]), locale=_locale(lang))


def fmt_datetime(value: datetime, lang: str) -> str:
    """A moment: the day as fmt_date writes it and the time as fmt_time does."""
    if _missing(value):
        return ""
    return format_datetime(value, DATETIME_FORMATS.get(lang, DATETIME_FORMATS[DEFAULT_LANGUAGE]),
                           locale=_locale(lang))


def fmt_time(value: time | datetime, lang: str, seconds: bool = False) -> str:
    """A time of day, 24-hour clock (09:05) in both languages; with seconds (09:05:07) for an "as of" that
    changes every minute or less."""
    if _missing(value):
        return ""
    return format_time(value, TIME_FORMAT + (":ss" if seconds else ""), locale=_locale(lang))


def fmt_when(value: datetime, today: date, lang: str) -> str:
    """A moment as its time alone when it falls on `today`, with its date otherwise: a finish at 04:48 tomorrow
    must not read as this morning."""
    if _missing(value):
        return ""
    if value.date() == today:
        return fmt_time(value, lang)
    return fmt_datetime(value, lang)


def _missing(value) -> bool:
    """None, NaN or pandas' NaT and NA: nothing to show (given None, Babel would show today)."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pandas' NA will not be a bool
        return True


def fmt_list(items: Iterable, lang: str) -> str:
    """Items joined the way the language joins a list: 甲、乙和丙 / a, b, and c."""
    items = [str(item) for item in items]
    return format_list(items, locale=_locale(lang)) if items else ""


def chart_date_formats(lang: str) -> tuple[str, str]:
    """(tick format, hover format) for a plotly date axis, matching fmt_date's look."""
    return CHART_DATE_FORMATS.get(lang, CHART_DATE_FORMATS[DEFAULT_LANGUAGE])


def chart_time_formats(lang: str) -> tuple[str, str]:
    """(tick format, hover format) for a plotly axis of times within a day, matching fmt_time and fmt_datetime."""
    return CHART_TIME_FORMATS.get(lang, CHART_TIME_FORMATS[DEFAULT_LANGUAGE])


def column_date_format(lang: str) -> str:
    """st.column_config.DateColumn's format for fmt_date's look."""
    return COLUMN_DATE_FORMATS.get(lang, COLUMN_DATE_FORMATS[DEFAULT_LANGUAGE])


def column_datetime_format(lang: str) -> str:
    """st.column_config.DatetimeColumn's format for fmt_datetime's look."""
    return COLUMN_DATETIME_FORMATS.get(lang, COLUMN_DATETIME_FORMATS[DEFAULT_LANGUAGE])


def _locale(lang: str) -> str:
    return BABEL_LOCALES.get(lang, BABEL_LOCALES[DEFAULT_LANGUAGE])


@functools.cache
def texts(lang: str, locales: Path = LOCALES) -> dict[str, tuple[str, ...]]:
    """Every key of one language's .po with its forms (one, or one per plural form): for tests and tools.

    Pages look texts up through t(); this reads the source file, not the compiled catalog.
    """
    with po_path(lang, locales).open("rb") as source:
        catalog = read_po(source)
    return {(m.id[0] if isinstance(m.id, tuple) else m.id): (tuple(m.string) if isinstance(m.string, tuple)
                                                             else (m.string,))
            for m in catalog if m.id}


def extract_catalog(fileobj, keywords, comment_tags, options):
    """A Babel extractor (babel.cfg) yielding every key of a catalog: keys the code builds at run time
    (tr(f"role.{r}")) or carries in errors appear in no call a scan can find, and `pybabel update` would
    otherwise retire them."""
    for message in read_po(fileobj):
        if message.id:
            plural = isinstance(message.id, tuple)
            yield message.lineno, "ntr" if plural else "tr", message.id[0] if plural else message.id, []
