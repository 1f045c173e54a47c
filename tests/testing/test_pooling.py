"""Dorfman pooling figures and how tubes fill at a site."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from bench import planner as bench_planner
from resilient.testing import pooling
from resilient.testing.planner import plan_round

pytestmark = pytest.mark.both_backends


def test_dorfman_optimum_at_one_percent():
    size, tests = pooling.optimum(0.01)
    assert size == 11
    assert tests == pytest.approx(0.1956, abs=5e-4)
    assert pooling.tests_per_person(0.01, 10) == pytest.approx(0.1 + 1 - 0.99 ** 10)
    assert pooling.tests_per_person(0.01, 1) == 1.0


@pytest.mark.parametrize("prevalence, size", [(0.001, 30), (0.05, 5), (0.2, 3), (0.4, 1)])
def test_the_optimum_shrinks_as_prevalence_rises(prevalence, size):
    assert pooling.optimum(prevalence)[0] == size


def test_suggested_pool_among_the_allowed_sizes():
    assert pooling.suggest_pool(0.01) == 10
    assert pooling.suggest_pool(0.001) == 20
    assert pooling.suggest_pool(0.05) == 5
    assert pooling.suggest_pool(0.4) == 1
    table = pooling.pool_table(0.01)
    assert table["pool_size"].tolist() == [1, 5, 10, 20]
    ten, five = table.set_index("pool_size").loc[[10, 5], "tests_per_person"]
    assert ten < five and table.loc[table["best"], "pool_size"].tolist() == [10]
    assert table.set_index("pool_size").loc[10, "tests_per_1000"] == 196


def test_runs_keep_a_stairwell_in_its_tubes():
    queue = pd.Series([1] * 20 + [2] * 20)
    one_by_one = pooling.fill_tubes(queue, pool=10, desks=4, runs=False)
    runs = pooling.fill_tubes(queue, pool=10, desks=4, runs=True)
    assert np.bincount(runs).max() <= 10 and np.bincount(one_by_one).max() <= 10
    assert pooling.stairwells_per_tube(queue, runs) == 1.0
    assert pooling.stairwells_per_tube(queue, one_by_one) > 1.0


def test_a_plan_traces_to_fewer_stairwells_with_runs():
    stairwells, sites = bench_planner.synthetic_round(3_000, seed=1)
    plan = plan_round(stairwells, sites, datetime(2026, 11, 23, 6))
    runs = pooling.plan_stairwells_per_tube(plan.batches, sites, 10, runs=True)
    mixed = pooling.plan_stairwells_per_tube(plan.batches, sites, 10, runs=False)
    assert 1.0 <= runs < mixed
    assert pooling.plan_stairwells_per_tube(plan.batches, sites, 1) == 1.0
