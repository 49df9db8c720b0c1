"""A definite integral gets INTEGRAL_SECONDS of SymPy's time (derive/check/analysis.py), not 2 s: the
integrals SymPy finds take well under it; one it does not find is refused with the budget named."""

import contextlib

import pytest

from derive.check import analysis, budget, check_claim


@pytest.mark.parametrize("claim, verdict", [
    (r"\int_0^1 x^2 \, dx = \frac{1}{3}", "holds"),
    (r"\int_0^1 x^2 \, dx = \frac{1}{2}", "fails"),
    (r"\int_{0}^{\pi} \sin(x) \, dx = 2", "holds"),
])
def test_integrals_run_under_the_budget(monkeypatch, claim, verdict):
    asked = []
    real = budget.time_budget

    @contextlib.contextmanager
    def spy(seconds):
        asked.append(seconds)
        with real(seconds):
            yield

    monkeypatch.setattr(budget, "time_budget", spy)
    assert check_claim(claim).verdict == verdict
    assert analysis.INTEGRAL_SECONDS in asked and analysis.INTEGRAL_SECONDS < 1
