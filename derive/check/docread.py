"""Reading documents for --doc: Markdown, Quarto, MyST, Jupyter and LaTeX, their math found in one pass.

Every scan is linear in the document's length (a delimiter is looked for once from where the last
one ended; an unclosed ``\\[`` ends the scan instead of being retried at every later position).
Display math is ``$$...$$``, ``\\[...\\]``, MyST's ```` ```{math} ```` blocks and the LaTeX environments
equation, align, gather, multline, eqnarray, displaymath (starred or not); inline ``$...$`` and
``\\(...\\)`` count only when they hold a relation. Code (fenced blocks, `spans`, a notebook's code
cells) is never read. Rows of align-like environments and of ``aligned`` inside a display are
claims of their own; a row that starts with a relation (``&= c``) continues the chain above it, a
row that starts with an operator (``&\\quad + x``) continues the expression above it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .compare import ClaimError

MAX_BYTES = 2 * 1024 * 1024
ENVS = ("equation", "align", "gather", "multline", "eqnarray", "displaymath", "flalign", "alignat", "math")
ROW_ENVS = ("aligned", "align", "alignat", "gathered", "gather", "split", "eqnarray", "flalign", "multline",
            "array")
_DROP = re.compile(r"\\(label|tag|eqref|ref)\*?\{[^{}]*\}|\\(nonumber|notag|displaystyle|qedhere)\b")


@dataclass
class Equation:
    """One claim-sized piece of math: where it is (line, notebook cell) and its text."""

    line: int
    text: str
    cell: int | None = None
    inline: bool = False
    before: str = ""          # inline math: the word of prose just before it ("at" in "at $z = 0$")
    condition: str = ""       # inline math: a condition the prose states right after it ("for $z > 0$")


def read_document(path) -> tuple[str, str, list[tuple[int | None, int, str]]]:
    """(format, full text, [(cell, first line, markdown or LaTeX text)]) of a file, within the size limit."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ClaimError(f"{p}: file not found") from None
    except (OSError, IsADirectoryError) as err:
        raise ClaimError(f"{p}: cannot read: {err}") from None
    if len(raw) > MAX_BYTES:
        raise ClaimError(f"{p}: the document is larger than {MAX_BYTES // (1024 * 1024)} MB; --doc reads at most"
                         " that much (split it, or check its parts)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ClaimError(f"{p}: not UTF-8 text ({err})") from None
    if "\x00" in text:
        raise ClaimError(f"{p}: a binary file, not a document")
    suffix = p.suffix.lower()
    if suffix == ".ipynb":
        return "notebook", text, _notebook_cells(p, text)
    fmt = "latex" if suffix in (".tex", ".latex", ".ltx") else "markdown"
    return fmt, text, [(None, 1, text)]


def _notebook_cells(p: Path, text: str) -> list[tuple[int | None, int, str]]:
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as err:
        raise ClaimError(f"{p}: not a Jupyter notebook (JSON error at line {err.lineno}: {err.msg})") from None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        raise ClaimError(f"{p}: not a Jupyter notebook (no 'cells' list)")
    out = []
    for i, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue                     # code cells are never read
        src = cell.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        if isinstance(src, str):
            out.append((i, 1, src))
    return out


def front_matter(text: str) -> tuple[dict, int]:
    """The nnderive block of a '---' front matter (Markdown, Quarto, MyST) or of '% nnderive:' comment
    lines (LaTeX): {'spec', 'notation', 'given': [...]}, read as plain 'key: value' lines (no YAML)."""
    out: dict = {}
    if text.startswith("%") or "\n% nnderive:" in text or text.startswith("% nnderive:"):
        for m in re.finditer(r"^%\s*nnderive:\s*(\w+)\s*[:=]\s*(.+?)\s*$", text, re.M):
            _put(out, m.group(1), m.group(2).strip().strip("'\""))
    if not text.startswith("---\n"):
        return out, 0
    end = text.find("\n---", 4)
    if end < 0:
        return out, 0
    inside = False
    for line in text[4:end].splitlines():
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
        _put(out, key.strip().lstrip("- ").strip(), value.strip().strip("'\""))
    return out, text.count("\n", 0, end + 4) + 1


def _put(out: dict, key: str, value: str) -> None:
    if key not in ("spec", "notation", "given"):
        raise ClaimError(f"front matter: unknown key '{key}' (spec, notation, given)")
    if key == "given":
        out.setdefault("given", []).append(value)
    else:
        out[key] = value


# ---------------------------------------------------------------------------------------------
# Finding the math


def _blank_code(text: str) -> str:
    """Markdown with fenced code blocks and `code spans` replaced by spaces (lines kept), MyST's
    ```{math} blocks turned into $$ ... $$."""
    out = []
    lines = text.split("\n")
    fence = None
    for line in lines:
        s = line.lstrip()
        if fence is None and (s.startswith("```") or s.startswith("~~~")):
            marker = s[:3]
            if s[3:].strip().startswith("{math}"):
                fence = ("math", marker)
                out.append("$$")
                continue
            fence = ("code", marker)
            out.append("")
            continue
        if fence is not None and s.startswith(fence[1]):
            out.append("$$" if fence[0] == "math" else "")
            fence = None
            continue
        if fence is not None:
            if fence[0] == "math" and s.startswith(":"):
                out.append("")          # a directive option (:label: eq1)
            else:
                out.append(line if fence[0] == "math" else "")
            continue
        out.append(re.sub(r"`[^`\n]*`", lambda m: " " * len(m.group(0)), line))
    return "\n".join(out)


def _strip_comments(text: str) -> str:
    """LaTeX with comments and drawings (tikzpicture, picture: their $...$ are labels, not claims)
    blanked, offsets and lines kept."""
    text = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)
    out, i = [], 0
    for m in _DRAWING.finditer(text):
        if m.start() < i:
            continue
        end = text.find(f"\\end{{{m.group(1)}}}", m.end())
        stop = len(text) if end < 0 else end
        out += [text[i:m.start()], re.sub(r"[^\n]", " ", text[m.start():stop])]
        i = stop
        if end < 0:             # unclosed: the rest is the drawing (scanned once, never retried)
            break
    return "".join(out) + text[i:]


_DRAWING = re.compile(r"\\begin\{(tikzpicture|picture|pgfpicture)\}")


def _escaped(t: str, j: int) -> bool:
    """Whether the character at j is escaped: an odd number of backslashes before it (\\$ is a line
    break, then math)."""
    k = j
    while k > 0 and t[k - 1] == "\\":
        k -= 1
    return (j - k) % 2 == 1


def prepared(fmt: str, text: str) -> str:
    """The text the math is looked for in: comments, drawings and code blanked (lines kept)."""
    return _strip_comments(text) if fmt == "latex" else _blank_code(text)


def find_math(fmt: str, text: str) -> list[tuple[int, str, bool]]:
    """(offset in prepared(fmt, text), body, inline) of every piece of math, in order, in one pass."""
    t = prepared(fmt, text)
    out: list[tuple[int, str, bool]] = []
    begin = re.compile(r"\\begin\{(" + "|".join(ENVS) + r")(\*?)\}")
    i, n = 0, len(t)
    while i < n:
        j = _next_opening(t, i)
        if j < 0:
            break
        pair = next((p for p in PAIRS if t.startswith(p[0], j)), None)
        if pair is not None:            # $$ ... $$, \[ ... \], \( ... \): the first closing after it
            k = t.find(pair[1], j + 2)
            if k < 0:
                break
            out.append((j + 2, t[j + 2:k], pair[2]))
            i = k + 2
        elif t.startswith("\\begin{", j):
            m = begin.match(t, j)
            if not m:
                i = j + 7
                continue
            end = f"\\end{{{m.group(1)}{m.group(2)}}}"
            k = t.find(end, m.end())
            if k < 0:
                break
            body = t[m.end():k]
            if m.group(1) == "multline":
                # one equation broken over lines (its \\ are only line breaks), never several claims
                body = " ".join(_split_rows(body))
            elif m.group(1) in ROW_ENVS:
                body = "\\begin{aligned}" + body + "\\end{aligned}"
            out.append((m.end(), body, False))
            i = k + len(end)
        else:   # a single $
            k = j + 1
            while True:
                k = t.find("$", k)
                if k < 0 or not _escaped(t, k):
                    break
                k += 1
            if k < 0 or "\n\n" in t[j:k]:
                i = j + 1
                continue
            out.append((j + 1, t[j + 1:k], True))
            i = k + 1
    return out


PAIRS = (("$$", "$$", False), ("\\[", "\\]", False), ("\\(", "\\)", True))   # (opening, closing, inline)
_OPENINGS = re.compile(r"\$|\\\[|\\\(|\\begin\{")


def _next_opening(t: str, i: int) -> int:
    while True:
        m = _OPENINGS.search(t, i)
        if not m:
            return -1
        j = m.start()
        if t[j] == "$" and _escaped(t, j):
            i = j + 1
            continue
        return j


def equations(fmt: str, text: str, cell: int | None = None, line0: int = 1) -> list[Equation]:
    """The claim-sized equations of a text: displays split into rows, inline math with a relation."""
    out: list[Equation] = []
    # offsets are into the prepared text, whose lines are the document's (not its line lengths)
    newlines = [k for k, ch in enumerate(prepared(fmt, text)) if ch == "\n"]

    def line_of(offset: int) -> int:
        import bisect

        return line0 + bisect.bisect_right(newlines, offset - 1)

    t = prepared(fmt, text)
    found = find_math(fmt, text)
    for k, (offset, body, inline) in enumerate(found):
        body = _DROP.sub(" ", body)
        if inline:
            if re.search(r"(?<![<>\\!:])=|\\approx|\\equiv", body) and len(body) < 400:
                start = t.rfind("$", 0, offset) if t[offset - 1] == "$" else offset - 2
                words = re.findall(r"[A-Za-z]+", t[max(0, start - 40):start])
                out.append(Equation(line_of(offset), body.strip(), cell, True, words[-1].lower() if words else "",
                                    _condition_after(t, offset + len(body), found[k + 1] if k + 1 < len(found)
                                                     else None)))
            continue
        for row_offset, row in _rows(body):
            out.append(Equation(line_of(offset + row_offset), row, cell))
    return out


# prose words that make the inline math after them a condition, not a claim ("at $z = 0$")
CONDITION_WORDS = ("at", "for", "when", "whenever", "where", "if", "unless", "with")


def _condition_after(t: str, end: int, nxt) -> str:
    """The inline math that states a condition right after an inline equation ("$H(z) = 1$ for $z > 0$"):
    the next inline math, when only a condition word stands between them."""
    if nxt is None or not nxt[2]:
        return ""
    between = t[end + 1:nxt[0] - 1].strip(" \t\n$()")
    return nxt[1].strip() if between.lower() in ("for", "if", "when", "whenever") else ""


_UNWRAP = re.compile(r"^\s*\\[a-zA-Z]+\{\s*(\\begin\{(aligned|gathered|split)\}.*\\end\{\2\})\s*\}\s*$", re.S)
# one-argument macros that only box or scale a whole display (nnderive's own \nnfit shrinks a long one)
_WRAPPERS = re.compile(r"^\s*\\(nnfit|boxed|fbox|displaystyle)\s*\{")


def _unwrap(body: str) -> str:
    r"""The display inside \nnfit{...} or \boxed{...} when the wrapper spans the whole display."""
    m = _WRAPPERS.match(body)
    if not m:
        return body
    depth, i = 0, m.end() - 1
    for i in range(m.end() - 1, len(body)):
        depth += {"{": 1, "}": -1}.get(body[i], 0) if body[i - 1] != "\\" else 0
        if depth == 0:
            break
    return body[m.end():i] if depth == 0 and not body[i + 1:].strip(" \t\n.,") else body


def _rows(body: str) -> list[tuple[int, str]]:
    """The rows of one display: (offset in body, claim text)."""
    m = _UNWRAP.match(body)
    if m:                                   # \nnfit{\begin{aligned} ... \end{aligned}}: a display wrapper
        body = m.group(1)
    else:
        body = _unwrap(body)
    stripped = body.strip()
    env = re.match(r"\\begin\{(aligned|gathered|split|array)\}(\{[^{}]*\})?", stripped)
    if not env or not stripped.endswith(f"\\end{{{env.group(1)}}}"):
        text = " ".join(_drop_alignment(body).split()).strip().rstrip(",.").strip()
        return [(len(body) - len(body.lstrip()), text)] if text else []
    start = body.find(env.group(0)) + len(env.group(0))
    inner = body[start:body.rfind("\\end{")]
    out: list[tuple[int, str]] = []
    pos = 0
    for row in _split_rows(inner):
        text = " ".join(_drop_alignment(row).split()).strip().rstrip(",.").strip()
        at = start + pos
        pos += len(row) + 2
        if not text:
            continue
        cont = re.match(r"^(\\quad|\\qquad|\\;|\\,)*\s*([+\-]|\\cdot|\\times)", text)
        if out and (text[0] in "=<>" or text.startswith(("\\approx", "\\equiv", "\\le", "\\ge"))
                    or _OPEN_END.search(out[-1][1])):
            # a row that starts with a relation, or follows one that ends with a relation or an operator
            # (\frac{d}{dz}\log(1 + e^z) = \\ \sigma(z)), continues the equation above it
            out[-1] = (out[-1][0], out[-1][1] + " " + re.sub(r"^(\\quad|\\qquad|\\;|\\,)+\s*", "", text))
        elif out and cont:
            out[-1] = (out[-1][0], out[-1][1] + " " + re.sub(r"^(\\quad|\\qquad|\\;|\\,)+\s*", "", text))
        else:
            out.append((at, text))
    return out


# a row ending in a relation or a binary operator: the equation goes on in the next row
_OPEN_END = re.compile(r"(=|<|>|\\approx|\\equiv|\\le|\\ge|\\leq|\\geq|\\ne|[+\-]|\\cdot|\\times|\\odot)\s*$")


def _drop_alignment(row: str) -> str:
    """A row without its alignment points: the & outside nested environments (a matrix's & stay)."""
    out, depth, i = [], 0, 0
    while i < len(row):
        if row.startswith("\\begin{", i):
            depth += 1
        elif row.startswith("\\end{", i):
            depth -= 1
        elif row[i] == "&" and depth == 0 and not _escaped(row, i):
            out.append(" ")
            i += 1
            continue
        out.append(row[i])
        i += 1
    return "".join(out)


def _split_rows(inner: str) -> list[str]:
    """Rows at top-level \\\\ (not inside a nested matrix or cases environment)."""
    rows, depth, last, i = [], 0, 0, 0
    while i < len(inner):
        if inner.startswith("\\begin{", i):
            depth += 1
        elif inner.startswith("\\end{", i):
            depth -= 1
        elif inner.startswith("\\\\", i) and depth == 0:
            rows.append(inner[last:i])
            last = i + 2
            i += 2
            continue
        i += 1
    rows.append(inner[last:])
    return rows
