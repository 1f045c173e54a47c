"""KPI cards from the registry of figures (resilient.daily.figures): the label and its one-line definition on
hover come from the label's key, so a figure cannot be shown without a definition, or one label with two."""

from resilient.daily import figures as registry
from ui import kit


def card(page: kit.Page, key: str, value, values: dict | None = None, delta=None) -> tuple:
    """One card for kit.kpis: the label `key` in the reader's words, `value`, its definition, `delta`.
    `values` fill in the label and the definition (a standard, a number of days)."""
    figure = registry.definition(key)
    values = dict(values or {})
    label = _text(page, key, figure.label_count, values)
    return label, value, _text(page, figure.help, figure.count, values), delta


def _text(page: kit.Page, key: str, count: str | None, values: dict) -> str:
    """`key` filled in with `values`; a plural one chosen by the value named `count`."""
    if count is None:
        return page.tr(key, **values)
    return page.ntr(key, values[count], **{k: v for k, v in values.items() if k != count})


def show(page: kit.Page, *cards) -> None:
    """Cards given as (key, value[, values[, delta]])."""
    kit.kpis(*[card(page, *c) for c in cards])
