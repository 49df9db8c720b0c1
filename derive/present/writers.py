"""Output formats of a derivation document: each turns document parts into already-printed lines."""

from __future__ import annotations

import re

FIT_CHARS = 160  # longer displays are wrapped in \nnfit, which shrinks them only if they do not fit


class TexWriter:
    """LaTeX lines (amsmath, booktabs, TikZ)."""

    name = "tex"
    template = "document.tex.j2"

    def text(self, s: str) -> str:
        """Plain text from the spec (names, descriptions) made safe for LaTeX."""
        repl = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\^{}"}
        return "".join(repl.get(c, c) for c in s)

    def code(self, s: str) -> str:
        return r"\texttt{" + self.text(s) + "}"

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
        """A table placed exactly here, never floated to a later page: a longtable, which also breaks
        across pages (repeating its header) when it is longer than the rest of the page.
        stretch: row-height factor (\\arraystretch) for cells with tall math such as fractions."""
        cols = "l" * len(header)
        head = [r"\toprule", " & ".join(header) + r" \\", r"\midrule"]
        out = ["{"]  # a group keeps \arraystretch local to this table
        if stretch:
            out.append(rf"\renewcommand{{\arraystretch}}{{{stretch:g}}}")
        out += [rf"\begin{{longtable}}{{{cols}}}", rf"\caption{{{caption}}} \\"] + head + [r"\endfirsthead"]
        out += [r"\caption[]{(continued)} \\"] + head
        out += [r"\endhead", r"\bottomrule", r"\endfoot"]
        out += [" & ".join(r) + r" \\" for r in rows]
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

    def text(self, s: str) -> str:
        return re.sub(r"([\\`*_\[\]<>#|$])", r"\\\1", s)

    def code(self, s: str) -> str:
        return "`" + s.replace("`", "'") + "`"

    def bold(self, s: str) -> str:
        return "**" + s + "**"

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
