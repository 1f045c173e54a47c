"""KPI cards from the registry of figures (resilient.daily.figures): the label and its one-line definition on
hover come from the label's key, so a figure cannot be shown without a definition, or one label with two."""

from resilient.daily import figures as registry
from ui import kit


def card(page: kit.Page, key: str, value, values: dict | None = None, delta=None) -> tuple:
    """One card for kit.kpis: the label `key` in the reader's words, `value`, its definition, `delta`.
    `values` fill in the label and the definition (a standard, a number of days)."""
    figure = registry.definition(key)
    values = dict(values or {})
    label = page.ntr(key, values["n"], **values) if figure.label_count else page.tr(key, **values)
    if figure.count:
        shown = {k: v for k, v in values.items() if k != figure.count}
        help_text = page.ntr(figure.help, values[figure.count], **shown)
    else:
        help_text = page.tr(figure.help, **values)
    return label, value, help_text, delta


def show(page: kit.Page, *cards) -> None:
    """Cards given as (key, value[, values[, delta]])."""
    kit.kpis(*[card(page, *c) for c in cards])
