"""The equation checker: decide whether a LaTeX claim holds, from one equation to whole documents.

Stages, each a module: ``syntax`` (normalize, refuse, parse to an AST) -> ``tree`` (questions
about the AST) -> ``interpret``/``calls`` in a ``context`` (the AST as SymPy values) ->
``scalar`` and ``network`` deciders (over ``compare``) -> ``sandbox`` (time limits) ->
``claims``, ``documents`` and ``report`` (files, drafts and their reports).
"""

from .claims import check_file, load_claims
from .compare import DEFAULT_TIMEOUT, VERDICTS, ClaimError, Result
from .documents import run_doc
from .report import report_json, report_markdown, run_file
from .sandbox import check_claim, format_result, run_limited

__all__ = ["DEFAULT_TIMEOUT", "VERDICTS", "ClaimError", "Result", "check_claim", "check_file",
           "format_result", "load_claims", "report_json", "report_markdown", "run_doc", "run_file",
           "run_limited"]
