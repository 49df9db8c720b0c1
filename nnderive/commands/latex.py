"""`nnderive latex SPEC`: write the derivation as a LaTeX article (optionally PDF) or Markdown."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("latex", help="write the derivation as a LaTeX article or Markdown",
                       description="Derive and verify a network's backpropagation, then write it up as a "
                       "standalone LaTeX article (or Markdown with KaTeX/MathJax math).",
                       epilog="exit codes: 0 everything written; 2 bad input (spec, example file, options) or a"
                       " failed pdflatex run (its log is kept next to the .tex); 3 a derivation failed its proof"
                       " (nothing written); 4 --pdf without pdflatex: the .tex is written, the PDF is not")
    p.add_argument("spec", help="network spec (TOML)")
    p.add_argument("-o", "--output", help="output file (default: <network name>.tex or .md)")
    p.add_argument("--format", choices=("tex", "md"), default=None,
                   help="tex (default; .md outputs default to md) or md")
    p.add_argument("--pdf", action="store_true",
                   help="also compile the .tex with latexmk/pdflatex (without TeX the .tex is still written,"
                   " with how to compile it, and the exit code is 4)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--example", metavar="FILE", help="worked example values (TOML: x, y, W1, b1, ..., alpha)")
    g.add_argument("--random-example", metavar="SEED", type=int, help="worked example with random values")
    p.add_argument("--decimals", type=int, default=4, help="decimals shown in the worked example (default 4)")
    p.add_argument("--rounding", choices=("activations", "every", "none"), default=None,
                   help="what the worked example rounds to those decimals before using it again: the activation"
                   " outputs (article 003, the default), every intermediate value, or nothing (default: the"
                   " example file's `rounding` key, else activations)")
    p.add_argument("--notation", default=None, metavar="PROFILE",
                   help="notation profile: default, article000, article003 or article004 (default: the"
                   " spec's [notation] profile)")
    p.set_defaults(func=cmd_latex)


SUFFIX_FORMATS = {".tex": "tex", ".md": "md", ".markdown": "md"}


def output_format(output: str | None, fmt: str | None) -> str:
    """The document format: --format, else the suffix of -o; a suffix that contradicts it is an error.

    LaTeX source never goes into a file named .pdf (--pdf compiles it next to the .tex), and
    Markdown never into a .tex file or the other way round.
    """
    from derive.present.document import DocumentError

    if not output:
        return fmt or "tex"
    suffix = Path(output).suffix.lower()
    if suffix == ".pdf":
        raise DocumentError(f"-o {output}: nnderive latex writes LaTeX or Markdown source, not a"
                            f" PDF; use -o {Path(output).with_suffix('.tex')} --pdf to compile it"
                            " (the PDF is written next to the .tex)")
    implied = SUFFIX_FORMATS.get(suffix)
    if implied is None:
        if fmt is None:
            raise DocumentError(f"-o {output}: cannot tell the format from the suffix"
                                f" {suffix or '(none)'}; name the file .tex or .md, or give --format")
        return fmt
    if fmt is not None and fmt != implied:
        raise DocumentError(f"-o {output}: the suffix {suffix} means {implied} but --format is {fmt};"
                            f" name the file .{fmt} or drop --format")
    return implied


def cmd_latex(args) -> int:
    from derive.pipeline import derive
    from derive.present.document import (
        DocumentError,
        compile_pdf,
        render,
        write_atomic,
    )
    from derive.present.notation import PROFILES
    from derive.present.worked_example import compute, load_example, random_example
    from derive.spec import Notation, load_spec

    if args.notation is not None and args.notation not in PROFILES:
        raise DocumentError(f"unknown notation profile '{args.notation}' (choose one of: {', '.join(PROFILES)})")
    fmt = output_format(args.output, args.format)
    spec = load_spec(args.spec)
    out = Path(args.output or f"{spec.name}.{fmt}")
    if args.pdf and fmt != "tex":
        raise DocumentError("--pdf needs --format tex")
    if args.notation:
        spec = replace(spec, notation=Notation(args.notation, spec.notation.overrides))
    d = derive(spec)
    example = None
    if args.example or args.random_example is not None:
        values = load_example(args.example, spec) if args.example else random_example(spec, args.random_example)
        example = compute(d, values, args.decimals, args.rounding)
    write_atomic(out, render(d, fmt, args.notation, example))
    print(f"wrote {out}")
    if args.pdf:  # without TeX: NoTeXError (exit 4) says how to compile the .tex just written
        print(f"wrote {compile_pdf(out)}")
    return 0
