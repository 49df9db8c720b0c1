"""How often a failing claim of the corpus gets its slip named, and whether it is the slip the corpus names.

    PYTHONPATH=$PWD python benchmarks/check_slips.py [--group errata] [--timeout 30]

Every claim of tests/corpus/ whose expected verdict is "fails" is checked (in a worker with a time limit,
as `nnderive check` does). A slip is "named" when the checker gives one (and the corrected claim, which
the checker has itself re-checked); it "agrees" when its kind (transpose, order, sign, factor,
activation derivative, index) is the kind the corpus entry's `why` names, for the entries whose `why`
names one of these kinds. Prints one row per group and a total.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.check_corpus import load_corpus  # noqa: E402

# (kind, words of a corpus 'why' or of the checker's slip that name it), the first match wins
KINDS = (
    ("transpose", ("transpose",)),
    ("order", ("order", "commute")),
    ("sign", ("sign",)),
    ("derivative", ("activation-derivative", "activation derivative", "derivative of the activation",
                    "sigma'", "g'", "f'", "phi'", "h'(")),
    ("factor", ("1/n", "1/m", "1/2", "factor", "the 2 ", "2 lambda")),
    ("index", ("index",)),
)


def kind_of(text: str) -> str:
    low = text.lower()
    for kind, words in KINDS:
        if any(w.lower() in low for w in words):
            return kind
    return ""


def run(claim, timeout: float):
    from derive.check import ClaimError, check_claim, run_limited
    from derive.spec import load_spec

    spec = load_spec(claim.spec) if claim.spec else None
    try:
        return run_limited(check_claim, claim.printed, givens=list(claim.givens), at=list(claim.at), spec=spec,
                           notation=claim.notation or None, timeout=timeout)
    except ClaimError:
        return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--group", help="only this corpus file (errata, calculus, ...)")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every claim and its slip")
    args = ap.parse_args(argv)
    claims = [c for c in load_corpus() if c.expected == "fails" and (not args.group or c.group == args.group)]
    rows: dict[str, list[int]] = {}
    t0 = time.perf_counter()
    for c in claims:
        r = run(c, args.timeout)
        row = rows.setdefault(c.group, [0, 0, 0, 0, 0])
        row[0] += 1
        failed = r is not None and r.verdict == "fails"
        row[1] += failed
        named = failed and bool(r.slip)
        row[2] += named
        want = kind_of(c.why)
        if want and failed:
            row[3] += 1
            row[4] += named and kind_of(r.slip) == want
        if args.verbose:
            print(f"{c.ident}: {r.verdict if r else 'error'}: {c.printed}\n    why: {c.why}\n"
                  f"    slip: {r.slip if r else ''}\n    corrected: {r.corrected if r else ''}")
    total = [sum(v[i] for v in rows.values()) for i in range(5)]
    print("| group | expected fails | checker fails | slip named | why names a kind | same kind |")
    print("|---|---:|---:|---:|---:|---:|")
    for g, v in sorted(rows.items()) + [("total", total)]:
        print(f"| {g} | " + " | ".join(map(str, v)) + " |")
    print(f"{len(claims)} claims in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
