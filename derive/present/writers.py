"""Output formats of a derivation document: each turns document parts into already-printed lines."""

from __future__ import annotations

import re

FIT_CHARS = 160  # longer displays are wrapped in \nnfit, which shrinks them only if they do not fit
# A table of at most this many rows of normal height (rows x \\arraystretch) is never split across pages:
# a row of 11 pt text is 13.6 pt high, so 40 rows with the caption and rules take about 610 pt of the
# 650 pt text height; longer tables break across pages with their header repeated
KEEP_ROWS = 40
# identifiers joined by hyphens or dashes that hold a digit (widths 2-3-2, 5–7–4–3, names like net-2):
# a line break inside one would read as a hyphenated word, so they are set unbreakable
_JOINED = re.compile(r"(?<![\w\\])\w*\d\w*(?:[-\u2013]\w+)+|(?<![\w\\])\w+(?:[-\u2013]\w*\d\w*)+")
# "... 1-1-1 (N=2)": the batch size in parentheses stays on the line of the widths it belongs to
_QUALIFIER = re.compile(r" (?=\((?:N|n)=\d+\))")


class TexWriter:
    """LaTeX lines (amsmath, booktabs, TikZ)."""

    name = "tex"
    template = "document.tex.j2"
    tie = "~"  # a space that is never broken (article~003~[1])

    def text(self, s: str) -> str:
        """Plain text from the spec (names, descriptions) made safe for LaTeX."""
        repl = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
        return self._unbroken("".join(repl.get(c, c) for c in s))

    def _unbroken(self, s: str) -> str:
        s = _JOINED.sub(lambda m: self.nobreak(m.group(0)), s)
        return _QUALIFIER.sub("~", s)

    def nobreak(self, s: str) -> str:
        """Text that must not be broken across lines (an identifier such as 2-3-2)."""
        return r"\mbox{" + s + "}"

    def code(self, s: str) -> str:
        return r"\texttt{" + self.text(s) + "}"

    def rich(self, s: str) -> str:
        """Text with $...$ math in it (a source's description): the text made safe, the math kept."""
        parts = s.split("$")
        return "".join(self.text(p) if i % 2 == 0 else f"${p}$" for i, p in enumerate(parts))

    def references(self, items: list[tuple[str, str]]) -> list[str]:
        """The reference list: (label, entry) pairs, the label set in the margin."""
        return ([r"\begin{list}{}{\setlength{\labelwidth}{2em}\setlength{\leftmargin}{2.5em}}"]
                + [rf"\item[{{{self.text(label)}}}] {entry}" for label, entry in items] + [r"\end{list}", ""])

    def bold(self, s: str) -> str:
        return r"\textbf{" + s + "}"

    def para(self, s: str) -> list[str]:
        return [s, ""]

    def eq(self, tex: str, tag: str | None = None) -> list[str]:
        if len(tex) > FIT_CHARS:
            # \nnfit (see the template) shrinks a display only when it is wider than the line
            tex = r"\nnfit{" + tex + "}"
        if tag is None:
            return [r"\begin{equation*}", tex, r"\end{equation*}"]
        return [r"\begin{equation}", tex + rf" \tag{{{tag}}}", r"\end{equation}"]

    def aligned(self, rows: list[str], tag: str | None = None) -> list[str]:
        body = [r"\begin{aligned}", " \\\\\n".join(rows), r"\end{aligned}"]
        return self.eq("\n".join(body), tag)

    def table(self, header: list[str], rows: list[list[str]], caption: str, stretch: float | None = None
              ) -> list[str]:
        """A table placed exactly here, never floated to a later page: a longtable. A short one
        (at most KEEP_ROWS normal row heights) is kept in one piece: no page break is allowed
        between its rows (\\\\*), so when it does not fit on the rest of the page it starts on the
        next. A longer one breaks across pages where it must, repeating its caption and header.
        stretch: row-height factor (\\arraystretch) for cells with tall math such as fractions."""
        cols = "l" * len(header)
        keep = len(rows) * (stretch or 1) <= KEEP_ROWS
        end = r" \\*" if keep else r" \\"
        head = [r"\toprule", " & ".join(header) + end, r"\midrule"]
        out = ["{"]  # a group keeps \arraystretch local to this table
        if stretch:
            out.append(rf"\renewcommand{{\arraystretch}}{{{stretch:g}}}")
        out += [rf"\begin{{longtable}}{{{cols}}}", rf"\caption{{{caption}}}{end}"] + head + [r"\endfirsthead"]
        out += [r"\caption[]{(continued)} \\"] + [h.replace(r" \\*", r" \\") for h in head]
        out += [r"\endhead", r"\bottomrule", r"\endfoot"]
        out += [" & ".join(r) + (end if i < len(rows) - 1 else r" \\") for i, r in enumerate(rows)]
        out += [r"\end{longtable}", "}", ""]
        return out

    def algorithm(self, title: str, steps: list[tuple[int, str]]) -> list[str]:
        # algorithm/algpseudocode are not in texlive-latex-recommended, so a ruled tabbing block
        out = [r"\begin{center}", r"\begin{minipage}{0.92\linewidth}", r"\hrule\smallskip",
               rf"\textbf{{Algorithm.}} {title}", r"\smallskip\hrule\smallskip", r"\begin{tabbing}",
               r"\qquad\=\qquad\=\qquad\=\qquad\=\kill"]
        for i, (depth, s) in enumerate(steps, start=1):
            out.append(rf"{{\footnotesize {i}:}}\>" + r"\>" * depth + s + r"\\")
        out += [r"\end{tabbing}", r"\hrule", r"\end{minipage}", r"\end{center}", ""]
        return out

    def figure(self, tikz: list[str], caption: str) -> list[str]:
        return ([r"\begin{figure}[ht]", r"\centering"] + tikz
                + [rf"\caption{{{caption}}}", r"\end{figure}", ""])

    def matrix(self, rows) -> str:
        body = r" \\ ".join(" & ".join(r) for r in rows)
        return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


class MdWriter(TexWriter):
    """Markdown with $...$ and $$...$$ math for KaTeX and MathJax (no TikZ, no LaTeX tables)."""

    name = "md"
    template = "document.md.j2"
    tie = "\u00a0"

    def text(self, s: str) -> str:
        s = re.sub(r"([\\`*_\[\]<>#|$])", r"\\\1", s)
        return _QUALIFIER.sub("\u00a0", _JOINED.sub(lambda m: self.nobreak(m.group(0)), s))

    def nobreak(self, s: str) -> str:
        # a browser breaks after a hyphen and after an en dash: the non-breaking hyphen U+2011 and
        # a word joiner (U+2060) after each dash keep the identifier on one line
        return s.replace("-", "\u2011").replace("\u2013", "\u2013\u2060")

    def code(self, s: str) -> str:
        return "`" + s.replace("`", "'") + "`"

    def bold(self, s: str) -> str:
        return "**" + s + "**"

    def references(self, items):
        out = []
        for label, entry in items:
            out += [f"{self.text(label)} {entry}", ""]
        return out

    def eq(self, tex: str, tag: str | None = None) -> list[str]:  # KaTeX and MathJax scroll wide math
        return ["$$", tex + (rf" \tag{{{tag}}}" if tag else ""), "$$", ""]

    def table(self, header, rows, caption, stretch=None) -> list[str]:
        out = [f"*{caption}*", "", "| " + " | ".join(header) + " |",
               "|" + "---|" * len(header)]
        out += ["| " + " | ".join(c.replace("|", r"\vert ") for c in r) + " |" for r in rows]
        return out + [""]

    def algorithm(self, title, steps) -> list[str]:
        out = [f"**Algorithm.** {title}", ""]
        out += ["   " * depth + f"{i}. {s}" if depth == 0 else "   " * depth + f"- {s}"
                for i, (depth, s) in enumerate(steps, start=1)]
        return out + [""]

    def figure(self, tikz, caption) -> list[str]:
        return []


WRITERS = {"tex": TexWriter, "md": MdWriter}
