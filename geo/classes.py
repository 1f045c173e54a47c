"""Colour classes for a choropleth, from the data: nobody in a class of its own, natural breaks for the body, and
a darkest class narrow enough to single out the worst.

Why these: a count of people under measures per building is long-tailed (most buildings a handful, a few over a
hundred). Quantiles then put 47 and 132 in one colour; head/tail breaks follow the tail but make as many classes
as the tail has levels (a dozen for a district), more than a five-colour ramp shows. Natural breaks
(Fisher-Jenks, mapclassify.FisherJenks: least variance within each class) put alike buildings in one colour.
It is O(k·n²) in pure Python without numba (seven seconds for 1,500 buildings here), so past SAMPLE values it
sees evenly spaced ranks of them, which keeps the distribution's shape and, unlike FisherJenksSampled's random
sample, gives the same colours on every rerun (Jenks-Caspall is fast but can loop forever on tied counts).
Natural breaks alone still let the top class hold many buildings, so the top is cut first: the worst tenth, at
most TOP_MOST buildings, gets the darkest colour, and the breaks are sought among the rest.
"""

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import mapclassify
import numpy as np
import pandas as pd

CLASSES = 5      # colours for buildings with anyone under a measure (the ramp's length); zero is grey besides
TOP_MOST = 10    # the darkest class holds at most this many buildings ...
TOP_SHARE = 0.1  # ... and at most this share of those with anyone under a measure
SAMPLE = 120     # values Fisher-Jenks sees at most: pure Python, O(k·n²), about 0.1 s for 120 here


@dataclass(frozen=True)
class Classes:
    """The positive classes, ascending: the smallest and largest value in each, and how many fall in it."""

    lowers: tuple[float, ...] = ()
    uppers: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.uppers)

    def of(self, value) -> int:
        """0 for nothing (zero, negative, missing), else 1 to len(self); above the largest, the top class."""
        try:
            value = float(value)
        except (TypeError, ValueError):
            return 0
        if not value > 0 or not self.uppers:  # NaN is not > 0
            return 0
        return min(int(np.searchsorted(self.uppers, value, side="left")), len(self.uppers) - 1) + 1

    def labels(self, number: Callable[[float], str] = "{:g}".format) -> list[str]:
        """'47–132' per class, from its own smallest and largest value (gaps between classes show), or '7'
        when a class holds one value; `number` formats in the reader's language (i18n.fmt_number)."""
        return [number(low) if low == high else f"{number(low)}–{number(high)}"
                for low, high in zip(self.lowers, self.uppers)]


def classify(values: pd.Series, k: int = CLASSES, top_most: int = TOP_MOST, top_share: float = TOP_SHARE) -> Classes:
    """Classes of the positive values of `values` (zero and missing are left to the grey 'none' class)."""
    y = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    y = np.sort(y[np.isfinite(y) & (y > 0)])
    if y.size == 0:
        return Classes()
    distinct = np.unique(y)
    if distinct.size <= k:
        uppers = list(distinct)  # one class per value: nothing to break
    else:
        top = max(1, min(top_most, math.floor(y.size * top_share)))
        below = y[-top - 1]  # the largest value outside the top; ties with it stay out, so the top never grows
        body = y[y <= below]
        uppers = _breaks(body, k - 1 if y[-1] > below else k)
        if y[-1] > below:
            uppers.append(y[-1])
    uppers_array = np.asarray(uppers, dtype=float)
    member = np.searchsorted(uppers_array, y, side="left")
    lowers = tuple(float(y[member == i].min()) for i in range(len(uppers)))
    counts = tuple(int((member == i).sum()) for i in range(len(uppers)))
    return Classes(lowers, tuple(float(u) for u in uppers), counts)


def _breaks(values: np.ndarray, k: int) -> list[float]:
    """Upper bounds of natural-break classes (Fisher-Jenks), one per value when there are no more than k."""
    distinct = np.unique(values)
    if distinct.size <= k:
        return list(distinct)
    if values.size > SAMPLE:  # evenly spaced ranks of the sorted values: the same shape, the same every time
        values = values[np.linspace(0, values.size - 1, SAMPLE).round().astype(int)]
    return list(_fisher_jenks(tuple(float(v) for v in values), k))


@lru_cache(maxsize=64)
def _fisher_jenks(values: tuple[float, ...], k: int) -> tuple[float, ...]:
    """Cached: a click re-runs the map with the same figures."""
    y = np.asarray(values)
    if np.unique(y).size <= k:
        return tuple(np.unique(y))
    with warnings.catch_warnings():  # "Numba not installed": known, and why SAMPLE exists
        warnings.simplefilter("ignore", UserWarning)
        bins = mapclassify.FisherJenks(y, k=k).bins
    return tuple(sorted(set(float(b) for b in bins)))
