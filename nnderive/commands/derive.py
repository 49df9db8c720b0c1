"""`nnderive derive SPEC`: derive and verify every gradient, print the summary."""

from __future__ import annotations

import time


def register(sub) -> None:
    p = sub.add_parser("derive", help="derive and verify every gradient of a network spec",
                       description="Derive every partial derivative of the loss through the chain rule,"
                       " prove it equal to exact forward-mode differentiation of the nested loss, and print a summary.")
    p.add_argument("spec", help="network spec (TOML)")
    p.add_argument("--layout", choices=("column", "row"), default=None,
                   help="matrix layout (default: the spec's conventions.layout)")
    p.add_argument("--elementwise", action="store_true", help="also print the element-wise forms")
    p.add_argument("--reverify", action="store_true",
                   help="prove again even when a certificate of an earlier proof of these equations is"
                   " cached (where: $NNDERIVE_CACHE_DIR, default the user cache folder)")
    p.set_defaults(func=cmd_derive)


def cmd_derive(args) -> int:
    from derive.pipeline import derive
    from derive.present.text import summary_text
    from derive.spec import load_spec

    spec = load_spec(args.spec)
    t0 = time.perf_counter()
    d = derive(spec, layout=args.layout, reverify=args.reverify)
    print(summary_text(d, elementwise=args.elementwise, seconds=time.perf_counter() - t0))
    print(d.verification.provenance())
    return 0
