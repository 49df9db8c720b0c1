"""The article catalogue: every entry meets its expectation and the committed report is fresh."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from derive.check import VERDICTS, check_file, report_json, report_markdown

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "derive/check/catalogue/articles.toml"


@pytest.fixture(scope="module")
def entries():
    return check_file(CATALOGUE)


def test_every_checker_result_matches_expectation(entries):
    wrong = [(e.article, e.equation, e.expected, e.checker) for e in entries if e.expected and e.checker != e.expected]
    assert wrong == []


def test_all_four_articles_and_all_verdicts_present(entries):
    assert {e.article for e in entries} == {"000", "001", "003", "004"}
    assert {e.verdict for e in entries} == set(VERDICTS)


@pytest.mark.parametrize("article, equation, verdict", [
    ("000", "backward, output 1", "ambiguous"),      # batch summed inside a per-sample derivative
    ("004", "categorical cross-entropy", "ambiguous"),  # free index not matching its sum
    ("004", "output layer", "ambiguous"),            # output width stated two ways
    ("000", "backward, hidden 1", "holds-with-convention"),  # true only for the linear output
    ("004", "update", "fails"),
])
def test_known_article_problems(entries, article, equation, verdict):
    assert [e.verdict for e in entries if e.article == article and e.equation == equation] == [verdict]


def test_committed_report_is_fresh(entries):
    md = report_markdown(entries, f"Claims report: {CATALOGUE.name}")
    js = report_json(entries)
    assert (ROOT / "examples/claims_report.md").read_text(encoding="utf-8") == md, \
        "stale: run nnderive check --file derive/check/catalogue/articles.toml -o examples/claims_report.md"
    assert json.loads((ROOT / "examples/claims_report.json").read_text(encoding="utf-8")) == json.loads(js)
