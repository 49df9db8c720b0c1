"""`nnderive codegen SPEC`: emit (or --check) the verified numpy module of a spec."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("codegen", help="generate a verified numpy module for a network spec",
                       description="Derive the network's gradients, emit a self-contained numpy module"
                       " (forward, backward, update), verify it against the engine and finite"
                       " differences, and write it atomically.")
    p.add_argument("spec", help="network spec (TOML)")
    p.add_argument("-o", "--output", metavar="PATH", default=None,
                   help="output file (default: generated/<spec name>.py: the package's folder for the"
                   " project's example specs, ./generated/ in the current folder for any other spec)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 with a diff if the file is missing or stale")
    p.add_argument("--reverify", action="store_true",
                   help="prove the derivation again even when a certificate of an earlier proof is cached")
    p.set_defaults(func=cmd_codegen)


def cmd_codegen(args) -> int:
    from codegen.emit import check_spec, generate
    from codegen.modules import cli_default_path, is_current, write_module
    from derive.spec import load_spec

    spec = load_spec(args.spec)
    check_spec(spec)
    path = Path(args.output) if args.output else cli_default_path(spec)
    if args.check:
        # --check decides by generating in full and comparing byte for byte (never by the header)
        try:
            old = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            print(f"{path}: missing; run `nnderive codegen {args.spec}"
                  + (f" -o {path}`" if args.output else "`"), file=sys.stderr)
            return 1
        gm = generate(spec, reverify=args.reverify)
        if old == gm.source:
            print(f"{path}: up to date")
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(keepends=True), gm.source.splitlines(keepends=True),
            fromfile=f"{path} (on disk)", tofile=f"{path} (generated)"))
        print(f"{path}: stale; run `nnderive codegen {args.spec}" + (f" -o {path}`" if args.output else "`"),
              file=sys.stderr)
        return 1
    if not args.reverify and is_current(spec, path):
        print(f"{path}: up to date (its header matches this spec, toolkit and generator, and its body is"
              " unedited; --reverify proves and writes it again)")
        return 0
    gm = generate(spec, reverify=args.reverify)
    write_module(gm, path)
    print(f"wrote {path}; {gm.verification.provenance()}")
    return 0
