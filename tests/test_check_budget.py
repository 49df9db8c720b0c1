"""The checker's step budgets count CPU time, so a verdict does not depend on the machine's load."""

import time

import pytest

from derive.check.budget import OverBudget, time_budget


def _spin(seconds):
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_budget_stops_a_long_computation():
    with pytest.raises(OverBudget):
        with time_budget(0.05):
            _spin(2.0)


def test_sleeping_does_not_use_the_budget():
    # wall-clock time spent waiting (as when other processes hold the cores) is not counted
    with time_budget(0.2):
        time.sleep(0.4)
        _spin(0.05)


def test_inner_budget_keeps_the_outer_remaining_time():
    with pytest.raises(OverBudget):
        with time_budget(0.3):
            with time_budget(5.0):
                _spin(0.1)
            _spin(2.0)            # the outer 0.3 s, less the 0.1 s used inside, runs out here
