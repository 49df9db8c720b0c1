"""Claims files (TOML, the article catalogue): one [[claim]] table per claim, checked entry by entry."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compare import CHECK_VERDICTS, DEFAULT_TIMEOUT, VERDICTS, ClaimError, Result
from .network import check_shape
from .nodes import LatexError
from .sandbox import check_claim, run_limited

# ---------------------------------------------------------------------------------------------
# Claims files (the article catalogue) and reports


@dataclass
class Entry:
    """One checked formula of a claims file and its final verdict."""

    article: str
    equation: str
    printed: str
    checked: str
    verdict: str
    note: str
    checker: str = ""
    expected: str = ""
    reconstructed: bool = False


def _spec_for(entry: dict, specs: dict, base: Path, where: str = ""):
    from ..spec import load_spec, spec_from_dict

    ref = entry.get("spec")
    if ref is None:
        return None
    if isinstance(ref, dict):
        return spec_from_dict({"network": ref}, source="<claims>")
    if not isinstance(ref, str):
        raise ClaimError(f"{where}: 'spec' must be a file name, the name of a [specs.NAME] table or an inline"
                         " network table")
    if ref in specs:
        return spec_from_dict({k: v for k, v in specs[ref].items()}, source=f"<claims:{ref}>")
    for cand in (base / ref, Path(ref)):
        if cand.exists():
            return load_spec(cand)
    known = f" (the file's [specs] tables: {', '.join(specs)})" if specs else ""
    raise ClaimError(f"{where}: spec '{ref}' not found: neither a [specs.{ref}] table nor a file{known}")


ENTRY_KEYS = ("article", "equation", "printed", "check", "givens", "at", "spec", "notation", "kind",
              "expected", "judgement", "note", "reconstructed", "shape", "contrast_spec")
KINDS = ("claim", "shape", "not-checkable")


def _entry_problem(e, where: str) -> str | None:
    """One line saying what is wrong with a claims-file entry, or None."""
    import difflib

    if not isinstance(e, dict):
        return f"{where}: an entry must be a table ([[claim]] with key = value lines)"
    for k in e:
        if k not in ENTRY_KEYS:
            close = difflib.get_close_matches(k, ENTRY_KEYS, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            if k in ("claim", "text", "latex", "formula", "equation_text"):
                hint = "the claim's LaTeX goes in 'printed'; "
            return f"{where}: unknown key '{k}' ({hint}allowed: {', '.join(ENTRY_KEYS)})"
    kind = e.get("kind", "claim")
    if kind not in KINDS:
        return f"{where}: kind = {kind!r} is not one of {', '.join(KINDS)}"
    if kind != "not-checkable" and not (e.get("printed") or e.get("check")):
        return f"{where}: no claim: give it as printed = '...' (LaTeX in single quotes)"
    for k in ("article", "equation", "printed", "check", "notation", "expected", "judgement", "note",
              "contrast_spec"):
        if k in e and not isinstance(e[k], str):
            return f"{where}: '{k}' must be a string"
    for k in ("givens", "at"):
        v = e.get(k, [])
        if not (isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v))):
            return f"{where}: '{k}' must be a string or a list of strings"
    if "expected" in e and e["expected"] not in CHECK_VERDICTS:
        return f"{where}: expected = {e['expected']!r} is not a verdict ({', '.join(CHECK_VERDICTS)})"
    if "judgement" in e and e["judgement"] not in VERDICTS:
        return f"{where}: judgement = {e['judgement']!r} is not a verdict ({', '.join(VERDICTS)})"
    if "notation" in e:
        from ..present.notation import PROFILES

        if e["notation"] not in PROFILES:
            return f"{where}: unknown notation profile {e['notation']!r} (known: {', '.join(PROFILES)})"
    if kind == "shape":
        sh = e.get("shape")
        if not isinstance(sh, dict) or not {"role", "rows", "cols"} <= set(sh):
            return f"{where}: kind = \"shape\" needs shape = {{ role = \"weight\", layer = 1, rows = 5, cols = 3 }}"
    return None


def _strings(v) -> tuple:
    return (v,) if isinstance(v, str) else tuple(v)


def _limited(limited: bool, timeout: float):
    """How a claim is run: in a worker with a time limit, or here (a pool's worker has the limit)."""
    if limited:
        return lambda fn, *a, **kw: run_limited(fn, *a, timeout=timeout, **kw)
    return lambda fn, *a, **kw: fn(*a, **kw)


def check_entry(e: dict, specs: dict, base: Path, timeout: float, number: int = 0, source: str = "",
                limited: bool = True) -> Entry:
    """Check one [[claim]] table of a claims file (number: its position, from 1, for messages and the
    default equation label)."""
    where = f"{source or 'claims file'}: entry {number}" if number else (source or "claims file")
    problem = _entry_problem(e, where)
    if problem:
        raise ClaimError(problem)
    article = e.get("article", "")
    equation = e.get("equation", f"#{number}" if number else "")
    printed = e.get("printed", "")
    checked = e.get("check", printed)
    kind = e.get("kind", "claim")
    note = e.get("note", "")
    givens, at = _strings(e.get("givens", ())), _strings(e.get("at", ()))
    if e.get("reconstructed"):
        note = ("reconstructed from the text. " + note).strip()
    if kind == "not-checkable":
        return Entry(article, equation, printed, "", "not-checkable", note, "not-checkable",
                     e.get("expected", "not-checkable"), bool(e.get("reconstructed")))
    spec = _spec_for(e, specs, base, where)
    try:
        if kind == "shape":
            sh = e["shape"]
            r = check_shape(checked, spec, sh["role"], sh.get("layer"), (sh["rows"], sh["cols"]))
        else:
            r = _limited(limited, timeout)(check_claim, checked, givens=givens, at=at, spec=spec,
                                           notation=e.get("notation"))
    except (ClaimError, LatexError) as err:
        # a claim that cannot be read is bad input (exit 2), as a single claim is: the note says where
        msg = (str(err).splitlines() or ["the claim cannot be read"])[0]
        r = Result(checked, "error", notes=[msg if msg.startswith(where) else f"{where}: {msg}"])
    mech = r.verdict
    summary = r.summary()
    if e.get("contrast_spec") and mech == "holds":
        other = _spec_for({"spec": e["contrast_spec"]}, specs, base, where)
        try:
            r2 = _limited(limited, timeout)(check_claim, checked, givens=givens, spec=other,
                                            notation=e.get("notation"))
            if r2.verdict != "holds":
                summary += (f"; true only for this network's activations: with {other.name}"
                            f" ({', '.join(a.name for a in other.activations)}) it {r2.verdict}")
        except ClaimError:
            pass
    final = e.get("judgement", mech)
    text = note
    if mech == "error" and "judgement" not in e:
        text = summary                    # where and why it cannot be read, as the one line to fix
    elif summary:
        text = (text + " " if text else "") + f"[checker: {mech}; {summary}]"
    return Entry(article, equation, printed, checked, final, text, mech, e.get("expected", ""),
                 bool(e.get("reconstructed")))


def load_claims(path) -> tuple[list[dict], dict]:
    """Read a claims file: ([[claim]] tables, [specs.NAME] tables). The format (TOML)::

        [[claim]]                           # one table per claim; only printed is required
        printed = '\\frac{d}{dx} x^3 = 3x^2'

        [[claim]]
        article = "notes"                   # label for the report (default: empty)
        equation = "(2)"                    # label (default: the entry number, #2)
        printed = '\\frac{dL}{dy} = -300'    # the claim in LaTeX; single quotes keep backslashes
        givens = ['L = (y-500)^2']          # definitions, as --given (a string or a list)
        at = ['y=350']                      # values, as --at (scalar claims only)

        [[claim]]
        printed = '\\frac{\\partial L}{\\partial W^{2}} = \\delta^{2}(a^{1})^{T}'
        spec = "net.toml"                   # a spec file (relative to this file) or a [specs.NAME] name
        notation = "default"                # profile (default: the spec's own [notation])
        expected = "holds"                  # the verdict expected; a different one is listed

        [specs.net2.network]                # a spec written in the file, used as spec = "net2"
        layers = [3, 2, 2]
        activations = ["sigmoid", "linear"]
        loss = "mse"

    Further keys: check (the LaTeX actually checked, when printed is not checkable as written),
    judgement (a verdict that overrides the checker's, with the reason in note), note,
    reconstructed (true/false), kind ("claim", "shape" with shape = {role, layer, rows, cols}, or
    "not-checkable"), contrast_spec (a second spec on which a holding claim is also tried).
    """
    import tomllib

    p = Path(path)
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ClaimError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ClaimError(f"{p}: cannot read the claims file: {err}") from None
    unknown = [k for k in doc if k not in ("claim", "specs")]
    if unknown:
        raise ClaimError(f"{p}: unknown top-level key '{unknown[0]}' (a claims file has [[claim]] entries and"
                         " optional [specs.NAME] tables)")
    claims = doc.get("claim", [])
    if not isinstance(claims, list) or not claims:
        raise ClaimError(f"{p}: no [[claim]] entries (write each claim as [[claim]] followed by"
                         " printed = '...')")
    specs = doc.get("specs", {})
    if not isinstance(specs, dict) or not all(isinstance(v, dict) for v in specs.values()):
        raise ClaimError(f"{p}: [specs] must hold tables, as [specs.NAME.network]")
    for i, e in enumerate(claims, 1):
        problem = _entry_problem(e, f"{p}: entry {i}")
        if problem:
            raise ClaimError(problem)
    return claims, specs


def check_file(path, timeout: float = DEFAULT_TIMEOUT, jobs: int | None = None, progress=None) -> list[Entry]:
    """Every entry of a claims file, checked by a pool of workers (a time limit each), in order."""
    from .pool import run_all

    claims, specs = load_claims(path)
    base = Path(path).resolve().parent
    tasks = [((e, specs, base, timeout, i, str(path)), {"limited": False}) for i, e in enumerate(claims, 1)]
    out = run_all(check_entry, tasks, timeout, jobs, progress)
    entries = []
    for (a, _), (kind, payload) in zip(tasks, out):
        if kind == "ok":
            entries.append(payload)
            continue
        e, number = a[0], a[4]
        if kind == "user" and not str(payload).startswith("internal problem"):
            # a problem with the file itself (a key, a spec): one clear message, exit 2
            if payload.startswith(str(path)):
                raise ClaimError(payload)
        entries.append(Entry(e.get("article", ""), e.get("equation", f"#{number}"), e.get("printed", ""),
                             e.get("check", e.get("printed", "")), "not-checkable", str(payload).splitlines()[0],
                             "not-checkable", e.get("expected", ""), bool(e.get("reconstructed"))))
    return entries
