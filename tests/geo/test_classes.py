"""Choropleth classes from the data: zero apart, natural breaks below, the worst singled out at the top."""

import math

import numpy as np
import pandas as pd
import pytest

from geo import maps
from geo.classes import CLASSES, TOP_MOST, classify


def members(classes, values):
    """Class index per value, as the map colours them."""
    return [classes.of(v) for v in values]


def test_the_top_class_of_the_issue_singles_out_the_worst():
    """The demo's complaint: thirteen buildings from 47 to 132 people in one dark red class (46–150)."""
    rng = np.random.default_rng(3)
    body = list(rng.integers(1, 30, 81))
    tail = [47, 49, 52, 55, 58, 61, 66, 72, 80, 91, 104, 117, 132]
    values = pd.Series(body + tail + [0] * 6)
    classes = classify(values)
    assert len(classes) == CLASSES
    assert classes.counts[-1] <= min(TOP_MOST, math.floor(0.1 * (len(body) + len(tail))))
    assert classes.of(132) == len(classes) and classes.of(47) < len(classes)
    assert classes.uppers[-1] == 132
    assert classes.of(0) == 0
    assert sum(classes.counts) == len(body) + len(tail)


def test_all_zeros_or_empty_have_no_classes():
    for values in (pd.Series([0, 0, 0]), pd.Series([], dtype=float), pd.Series([np.nan, None])):
        classes = classify(values)
        assert len(classes) == 0 and classes.labels() == []
        assert classes.of(0) == 0 and classes.of(5) == 0


def test_one_building():
    classes = classify(pd.Series([0, 7, 0]))
    assert classes.uppers == (7.0,) and classes.counts == (1,) and classes.labels() == ["7"]
    assert members(classes, [0, 7]) == [0, 1]


def test_fewer_distinct_values_than_classes_give_one_class_each():
    classes = classify(pd.Series([3, 1, 2, 2, 3, 3, 0]))
    assert classes.uppers == (1.0, 2.0, 3.0) and classes.counts == (1, 2, 3)
    assert classes.labels() == ["1", "2", "3"]


def test_ties_are_never_split_and_the_top_never_grows_past_its_cap():
    values = pd.Series(list(range(1, 21)) + [50] * 15)
    classes = classify(values)
    for value in set(values):
        assert len({classes.of(v) for v in values if v == value}) == 1
    assert classes.of(50) == len(classes)  # fifteen tied at the top cannot be told apart: together, not split
    ranks = pd.Series(list(range(1, 101)) + [200, 200, 300])
    top = classify(ranks)
    assert top.counts[-1] == TOP_MOST and top.of(300) == len(top) and top.of(93) < len(top)


def test_missing_values_count_as_none():
    classes = classify(pd.Series([np.nan, 0, 3.5, None, 1.5]))
    assert len(classes) == 2 and sum(classes.counts) == 2
    assert classes.of(np.nan) == 0 and classes.of(None) == 0 and classes.of("x") == 0


@pytest.mark.parametrize("seed", range(5))
def test_classes_ascend_and_cover_every_positive_value(seed):
    rng = np.random.default_rng(seed)
    values = pd.Series(rng.negative_binomial(1, 0.06, 400).astype(float))
    classes = classify(values)
    assert list(classes.uppers) == sorted(set(classes.uppers))
    assert all(low <= high for low, high in zip(classes.lowers, classes.uppers))
    assert all(high < low for high, low in zip(classes.uppers, classes.lowers[1:]))
    positive = values[values > 0]
    assert sum(classes.counts) == len(positive)
    assert [members(classes, positive).count(i + 1) for i in range(len(classes))] == list(classes.counts)


def test_labels_take_the_readers_number_format():
    from resilient.core.i18n import fmt_number

    classes = classify(pd.Series([0.4, 1.25, 2.5, 3.75, 5.0, 6.25, 1200.0]))
    labels = classes.labels(lambda v: fmt_number(v, "en"))
    assert labels[-1] == "1,200" and "0.4" in labels[0]


def test_the_darkest_colour_always_marks_the_top_class():
    for n in range(1, len(maps.RAMP) + 1):
        colours = maps.ramp(n)
        assert len(colours) == n == len(set(colours)) and colours[-1] == maps.RAMP[-1]
    classes = classify(pd.Series([1, 2]))
    assert maps.colour_for(2, classes) == maps.RAMP[-1] and maps.colour_for(1, classes) == maps.RAMP[0]
    assert maps.colour_for(0, classes) == maps.ZERO_COLOUR and maps.colour_for(None, classes) == maps.ZERO_COLOUR
