"""Round trip (issue 9.5): every equation `nnderive latex` writes, checked with `nnderive check --doc`.

    python benchmarks/check_roundtrip.py [--spec FILE ...] [--formats tex,md] [--profiles own,default,...]
                                         [--random N] [--seed S] [--no-examples]

For every spec (the article examples, or the ones given), format and notation profile (`own` is the
spec's own profile; `all` every profile of `nnderive latex --notation`), writes the document with a
random worked example and checks it with `nnderive check --doc` and no other option: the document
names its spec and notation in its front matter. `--random N` adds N random small specs (architecture,
activations, loss, layout, ReLU'(0) and profile drawn from --seed). Prints a table (equations, how many
hold or are definitions or skipped steps, the others, seconds of the check) and every equation that
does not hold, so that the gaps are visible by kind.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from derive.primitives import ACTIVATIONS  # noqa: E402

SPECS = ["article000_3_5_2", "article003_3_2_2", "article004_4_2_3"]
PROFILES = ["default", "article000", "article003", "article004"]
OK = ("holds", "definition", "skipped")
# every element-wise activation of the registry (elu, gelu, gelu_tanh, silu included: documents of those were
# never drawn, and did not read back)
ELEMENTWISE = [name for name in ACTIVATIONS if name != "softmax"]


def random_spec(rng: random.Random, k: int, folder: Path) -> Path:
    """A small random network written as a spec file (so the document can name it)."""
    depth = rng.randint(1, 3)
    layers = [rng.randint(1, 3) for _ in range(depth + 1)]
    loss = rng.choice(["half_sse", "sse", "mse", "half_mse", "bce", "cce"])
    out = {"bce": "sigmoid", "cce": "softmax"}.get(loss, rng.choice(ELEMENTWISE))
    if out == "softmax":
        layers[-1] = max(layers[-1], 2)
    acts = [rng.choice(ELEMENTWISE) for _ in range(depth - 1)] + [out]
    path = folder / f"random{k}.toml"
    path.write_text(f'[network]\nname = "random{k}"\nlayers = {layers}\nactivations = {acts}\nloss = "{loss}"\n'
                    f'\n[notation]\nprofile = "{rng.choice(PROFILES)}"\n\n[conventions]\n'
                    f'layout = "{rng.choice(["column", "row"])}"\nrelu_prime_at_zero = {rng.choice([0.0, 0.5, 1.0])}\n',
                    encoding="utf-8")
    return path


def check_one(spec: Path, fmt: str, profile: str | None, tmp: Path, seed: int, example: bool):
    """(rows of the --doc report as (line, verdict, claim), seconds of the check) or an error text."""
    stem = f"{spec.stem}-{profile or 'own'}"
    doc = tmp / f"{stem}.{fmt}"
    cmd = [sys.executable, "-m", "nnderive", "latex", str(spec), "-o", str(doc), "--format", fmt]
    cmd += ["--random-example", str(seed)] if example else []
    cmd += ["--notation", profile] if profile else []
    w = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if w.returncode not in (0, 4) or not doc.exists():
        return f"latex failed: {w.stderr.strip()[:160]}", 0.0
    t0 = time.perf_counter()
    c = subprocess.run([sys.executable, "-m", "nnderive", "check", "--doc", str(doc)], capture_output=True,
                       text=True, cwd=tmp)
    seconds = time.perf_counter() - t0
    if c.returncode == 2 and not c.stdout:
        return f"check failed: {c.stderr.strip()[:160]}", seconds
    rows = []
    for line in c.stdout.splitlines():
        head, _, rest = line.partition(": ")
        if head.startswith(str(doc) + ":") and head.rsplit(":", 1)[1].isdigit():
            verdict, _, claim = rest.partition(": ")
            rows.append((head.rsplit(":", 1)[1], verdict.split(" ")[0], claim))
    return rows, seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", action="append", help="spec files (default: the article examples)")
    ap.add_argument("--formats", default="tex,md")
    ap.add_argument("--profiles", default="own", help="own, all, or a comma list of profiles")
    ap.add_argument("--random", type=int, default=0, help="also this many random small specs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-examples", action="store_true", help="documents without a worked example")
    args = ap.parse_args()
    profiles = PROFILES if args.profiles == "all" else [None if p == "own" else p for p in args.profiles.split(",")]
    print(f"{'spec':24} {'profile':10} {'format':6} {'equations':>9} {'hold':>6} {'other':>6} {'seconds':>8}")
    gaps, totals = [], [0, 0]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        specs = [Path(s).resolve() for s in args.spec] if args.spec else [ROOT / "examples" / f"{s}.toml"
                                                                          for s in SPECS]
        rng = random.Random(args.seed)
        runs = [(s, p) for s in specs for p in profiles]
        randoms = [random_spec(rng, k, tmp) for k in range(args.random)]
        # a random spec in its own (random) profile, and with --profiles all or a list in those too
        runs += [(r, p) for r in randoms for p in ([None] + [q for q in profiles if q] if args.profiles != "own"
                                                   else [None])]
        for spec, profile in runs:
            for fmt in args.formats.split(","):
                got, seconds = check_one(spec, fmt, profile, tmp, args.seed, not args.no_examples)
                name = f"{spec.stem:24} {profile or 'own':10} {fmt:6}"
                if isinstance(got, str):
                    print(f"{name} {got}")
                    gaps.append(f"{spec.stem}-{profile or 'own'}.{fmt}: {got}")
                    continue
                ok = sum(v in OK for _, v, _ in got)
                totals[0] += len(got)
                totals[1] += ok
                print(f"{name} {len(got):9d} {ok:6d} {len(got) - ok:6d} {seconds:8.1f}")
                gaps += [f"{spec.stem}-{profile or 'own'}.{fmt}:{line}: {v}: {c[:150]}" for line, v, c in got
                         if v not in OK]
    print(f"\ntotal: {totals[1]} of {totals[0]} equations hold (or are definitions or skipped steps)")
    print(f"equations that do not hold ({len(gaps)}):")
    for g in gaps:
        print("  " + g)


if __name__ == "__main__":
    main()
