"""The `nnderive` command: one parser, one subcommand module per stage under nnderive.commands.

Each command module's ``register(subparsers)`` adds its subcommands and sets ``func(args) -> exit
code``; it imports its stage only when the command runs, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from derive import __version__

COMMAND_MODULES = (
    "nnderive.commands.derive",   # derive
    "nnderive.commands.codegen",  # codegen
    "nnderive.commands.train",    # train, demo, predict
    "nnderive.commands.latex",    # latex
    "nnderive.commands.check",    # check
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnderive",
        description="Derive, verify, typeset and generate code for how neural networks learn.")
    parser.add_argument("--version", action="version", version=f"nnderive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from derive.errors import NNDeriveError

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at exit
        return code
    except BrokenPipeError:
        return _broken_pipe()
    except NNDeriveError as e:
        print(f"nnderive: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("nnderive: interrupted", file=sys.stderr)
        return 130


def _broken_pipe() -> int:
    """The reader of our output went away (`nnderive derive ... | head -2`): stop quietly.

    Python would report the unflushed rest of stdout at exit as another BrokenPipeError, so
    stdout is pointed at /dev/null first; the exit code is the shell's for SIGPIPE, 128 + 13.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (a test's captured stdout)
        pass
    return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
