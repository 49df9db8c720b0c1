"""What a typesetter would reject in a derivation document, checked in its source and in its compiled PDF.

Source (LaTeX, and the math of the Markdown): a superscript stacked on a superscripted symbol
({W^{2}}^{\\top}, {a^{1}_{j}}^{2}, {f^{2}}'), a double superscript (x^{2}^{3}), and numbers in computer
notation (1e-06). Compiled output: overfull boxes (from the .log), a short table split across pages
(its "(continued)" header printed), and an identifier with a digit (2-3-2, 5–7–4–3) broken at a
hyphen or dash at the end of a line (from pdftotext).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from derive.present.writers import KEEP_ROWS

_E_NOTATION = re.compile(r"(?<![\w.])\d+(?:\.\d+)?[eE][-+]?\d+\b")


def _has_top_level_superscript(group: str) -> bool:
    depth = 0
    for c in group:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c in "^'" and depth == 0:
            return True
    return False


def stacked_scripts(tex: str) -> list[str]:
    """Every place where a superscript (^ or ') follows a braced group that already is, or holds, a
    superscript: {W^{2}}^{\\top} sets the T beside the 2 and reads like W^{2T}."""
    out, stack = [], []
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            i += 2  # an escaped character (\{, \}) or the first letter of a command
            continue
        if c == "{":
            stack.append(i)
        elif c == "}" and stack:
            start = stack.pop()
            nxt = tex[i + 1:i + 2]
            if nxt in ("^", "'"):
                group = tex[start + 1:i]
                if tex[start - 1:start] == "^" or _has_top_level_superscript(group):
                    out.append(tex[max(0, start - 20):i + 12])
        i += 1
    return out


def computer_numbers(text: str) -> list[str]:
    """Numbers printed as 1e-06 or 2.5E+03 instead of 10^{-6}."""
    return _E_NOTATION.findall(text)


def source_problems(text: str, fmt: str) -> list[str]:
    """Problems in a rendered document's source: stacked superscripts, e-notation numbers."""
    if fmt == "md":
        from derive.present.document import markdown_math

        math = "\n".join(b["tex"] for b in markdown_math(text))
    else:
        math = text
    problems = [f"{fmt}: stacked superscript: {s}" for s in stacked_scripts(math)]
    problems += [f"{fmt}: number in e-notation: {n}" for n in computer_numbers(text)]
    return problems


def short_tables(tex: str) -> list[int]:
    """The numbers (1, 2, ...) of the tables that are short enough that they must never split."""
    out = []
    for k, m in enumerate(re.finditer(r"(\\renewcommand\{\\arraystretch\}\{([\d.]+)\}\n)?\\begin\{longtable\}"
                                      r".*?\\endfoot\n(.*?)\\end\{longtable\}", tex, re.S), start=1):
        stretch = float(m.group(2)) if m.group(2) else 1.0
        rows = [ln for ln in m.group(3).splitlines() if ln.strip()]
        if len(rows) * stretch <= KEEP_ROWS:
            out.append(k)
    return out


def compiled_problems(tex: str, pdf: Path, log: str) -> list[str]:
    """Problems in the compiled document: overfull boxes, short tables split across pages,
    identifiers broken at a hyphen or dash."""
    problems = [m.group(0) for m in re.finditer(r"Overfull \\[hv]box \([\d.]+pt too \w+\)[^\n]*", log)]
    text = subprocess.run([shutil.which("pdftotext"), "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for k in short_tables(tex):
        if re.search(rf"Table {k}: \(continued\)", text):
            problems.append(f"short table {k} is split across pages")
    lines = text.splitlines()
    for a, b in zip(lines, lines[1:]):
        m = re.search(r"(\S*\d\S*[-\u2010\u2011\u2013])$", a.rstrip())
        if m and re.match(r"\w", b.strip()):
            problems.append(f"identifier broken across lines: {m.group(1)!r} / {b.strip()[:20]!r}")
    return problems


def compile_and_check(tmp: Path, name: str, tex: str, timeout: float = 300) -> list[str]:
    """pdflatex (once, -halt-on-error) in tmp; every error and typesetting problem found."""
    path = tmp / f"{name}.tex"
    path.write_text(tex, encoding="utf-8")
    r = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", path.name], cwd=tmp,
                       capture_output=True, text=True, timeout=timeout)
    log = (tmp / f"{name}.log").read_text(errors="replace")
    problems = [ln for ln in log.splitlines() if ln.startswith("!")]
    if r.returncode != 0:
        return [f"{name}: pdflatex exited with {r.returncode}"] + [f"{name}: {p}" for p in problems]
    problems += [ln for ln in log.splitlines() if "Undefined control sequence" in ln or "Missing" in ln]
    problems += compiled_problems(tex, tmp / f"{name}.pdf", log)
    return [f"{name}: {p}" for p in problems]
