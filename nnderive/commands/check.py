"""`nnderive check`: one LaTeX claim, a claims file (--file) or a whole draft (--doc)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

DEFAULT_TIMEOUT = 60.0  # seconds per claim; the checker's own default (derive.check.DEFAULT_TIMEOUT)

def register(sub) -> None:
    p = sub.add_parser(
        "check", help="check a LaTeX claim (derivative, backprop equation) or a claims file / document",
        description="Check a LaTeX claim. Scalar claims need no spec; network claims take --spec and"
        " use the spec's [notation] profile (if it has none, the default: W^{l}, b^{l}, z^{l}, a^{l}, x, y,"
        " L, \\delta^{l}) unless --notation names another."
        " Without --spec, a claim in a textbook's network letters (Nielsen, Goodfellow, Ng, nnderive's"
        " own) is checked for a generic network: any activation, any cost."
        " Exit 0: holds; 1: fails (with a counterexample); 2: cannot be read; 4: not decided"
        " (not-checkable, ambiguous, only checked for some sizes, or true only for some activations"
        " and losses, which are named). With --file and --doc: the worst of these over every equation"
        " (and over every file).")
    # nargs="*": with --doc, files may also come last, where pre-commit puts them (`--doc --spec S a.md`)
    p.add_argument("claim", nargs="*", help="the claim in LaTeX, e.g. \"\\sigma'(z) = \\sigma(z)(1-\\sigma(z))\""
                   " (with --doc: more files)")
    p.add_argument("--given", action="append", default=[], metavar="DEF",
                   help="a definition, NAME = expr or f(x) = expr (repeatable)")
    p.add_argument("--at", action="append", default=[], metavar="SYMBOL=VALUE",
                   help="evaluate at this value (repeatable)")
    p.add_argument("--spec", help="network spec (TOML) for network claims")
    p.add_argument("--notation", help="notation profile (default, article000, article003, article004) or a"
                   " textbook's letters (nielsen, goodfellow, ng, ng-vectors); without it, the spec's own"
                   " [notation], or the letters the claim uses. Add or give only role spellings, separated by"
                   " ';' (roles: weight bias preact act input target output loss delta activation; @ is the"
                   " layer): 'nielsen; act=o^{@}; loss=E' or 'act=o^{@}'")
    p.add_argument("--file", help="a claims file (TOML) to check entry by entry")
    p.add_argument("--doc", nargs="*", metavar="FILE",
                   help="Markdown or LaTeX drafts whose display equations are checked (several files: each is"
                   " reported, the exit code is the worst: 2 > 1 > 4 > 0)")
    p.add_argument("--allow-undecided", action="store_true",
                   help="--doc: exit 0 rather than 4 when no claim fails but some could not be decided")
    p.add_argument("-o", "--report", help="write the report here (.md; a .json is written beside it)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds per claim (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="worker processes for --file and --doc (default: the cores, at most 2)")
    p.set_defaults(func=cmd_check)


def _load_spec_arg(path):
    if not path:
        return None
    from derive.spec import load_spec

    return load_spec(path)


def cmd_check(args) -> int:
    from derive.check import ClaimError, check_claim, format_result, run_doc, run_file, run_limited
    from derive.fileio import atomic_write_text

    if args.doc is not None:
        stray = [c for c in args.claim if not Path(c).exists()]
        if stray and args.doc:  # a claim and --doc together, not a document pre-commit passed
            raise ClaimError(f"give exactly one of: a CLAIM, --file FILE, --doc FILE ({stray[0]!r} is not a file)")
        args.doc, args.claim = args.doc + args.claim, None
        if not args.doc:
            raise ClaimError("--doc needs at least one FILE")
    elif len(args.claim) > 1:
        raise ClaimError(f"give the claim as one argument, in quotes: '{' '.join(args.claim)}'")
    else:
        args.claim = args.claim[0] if args.claim else None
    modes = [m for m in (args.claim, args.file, args.doc) if m is not None]
    if len(modes) != 1:
        raise ClaimError("give exactly one of: a CLAIM, --file FILE, --doc FILE")
    if args.notation:
        from derive.present.notation import PROFILES, TEXTBOOK_PROFILES, split_notation
        from derive.spec import SpecError

        known = list(PROFILES) + list(TEXTBOOK_PROFILES)
        try:
            split_notation(args.notation)
        except KeyError as e:
            raise ClaimError(f"{e.args[0]} (known: {', '.join(known)})") from None
        except SpecError as e:
            raise ClaimError(str(e)) from None
    if not (0 < args.timeout <= 3600):      # also refuses nan
        raise ClaimError("--timeout must be a number of seconds above 0 and at most 3600")
    if args.jobs is not None and not 1 <= args.jobs <= 64:
        raise ClaimError("--jobs must be a whole number from 1 to 64")
    if args.file:
        return run_file(args.file, args.report, timeout=args.timeout, jobs=args.jobs)
    if args.doc:
        return _run_docs(args, run_doc)
    spec = _load_spec_arg(args.spec)
    r = run_limited(check_claim, args.claim, givens=tuple(args.given), at=tuple(args.at), spec=spec,
                    notation=args.notation, timeout=args.timeout)
    print(format_result(r))
    if args.report:
        out = Path(args.report)
        if out.suffix.lower() == ".json":
            atomic_write_text(out, json.dumps(asdict(r), indent=2, ensure_ascii=False) + "\n")
        else:   # .md (or anything else): the same text as printed, as Markdown
            atomic_write_text(out, f"# nnderive check\n\n```\n{format_result(r)}\n```\n")
    return r.exit_code()


def _run_docs(args, run_doc) -> int:
    import sys

    from derive.errors import NNDeriveError

    if args.report and len(args.doc) > 1:
        from derive.check import ClaimError

        raise ClaimError("-o/--report takes one --doc FILE (one report per document)")
    from derive.check.exitcodes import worst

    codes = []
    for path in args.doc:
        try:
            code = run_doc(path, spec_path=args.spec, notation=args.notation, report=args.report,
                           timeout=args.timeout, jobs=args.jobs)
        except NNDeriveError as e:  # one unreadable file is reported; the others are still checked
            if len(args.doc) == 1:
                raise
            msg = str(e) if str(e).startswith(str(path)) else f"{path}: {e}"  # which document it was
            print(f"nnderive: error: {msg}", file=sys.stderr, flush=True)
            code = e.exit_code
        if code == 4 and args.allow_undecided:
            code = 0
        codes.append(code)
    # one rule inside a document, a claims file and across files (derive/check/exitcodes.py)
    return worst(codes)
