"""Whole documents (Markdown, LaTeX): their display equations found and checked line by line."""

from __future__ import annotations

import re
from pathlib import Path

from ..fileio import atomic_write_text
from .compare import DEFAULT_TIMEOUT, ClaimError
from .report import _md_cell
from .sandbox import check_claim, run_limited

# ---------------------------------------------------------------------------------------------
# Whole documents


DISPLAY_RES = (
    re.compile(r"\$\$(.+?)\$\$", re.S),
    re.compile(r"\\\[(.+?)\\\]", re.S),
    re.compile(r"\\begin\{(equation\*?|align\*?|gather\*?)\}(.+?)\\end\{\1\}", re.S),
)


def front_matter(text: str) -> tuple[dict, int]:
    """The nnderive block of a '---' front matter: {'spec', 'notation', 'given': [...]} (no YAML)."""
    if not text.startswith("---\n"):
        return {}, 0
    end = text.find("\n---", 4)
    if end < 0:
        return {}, 0
    block = text[4:end].splitlines()
    out: dict = {}
    inside = False
    for line in block:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith((" ", "\t")):
            inside = line.strip() == "nnderive:"
            continue
        if not inside:
            continue
        key, sep, value = line.strip().partition(":")
        if not sep:
            raise ClaimError(f"front matter: cannot read {line.strip()!r} (expected key: value)")
        key, value = key.strip().lstrip("- ").strip(), value.strip().strip("'\"")
        if key not in ("spec", "notation", "given"):
            raise ClaimError(f"front matter: unknown key '{key}' (spec, notation, given)")
        if key == "given":
            out.setdefault("given", []).append(value)
        else:
            out[key] = value
    return out, text.count("\n", 0, end + 4) + 1


def display_equations(text: str) -> list[tuple[int, str]]:
    """(line number, claim) of every display equation; align rows become separate claims."""
    found = []
    for rx in DISPLAY_RES:
        for m in rx.finditer(text):
            body = m.group(m.lastindex)
            start = m.start(m.lastindex)
            found.append((start, body))
    found.sort()
    out = []
    for start, body in found:
        line0 = text.count("\n", 0, start) + 1
        body = re.sub(r"\\(label|tag)\{[^{}]*\}|\\nonumber|\\notag", "", body)
        rows = re.split(r"\\\\", body)
        offset = 0
        current = None
        for row in rows:
            line = line0 + body.count("\n", 0, body.find(row, offset) if row else offset)
            offset += len(row) + 2
            r = row.replace("&", " ").strip().rstrip(",.").strip()
            if not r:
                continue
            if r.startswith("=") and current is not None:
                current = (current[0], current[1] + " " + r)
                out[-1] = current
                continue
            current = (line, r)
            out.append(current)
    return out


def run_doc(path, spec_path=None, notation=None, report=None, timeout: float = DEFAULT_TIMEOUT) -> int:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ClaimError(f"{p}: cannot read: {err}") from None
    fm, _ = front_matter(text)
    spec_ref = spec_path or fm.get("spec")
    notation = notation or fm.get("notation")
    spec = None
    if spec_ref:
        from ..spec import load_spec

        cand = Path(spec_ref)
        if not cand.is_absolute() and not cand.exists():
            cand = p.resolve().parent / spec_ref
        spec = load_spec(cand)
    givens = tuple(fm.get("given", ()))
    rows = []
    for line, claim in display_equations(text):
        if "=" not in claim:
            rows.append((line, "not-checkable", claim, "no '=': not a claim"))
            continue
        try:
            r = run_limited(check_claim, claim, givens=givens, spec=spec, notation=notation, timeout=timeout)
            verdict = r.shown_verdict()
            rows.append((line, verdict, claim, r.summary()))
        except ClaimError as err:
            rows.append((line, "not-checkable", claim, str(err).splitlines()[0]))
    out = [f"{p}:{line}: {verdict}: {note}" if note else f"{p}:{line}: {verdict}"
           for line, verdict, claim, note in rows]
    print("\n".join(out) if out else f"{p}: no display equations found")
    if report:
        md = ["| line | verdict | claim | note |", "|---|---|---|---|"]
        md += [f"| {l} | {v} | `{_md_cell(c)}` | {_md_cell(n)} |" for l, v, c, n in rows]
        atomic_write_text(Path(report), "\n".join(md) + "\n")
    return 1 if any(v.startswith("fails") for _, v, _, _ in rows) else 0
