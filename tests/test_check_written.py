"""Written digits (written.py): one reading for \\approx, worked numbers and a document's stated rounding."""

from __future__ import annotations

import pytest

from derive.check.docsound import rounded_claim
from derive.check.syntax import parse
from derive.check.tree import relation_parts
from derive.check.written import most_decimals, plain_decimal, plain_number


def _side(text):
    return relation_parts(parse(text))[0][0]


@pytest.mark.parametrize("text, want", [
    ("0.7616", (4, "0.7616")), ("3", (0, "3")), ("-0.5", (1, "-0.5")), ("+0.5", (1, "0.5")),
    ("x", None), ("2x", None), ("0.5 + 1", None),
])
def test_plain_number(text, want):
    assert plain_number(_side(text)) == want


@pytest.mark.parametrize("text, want", [
    (" 0.8808", (4, "0.8808")), ("-1.25 ", (2, "-1.25")), ("3", None), ("x + 1", None), ("a = 1.5", None),
    ("\\frac{1}{2", None),
])
def test_plain_decimal(text, want):
    assert plain_decimal(text) == want


@pytest.mark.parametrize("text, want", [("[0.5, 0.25, 1]", 2), ("x + 1", 0), ("0.123 x", 3)])
def test_most_decimals(text, want):
    assert most_decimals(_side(text)) == want


@pytest.mark.parametrize("text, stated, half", [
    ("a = 0.8808", 4, "\\frac{1}{20000}"),
    ("\\frac{\\partial C}{\\partial w} = -0.1471", 4, "\\frac{1}{20000}"),
    ("C = 0.055", 4, "\\frac{1}{2000}"),        # the digits shown, not the document's 4
])
def test_rounded_claim(text, stated, half):
    claim, note = rounded_claim(text, stated)
    assert claim.endswith(half) and "- -" not in note


@pytest.mark.parametrize("text, stated", [("a = 0.8808", None), ("a = 1", 4), ("a = b", 4), ("a = 0.5 = b", 4)])
def test_rounded_claim_none(text, stated):
    assert rounded_claim(text, stated) is None
