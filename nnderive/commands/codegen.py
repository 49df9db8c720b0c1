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
    p.add_argument("--backend", choices=("numpy", "jax"), default="numpy",
                   help="numpy (default): a module that imports only numpy; jax: jax.numpy code whose"
                   " train_step is one pure jax.jit function, with data-parallel training over every"
                   " local device (default path generated/jax/<name>.py; needs the jax extra)")
    p.add_argument("--reverify", action="store_true",
                   help="prove the derivation again even when a certificate of an earlier proof is cached")
    p.set_defaults(func=cmd_codegen)


def cmd_codegen(args) -> int:
    from codegen.safety import check_spec
    from codegen.modules import cli_default_path, is_current, jax_path, write_module
    from derive.spec import load_spec

    spec = load_spec(args.spec)
    check_spec(spec)
    jax = getattr(args, "backend", "numpy") == "jax"
    path = Path(args.output) if args.output else (jax_path(spec) if jax else cli_default_path(spec))
    if jax:
        require_jax()

    def make():
        # derived, printed and verified once per process (a cached certificate stands in for the proof)
        if jax:
            from codegen.modules import jax_module_source

            return jax_module_source(spec, reverify=args.reverify)
        from codegen.emit import generate

        return generate(spec, reverify=args.reverify)

    again = f"nnderive codegen {args.spec}" + (" --backend jax" if jax else "")
    if args.check:
        # --check decides by generating in full and comparing byte for byte (never by the header)
        try:
            old = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            print(f"{path}: missing; run `{again}"
                  + (f" -o {path}`" if args.output else "`"), file=sys.stderr)
            return 1
        gm = make()
        if old == gm.source:
            print(f"{path}: up to date")
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            old.splitlines(keepends=True), gm.source.splitlines(keepends=True),
            fromfile=f"{path} (on disk)", tofile=f"{path} (generated)"))
        print(f"{path}: stale; run `{again}" + (f" -o {path}`" if args.output else "`"),
              file=sys.stderr)
        return 1
    if not args.reverify and is_current(spec, path, backend="jax" if jax else "numpy"):
        print(f"{path}: up to date (its header matches this spec, toolkit and generator, and its body is"
              " unedited; --reverify proves and writes it again)")
        return 0
    gm = make()
    write_module(gm, path)
    print(f"wrote {path}; {gm.verification.provenance()}")
    return 0


def require_jax() -> None:
    """jax is an optional extra: without it, one clear line and exit code 2."""
    import importlib.util

    from derive.errors import SpecError

    if importlib.util.find_spec("jax") is None:
        raise SpecError("the jax backend needs JAX: pip install 'nnderive[jax]'")
