"""Notation for expectations, variances, probabilities and divergences, which the checker does not model.

\\mathbb{E}[X^2] - \\mathbb{E}[X]^2 read letter by letter is E times X squared, so Var(X) = E[X^2] - E[X]^2
would "fail" with a counterexample that means nothing. A claim written with these operators is refused
as not-checkable, with the operator named, before any reading of its letters.
"""
from __future__ import annotations

import re

_WRAP = r"\\(?:mathrm|operatorname|text|mathsf|mathbf|mathop)\s*\{\s*"
OPERATORS = [
    (re.compile(r"\\mathbb\s*\{\s*E\s*\}|\\mathop\s*\{\s*\\mathbb\s*\{\s*E\s*\}\s*\}"), "an expectation \\mathbb{E}"),
    (re.compile(_WRAP + r"E\s*\}\s*(?:_\s*\{[^{}]*\}\s*|_\s*\\?\w+\s*)?[\[(]"), "an expectation E[\\cdot]"),
    (re.compile(r"(?<![\\A-Za-z])E\s*(?:_\s*\{[^{}]*\}\s*)?(?:\\left\s*)?\["), "an expectation E[\\cdot]"),
    (re.compile(_WRAP + r"(?:Var|var|Cov|cov|Corr|corr|Std|std)\s*\}"), "a variance or covariance"),
    (re.compile(r"\\(?:Var|Cov|Pr)(?![A-Za-z])"), "a variance, covariance or probability"),
    (re.compile(r"\\mathbb\s*\{\s*P\s*\}\s*[\[(]|" + _WRAP + r"(?:Pr|P)\s*\}\s*[\[(]"), "a probability P(\\cdot)"),
    (re.compile(r"(?:" + _WRAP + r"|\\mathcal\s*\{\s*)?D\s*\}?\s*_\s*\{\s*(?:" + _WRAP + r")?KL\s*\}?\s*\}"
                r"|" + _WRAP + r"KL\s*\}|(?<![A-Za-z\\])KL\s*\("), "a Kullback-Leibler divergence"),
    (re.compile(r"(?<![\\A-Za-z])[pPq]\s*\(\s*[^()]*?\\mid"), "a conditional probability p(\\cdot \\mid \\cdot)"),
]


def probability_operator(text: str) -> str | None:
    """What probability notation the claim uses (a phrase for the message), or None."""
    for pattern, what in OPERATORS:
        if pattern.search(text):
            return what
    return None


def refusal(text: str) -> str | None:
    what = probability_operator(text)
    if what is None:
        return None
    return (f"the claim uses {what}: expectations, variances, probabilities and divergences are not modelled"
            " by the checker, so nothing is decided (write the sum or integral they stand for to check it)")
