"""Masking of personal details for display and export: 张*三, 138****1234 (ID numbers are stored masked)."""

import re

import pandas as pd


def mask_name(name: str | None) -> str:
    """Keep the surname and, for longer names, the last character: enough to confirm on the phone."""
    if not isinstance(name, str) or not name:
        return ""
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str:
    if not isinstance(phone, str) or not phone:  # missing (None or NaN from a string column): shown blank
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_people(frame: pd.DataFrame, revealed: set[int] = frozenset(), id_column: str = "resident_id") -> pd.DataFrame:
    """Names and phones masked, except for the residents in `revealed` (whose reveal was allowed and logged)."""
    keep = frame[id_column].isin(list(revealed)) if len(frame) else pd.Series(dtype=bool)
    out = frame.copy()
    for column, mask in (("name", mask_name), ("phone", mask_phone)):
        if column in out:
            out[column] = [value if kept else mask(value) for value, kept in zip(out[column], keep)]
    return out


MARKDOWN_SIGNS = re.compile(r"([\\`*_\[\]~$<>#|])")


def markdown_safe(text) -> str:
    """Personal data kept as typed where Streamlit reads markdown (a label, a bold name): masked names and phones
    hold '*' (张*三) and a name may hold _ [ ] ` ~ $ < > # |, each escaped so it shows as itself."""
    return MARKDOWN_SIGNS.sub(r"\\\1", str(text))
