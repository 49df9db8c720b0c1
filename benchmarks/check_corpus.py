"""Score the equation checker on the claims corpus (tests/corpus): parse rate, accuracy, false holds, time.

Every [[claim]] of every tests/corpus/*.toml goes through the checker's public API
(`derive.check.check_claim`, in a worker with a time limit via `derive.check.run_limited`), and its
verdict is compared with the corpus's `expected` verdict, which was derived by hand from mathematics
(tests/corpus/README.md), never from what the checker says. Prints, per corpus file (a "source") and
overall: the parse rate (claims not refused as unreadable, among those that are well-formed), the
accuracy (verdict == expected), false holds (said holds, expected anything else: listed claim by claim),
false fails (said fails, expected anything else), and the median and maximum seconds per claim.

    python benchmarks/check_corpus.py [--corpus DIR] [--only SOURCE] [--json FILE] [--timeout S] [-v]

The order of the claims and everything but the timings are deterministic.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "corpus"

REQUIRED = ("printed", "expected", "source", "why")
OPTIONAL = ("givens", "at", "spec", "notation", "condition")
EXPECTED = ("holds", "fails", "not-checkable", "ambiguous", "error")

# Verdict names the checker reports today (derive.check.compare.VERDICTS, plus a refusal = "error"),
# mapped to the corpus's categories. "holds-with-convention" is a failure that is right up to a sign,
# factor or transpose: the checker prints it as "fails".
KNOWN = {"holds": "holds", "fails": "fails", "holds-with-convention": "fails",
         "not-checkable": "not-checkable", "ambiguous": "ambiguous", "error": "error",
         "undefined": "not-checkable", "ill-posed": "not-checkable"}
# Names a future checker may add. A hold that names a condition (issue 9.1: "holds for sigmoid outputs
# with cross-entropy"); a weaker hold than a proof (issue 9.2: "checked for n = 1..K"). Any other
# unknown name is mapped conservatively: if it sounds like a hold it counts as one (so it can be a
# false hold), otherwise it is never counted correct. Unknown names are printed.
CONDITIONAL = ("holds-if", "holds-when", "holds-under", "holds-with-condition", "holds-conditionally",
               "conditional", "holds-for-some")  # the checker branch in progress says "conditional"
WEAK = ("checked", "holds-for-n", "holds-up-to", "holds-numerically", "probably-holds", "likely-holds",
        "holds-checked", "holds-sampled")
HOLD_LIKE = ("holds", "true", "proved", "proven", "verified", "checked", "probably", "likely")


class CorpusError(Exception):
    """A corpus file is malformed (message names the file, the entry and the key)."""


@dataclass(frozen=True)
class Claim:
    group: str          # the corpus file's stem: the "source" the table reports on
    number: int         # position in its file, from 1
    printed: str
    expected: str
    source: str         # the citation (book and equation, "calculus", "errata", "tex-trap")
    why: str
    givens: tuple = ()
    at: tuple = ()
    spec: str = ""      # absolute path of the spec file, or ""
    notation: str = ""
    condition: str = ""

    @property
    def ident(self) -> str:
        return f"{self.group}:{self.number}"


@dataclass
class Outcome:
    claim: Claim
    verdict: str        # the checker's own verdict name ("error" for a refusal, "timeout")
    category: str       # holds, holds-if, weak-holds, fails, not-checkable, ambiguous, error, timeout, other
    seconds: float
    note: str = ""
    condition: str = ""  # the condition the checker named, if any
    correct: bool = False
    false_hold: bool = False
    false_fail: bool = False


# ---------------------------------------------------------------------------------------------
# Loading and validating the corpus


def entry_problems(e, where: str, base: Path) -> list[str]:
    """Every problem of one [[claim]] table, as 'file: entry N: key: problem' lines."""
    if not isinstance(e, dict):
        return [f"{where}: an entry must be a table"]
    out = []
    for k in REQUIRED:
        if k not in e:
            out.append(f"{where}: missing required key '{k}'")
        elif not isinstance(e[k], str) or not e[k].strip():
            out.append(f"{where}: '{k}' must be a non-empty string")
    for k in e:
        if k not in REQUIRED + OPTIONAL:
            out.append(f"{where}: unknown key '{k}' (allowed: {', '.join(REQUIRED + OPTIONAL)})")
    if isinstance(e.get("expected"), str) and e["expected"] not in EXPECTED:
        out.append(f"{where}: expected = {e['expected']!r} is not one of {', '.join(EXPECTED)}")
    for k in ("givens", "at"):
        v = e.get(k, [])
        if not (isinstance(v, list) and all(isinstance(x, str) and x.strip() for x in v)):
            out.append(f"{where}: '{k}' must be a list of non-empty strings")
    for k in ("spec", "notation", "condition"):
        if k in e and (not isinstance(e[k], str) or not e[k].strip()):
            out.append(f"{where}: '{k}' must be a non-empty string")
    if isinstance(e.get("spec"), str) and e["spec"].strip() and not (base / e["spec"]).is_file():
        out.append(f"{where}: spec file '{e['spec']}' not found (relative to {base})")
    if isinstance(e.get("notation"), str):
        from derive.present.notation import PROFILES

        if e["notation"] not in PROFILES:
            out.append(f"{where}: unknown notation profile {e['notation']!r} (known: {', '.join(PROFILES)})")
    if "condition" in e and e.get("expected") != "holds":
        out.append(f"{where}: 'condition' is only for claims expected to hold (under it)")
    if "condition" in e and "spec" in e:
        out.append(f"{where}: a claim checked against a spec has no condition (the spec fixes it)")
    return out


def file_problems(path: Path) -> list[str]:
    """Every problem of one corpus file: TOML syntax, entries, duplicate printed texts."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        return [f"{path.name}: not valid TOML: {e}"]
    extra = sorted(set(data) - {"claim"})
    out = [f"{path.name}: unknown top-level key(s) {extra} (only [[claim]] tables)"] if extra else []
    entries = data.get("claim")
    if not isinstance(entries, list) or not entries:
        return out + [f"{path.name}: no [[claim]] tables"]
    seen: dict[str, int] = {}
    for n, e in enumerate(entries, 1):
        where = f"{path.name}: entry {n}"
        out += entry_problems(e, where, path.parent)
        p = e.get("printed") if isinstance(e, dict) else None
        if isinstance(p, str):
            if p in seen:
                out.append(f"{where}: printed text repeats entry {seen[p]}: {p!r}")
            seen.setdefault(p, n)
    return out


def corpus_files(corpus: Path) -> list[Path]:
    files = sorted(corpus.glob("*.toml"))
    if not files:
        raise CorpusError(f"{corpus}: no *.toml corpus files")
    return files


def load_corpus(corpus: Path = CORPUS) -> list[Claim]:
    """Every claim of the corpus, in file then entry order; CorpusError listing every problem."""
    problems, claims = [], []
    for path in corpus_files(corpus):
        found = file_problems(path)
        problems += found
        if found:
            continue
        for n, e in enumerate(tomllib.loads(path.read_text(encoding="utf-8"))["claim"], 1):
            spec = str((path.parent / e["spec"]).resolve()) if "spec" in e else ""
            claims.append(Claim(path.stem, n, e["printed"], e["expected"], e["source"], e["why"],
                                tuple(e.get("givens", ())), tuple(e.get("at", ())), spec,
                                e.get("notation", ""), e.get("condition", "")))
    if problems:
        raise CorpusError("\n".join(problems))
    return claims


def select(claims: list[Claim], only: str | None) -> list[Claim]:
    """--only: a corpus file's stem, else a case-insensitive part of the 'source' citation."""
    if not only:
        return claims
    by_group = [c for c in claims if c.group == only]
    if by_group:
        return by_group
    hit = [c for c in claims if only.lower() in c.source.lower()]
    if not hit:
        groups = ", ".join(sorted({c.group for c in claims}))
        raise CorpusError(f"--only {only!r} matches no corpus file ({groups}) and no source citation")
    return hit


# ---------------------------------------------------------------------------------------------
# Running one claim and judging its verdict


def categorize(verdict: str, condition: str = "") -> str:
    """The corpus category of a checker verdict name (conservative for names it does not know)."""
    v = verdict.strip().lower().replace(" ", "-").replace("_", "-")
    if v == "holds" and condition:
        return "holds-if"
    if v in KNOWN:
        return KNOWN[v]
    if v == "timeout":
        return "timeout"
    if any(v.startswith(p) for p in CONDITIONAL):
        return "holds-if"
    if any(v.startswith(p) for p in WEAK):
        return "weak-holds"
    if any(v.startswith(p) for p in HOLD_LIKE):
        return "weak-holds"
    return "other"


def judge(o: Outcome) -> Outcome:
    """Fill in correct / false_hold / false_fail from the category and the corpus's expectation."""
    exp, cond, cat = o.claim.expected, bool(o.claim.condition), o.category
    if exp == "holds":
        o.correct = cat == "holds-if" if cond else cat in ("holds", "weak-holds")
    else:
        o.correct = cat == exp
    said_holds = cat in ("holds", "weak-holds", "holds-if")
    # an unconditional hold of a claim true only under a condition is a false hold; so is any hold
    # (even a conditional one) of a claim that is false, ill-posed, ambiguous or malformed
    o.false_hold = said_holds and (exp != "holds" or (cond and cat != "holds-if"))
    o.false_fail = cat == "fails" and exp != "fails"
    return o


_SPECS: dict = {}


def _spec(path: str):
    from derive.spec import load_spec

    if path and path not in _SPECS:
        _SPECS[path] = load_spec(path)
    return _SPECS.get(path)


def run_claim(c: Claim, timeout: float) -> Outcome:
    """Check one claim through the public API, in a worker with a time limit."""
    from derive.check import ClaimError, check_claim, run_limited

    spec = _spec(c.spec)
    t0 = time.perf_counter()
    try:
        r = run_limited(check_claim, c.printed, givens=list(c.givens), at=list(c.at), spec=spec,
                        notation=c.notation or None, timeout=timeout)
        secs = time.perf_counter() - t0
        cond = str(getattr(r, "condition", "") or "")
        note = r.summary() if hasattr(r, "summary") else ""
        o = Outcome(c, r.verdict, categorize(r.verdict, cond), secs, note, cond)
    except ClaimError as e:
        secs = time.perf_counter() - t0
        msg = str(e).splitlines()[0] if str(e) else ""
        timed_out = msg.startswith("time limit") or secs >= timeout
        o = Outcome(c, "timeout" if timed_out else "error", "timeout" if timed_out else "error", secs, msg)
    return judge(o)


def run_all(claims: list[Claim], timeout: float, progress=None) -> list[Outcome]:
    out = []
    for i, c in enumerate(claims, 1):
        out.append(run_claim(c, timeout))
        if progress:
            progress(i, len(claims), out[-1])
    return out


# ---------------------------------------------------------------------------------------------
# Scores and the table


@dataclass
class Score:
    source: str
    claims: int = 0
    well_formed: int = 0
    parsed: int = 0
    correct: int = 0
    false_holds: int = 0
    false_fails: int = 0
    median_s: float = 0.0
    max_s: float = 0.0
    by_category: dict = field(default_factory=dict)

    @property
    def parse_rate(self) -> float:
        return self.parsed / self.well_formed if self.well_formed else 1.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.claims if self.claims else 1.0


def score(outcomes: list[Outcome], source: str) -> Score:
    s = Score(source, claims=len(outcomes))
    for o in outcomes:
        if o.claim.expected != "error":
            s.well_formed += 1
            s.parsed += o.category != "error"
        s.correct += o.correct
        s.false_holds += o.false_hold
        s.false_fails += o.false_fail
        s.by_category[o.category] = s.by_category.get(o.category, 0) + 1
    secs = [o.seconds for o in outcomes]
    if secs:
        s.median_s, s.max_s = statistics.median(secs), max(secs)
    return s


def scores(outcomes: list[Outcome]) -> list[Score]:
    groups = sorted({o.claim.group for o in outcomes})
    return [score([o for o in outcomes if o.claim.group == g], g) for g in groups] + [score(outcomes, "overall")]


def table(rows: list[Score]) -> str:
    head = (f"{'source':14} {'claims':>6} {'parse':>7} {'accuracy':>9} {'false holds':>11} "
            f"{'false fails':>11} {'median s':>8} {'max s':>7}")
    lines = [head, "-" * len(head)]
    for s in rows:
        if s.source == "overall":
            lines.append("-" * len(head))
        lines.append(f"{s.source:14} {s.claims:6d} {100 * s.parse_rate:6.1f}% {100 * s.accuracy:8.1f}% "
                     f"{s.false_holds:11d} {s.false_fails:11d} {s.median_s:8.2f} {s.max_s:7.2f}")
    return "\n".join(lines)


def _short(text: str, n: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def report(outcomes: list[Outcome], verbose: bool = False) -> str:
    rows = scores(outcomes)
    parts = [table(rows)]
    fh = [o for o in outcomes if o.false_hold]
    parts.append(f"\nFalse holds ({len(fh)}): said holds, expected otherwise")
    for o in fh:
        cond = f" [needs: {_short(o.claim.condition, 60)}]" if o.claim.condition else ""
        parts.append(f"  {o.claim.ident:16} expected {o.claim.expected}{cond}, checker {o.verdict}: "
                     f"{_short(o.claim.printed)}")
    unknown = sorted({o.verdict for o in outcomes
                      if o.verdict.strip().lower() not in KNOWN and o.verdict not in ("timeout",)})
    if unknown:
        parts.append("\nVerdict names this script does not know (mapped conservatively): "
                     + ", ".join(f"{v} -> {categorize(v)}" for v in unknown))
    conditional = [o for o in outcomes if o.category == "holds-if"]
    if conditional:
        parts.append(f"\nConditional holds the checker reported ({len(conditional)}):")
        for o in conditional:
            parts.append(f"  {o.claim.ident:16} checker: {_short(o.condition or o.note or o.verdict, 60)}; "
                         f"corpus: {_short(o.claim.condition or '(none: holds for every network)', 60)}")
    timeouts = [o for o in outcomes if o.category == "timeout"]
    if timeouts:
        parts.append(f"\nTimed out ({len(timeouts)}): " + ", ".join(o.claim.ident for o in timeouts))
    if verbose:
        wrong = [o for o in outcomes if not o.correct and not o.false_hold]
        parts.append(f"\nOther disagreements ({len(wrong)}):")
        for o in wrong:
            parts.append(f"  {o.claim.ident:16} expected {o.claim.expected}, checker {o.verdict}: "
                         f"{_short(o.claim.printed, 80)}  | {_short(o.note, 80)}")
    return "\n".join(parts)


def to_json(outcomes: list[Outcome], timeout: float) -> dict:
    claims = []
    for o in outcomes:
        d = asdict(o)
        d["claim"] = {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(o.claim).items()}
        d["claim"]["spec"] = str(Path(o.claim.spec).relative_to(ROOT)) if o.claim.spec else ""
        d["id"] = o.claim.ident
        d["seconds"] = round(o.seconds, 3)
        claims.append(d)
    summary = [{"source": s.source, "claims": s.claims, "well_formed": s.well_formed, "parsed": s.parsed,
                "parse_rate": round(s.parse_rate, 4), "correct": s.correct, "accuracy": round(s.accuracy, 4),
                "false_holds": s.false_holds, "false_fails": s.false_fails,
                "median_seconds": round(s.median_s, 3), "max_seconds": round(s.max_s, 3),
                "by_category": dict(sorted(s.by_category.items()))} for s in scores(outcomes)]
    return {"timeout_seconds": timeout, "summary": summary, "claims": claims}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="directory of corpus *.toml files")
    ap.add_argument("--only", action="append", help="a corpus file's stem (e.g. nielsen) or a part of the source"
                    " citation; repeat it for several")
    ap.add_argument("--json", type=Path, help="also write every claim's outcome and the scores as JSON")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per claim (default 20)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every disagreement, not only false holds")
    args = ap.parse_args(argv)
    if not (args.timeout > 0 and args.timeout <= 3600):
        print("check_corpus: --timeout must be a number of seconds in (0, 3600]", file=sys.stderr)
        return 2
    try:
        loaded = load_corpus(args.corpus)
        claims = [c for only in (args.only or [None]) for c in select(loaded, only)]
    except CorpusError as e:
        print(f"check_corpus: the corpus is malformed:\n{e}", file=sys.stderr)
        return 2

    def progress(i, n, o):
        if sys.stderr.isatty():
            print(f"\r{i}/{n} {o.claim.ident:20}", end="", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    outcomes = run_all(claims, args.timeout, progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(report(outcomes, args.verbose))
    print(f"\n{len(outcomes)} claims in {time.perf_counter() - t0:.0f} s (time limit {args.timeout:g} s each)")
    if args.json:
        from derive.fileio import atomic_write_text

        text = json.dumps(to_json(outcomes, args.timeout), indent=1, ensure_ascii=False)
        atomic_write_text(args.json, text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
