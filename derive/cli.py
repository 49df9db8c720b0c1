"""The `nnderive` command: one parser, subcommands registered by the modules that own them."""

from __future__ import annotations

import argparse
import importlib
import sys
import time

from . import __version__
from .errors import NNDeriveError

# Each module exposes register(subparsers); its subcommand sets func(args) -> exit code.
SUBCOMMAND_MODULES = (
    "derive.cli",          # derive
    "codegen.emit",        # codegen
    "codegen.runner",      # train, demo, predict
    "derive.document",     # latex
    "derive.check",        # check
)


def register(sub) -> None:
    p = sub.add_parser("derive", help="derive and verify every gradient of a network spec",
                       description="Derive every partial derivative of the loss through the chain rule,"
                       " prove it equal to SymPy's direct differentiation, and print a summary.")
    p.add_argument("spec", help="network spec (TOML)")
    p.add_argument("--layout", choices=("column", "row"), default=None,
                   help="matrix layout (default: the spec's conventions.layout)")
    p.add_argument("--elementwise", action="store_true", help="also print the element-wise forms")
    p.set_defaults(func=cmd_derive)


def cmd_derive(args) -> int:
    from .engine import derive
    from .spec import load_spec
    from .summary import summary_text

    spec = load_spec(args.spec)
    t0 = time.perf_counter()
    d = derive(spec, layout=args.layout)
    print(summary_text(d, elementwise=args.elementwise, seconds=time.perf_counter() - t0))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnderive",
        description="Derive, verify, typeset and generate code for how neural networks learn.")
    parser.add_argument("--version", action="version", version=f"nnderive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue  # that part of the toolkit is not installed in this build
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except NNDeriveError as e:
        print(f"nnderive: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("nnderive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
