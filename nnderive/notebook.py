"""nnderive in Jupyter: ``%load_ext nnderive.notebook``, then ``%%nncheck`` checks the equations of a cell.

Loading the extension also turns on the rich display of derivations (their equations, numbered as in
the document, and the network's figure); check results and documents display themselves anyway.

    %%nncheck --spec examples/article000_3_5_2.toml
    $$ \\frac{\\partial \\ell}{\\partial \\vec{z}^{2}} = \\vec{y}^{2} - \\vec{y}^{true} $$

The cell is read like a Markdown cell: every display equation ($$...$$, \\[...\\], equation and align
environments) is a claim, and a cell without display math holds one claim per line. ``%nncheck CLAIM``
checks one claim on its line. Options are those of ``nnderive check``: --spec, --notation, --given
(repeatable), --at (repeatable, scalar claims), --timeout; ``--raise`` makes a failing claim an error
(so a notebook run as a test, by nbclient or papermill, stops there).
"""

from __future__ import annotations

import argparse
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True)
class CellReport:
    """Every claim of one cell with its verdict: (line in the cell, verdict, claim, note)."""

    rows: tuple[tuple[int, str, str, str], ...]

    def exit_code(self) -> int:
        """As `nnderive check --doc`: 1 a claim fails, 4 one could not be decided, else 0."""
        from derive.check.documents import doc_exit_code

        return doc_exit_code(self.rows)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for _, verdict, _, _ in self.rows:
            out[verdict] = out.get(verdict, 0) + 1
        return dict(sorted(out.items()))

    def __str__(self) -> str:
        return "\n".join(f"{line}: {verdict}: {claim}" + (f"  ({note})" if note else "")
                         for line, verdict, claim, note in self.rows) or "no claims found"

    def _repr_markdown_(self) -> str:
        from derive.check.report import _md_cell

        if not self.rows:
            return "*nncheck: no claims found in the cell*\n"
        out = ["| line | verdict | claim | note |", "|---:|---|---|---|"]
        out += [f"| {line} | **{verdict}** | ${_md_cell(claim)}$ | {_md_cell(note)} |"
                for line, verdict, claim, note in self.rows]
        summary = ", ".join(f"{n} {v}" for v, n in self.counts().items())
        return "\n".join(out) + f"\n\n*{summary}*\n"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="%%nncheck", add_help=False, exit_on_error=False)
    p.add_argument("--spec")
    p.add_argument("--notation")
    p.add_argument("--given", action="append", default=[])
    p.add_argument("--at", action="append", default=[])
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    p.add_argument("--raise", dest="raise_", action="store_true")
    return p


# one leading option of the magic's line: --flag, or --name VALUE / --name=VALUE (VALUE may be quoted)
_OPTION = re.compile(r"""\s*(--[A-Za-z][\w-]*)(?:(?:=|\s+)(?!--)('[^']*'|"[^"]*"|\S+))?""")
_FLAGS = ("--raise",)


def _options(line: str) -> tuple[argparse.Namespace, str]:
    """The options at the start of the line, and the rest of it exactly as typed (a claim keeps its
    backslashes: it never goes through shell-style unquoting)."""
    from derive.check import ClaimError

    words, pos = [], 0
    while (m := _OPTION.match(line, pos)) is not None:
        words.append(m.group(1))
        if m.group(2) is not None and m.group(1) not in _FLAGS:
            words += shlex.split(m.group(2))
            pos = m.end()
        else:
            pos = m.end(1)
    try:
        args, unknown = _parser().parse_known_args(words)
    except (argparse.ArgumentError, ValueError) as e:
        raise ClaimError(f"%%nncheck: {e}") from None
    if unknown:
        raise ClaimError(f"%%nncheck: unknown option {unknown[0]} (--spec, --notation, --given, --at,"
                         " --timeout, --raise)")
    if not 0 < args.timeout <= 3600:
        raise ClaimError("%%nncheck: --timeout must be between 0 and 3600 seconds")
    return args, line[pos:].strip()


def claims_of(cell: str) -> str:
    """The cell as a document: its display equations, or (none there) one claim per non-blank line."""
    from derive.check.documents import display_equations

    if display_equations(cell):
        return cell
    lines = [ln if ln.strip() and not ln.lstrip().startswith("%") else "" for ln in cell.splitlines()]
    return "\n".join(f"\\[{ln}\\]" if ln else "" for ln in lines)


def check_cell(cell: str, spec: str | Path | None = None, notation: str | None = None, givens=(),
               timeout: float = DEFAULT_TIMEOUT) -> CellReport:
    """Check every claim of a cell's text, as `nnderive check --doc` checks a document (a front matter
    block at the top of the cell names the spec, notation and givens as in a document; options win)."""
    from derive.check.documents import check_equations, front_matter
    from derive.present.notation import PROFILES, TEXTBOOK_PROFILES
    from derive.spec import load_spec

    fm, _ = front_matter(cell)
    spec, notation = spec or fm.get("spec"), notation or fm.get("notation")
    givens = tuple(fm.get("given", ())) + tuple(givens)

    known = list(PROFILES) + list(TEXTBOOK_PROFILES)
    if notation is not None and notation not in known:
        from derive.check import ClaimError

        raise ClaimError(f"unknown notation profile '{notation}' (known: {', '.join(known)})")
    loaded = load_spec(spec) if spec else None
    return CellReport(tuple(check_equations(claims_of(cell), loaded, notation, tuple(givens), timeout)))


class ClaimFailed(AssertionError):
    """%%nncheck --raise: a claim of the cell fails (or could not be decided)."""


def nncheck(line: str, cell: str | None = None):
    """The magic: %%nncheck [options] over a cell, or %nncheck [options] CLAIM on one line."""
    from IPython.core.error import UsageError

    from derive.errors import NNDeriveError

    try:
        args, rest = _options(line)
        if cell is not None and rest:
            raise UsageError(f"%%nncheck: unexpected {rest.split()[0]!r} after the options (the claims go in"
                             " the cell)")
        if cell is None:
            claim = rest
            if not claim:
                raise UsageError("%nncheck CLAIM: give the claim after the options (or use %%nncheck on a cell)")
            from derive.check import check_claim, run_limited
            from derive.spec import load_spec

            r = run_limited(check_claim, claim, givens=tuple(args.given), at=tuple(args.at),
                            spec=load_spec(args.spec) if args.spec else None, notation=args.notation,
                            timeout=args.timeout)
            if args.raise_ and r.verdict != "holds":
                raise ClaimFailed(f"{r.verdict}: {claim}: {r.summary()}")
            return r
        if args.at:
            raise UsageError("%%nncheck: --at is for one scalar claim (%nncheck --at x=1 CLAIM)")
        report = check_cell(cell, args.spec, args.notation, args.given, args.timeout)
    except NNDeriveError as e:
        raise UsageError(str(e)) from None  # one line in the notebook, no traceback
    if args.raise_ and report.exit_code() != 0:
        from derive.check.documents import base_verdict

        bad = [f"line {ln}: {v}: {c}" for ln, v, c, note in report.rows
               if base_verdict(v) not in ("holds", "definition", "skipped")]
        raise ClaimFailed("; ".join(bad))
    return report


def load_ipython_extension(ipython) -> None:
    """`%load_ext nnderive.notebook`: the %%nncheck magic and the rich display of derivations."""
    import derive.present  # noqa: F401 - registers how a Derivation displays (derive.engine.DISPLAY)

    ipython.register_magic_function(nncheck, magic_kind="line_cell", magic_name="nncheck")
