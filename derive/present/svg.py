"""The network figure as SVG (the Markdown derivation's picture, as TikZ is the LaTeX one's).

A real SVG document built with xml.etree (every label escaped by the writer, never by string
pasting), the same layout as the TikZ figure: one column per layer, at most a few neurons drawn per
layer (``1, 2, 3, ⋮, n`` for a wide one), a dashed +1 bias unit between layers, every drawn weight
as an arrow. Labels are the notation profile's LaTeX spellings, set as text: letters italic, digits
upright, ``^{}``/``_{}`` as raised and lowered smaller text, accents and Greek letters as Unicode.
Deterministic: the same figure gives the same bytes (fixed element order, fixed number format).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from ..spec import GREEK

DX, DY = 150.0, 52.0  # column and row spacing, px (the TikZ figure's 2.6 cm x 0.9 cm, scaled alike)
RADIUS = 19.0  # a neuron's circle; widened for every neuron when a label needs it
FONT, SCRIPT = 14.0, 10.0  # px: label text, super- and subscripts
MARGIN = 12.0
INK, EDGE = "#222222", "#8c8c8c"


@dataclass(frozen=True)
class FigureLayer:
    """One column of the figure: its title lines and the units drawn (None: the elided ones)."""

    title: str  # "input", "hidden 1", "output"
    size: str  # LaTeX of the width line, "n_{1} = 5"
    indices: tuple[str | None, ...]  # the number of each drawn neuron ("1", "2", "3", None, "784")
    units: tuple[str | None, ...]  # LaTeX label of each drawn neuron; None marks the ⋮


# -- LaTeX labels as runs of text ------------------------------------------------------------

_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0304",
            "overline": "\u0305", "breve": "\u0306", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c",
            "underline": "\u0332", "vec": "\u20d7"}
_SYMBOLS = {"ell": "\u2113", "partial": "\u2202", "nabla": "\u2207", "prime": "\u2032", "top": "\u22a4",
            "intercal": "\u22ba", "varepsilon": "\u03b5", "epsilon": "\u03f5", "vartheta": "\u03d1",
            "varphi": "\u03c6", "phi": "\u03d5"}
_ALPHABETS = {"mathbb": ("MATHEMATICAL DOUBLE-STRUCK", "DOUBLE-STRUCK"), "mathcal": ("MATHEMATICAL SCRIPT", "SCRIPT"),
              "mathfrak": ("MATHEMATICAL FRAKTUR", "BLACK-LETTER")}
_BOLD = ("mathbf", "bm", "boldsymbol")
_UPRIGHT = ("mathrm", "mathsf")
_TOKEN = re.compile(r"\\([A-Za-z]+)|\\(.)|([{}^_])|(\s+)|(.)", re.S)


@dataclass(frozen=True)
class Run:
    text: str
    level: int = 0  # 0 on the baseline, 1 raised (superscript), -1 lowered (subscript)
    italic: bool = False
    bold: bool = False


def _greek(name: str) -> str:
    if name in _SYMBOLS:
        return _SYMBOLS[name]
    case = "CAPITAL" if name[0].isupper() else "SMALL"
    return unicodedata.lookup(f"GREEK {case} LETTER {name.upper()}")


def _letter(c: str, alphabet: str) -> str:
    """A letter in a math alphabet (\\mathbb{R} -> ℝ), the letter itself where Unicode has none."""
    case = "CAPITAL" if c.isupper() else "SMALL"
    for prefix in _ALPHABETS[alphabet]:
        try:
            return unicodedata.lookup(f"{prefix} {case} {c.upper()}")
        except KeyError:
            continue
    return c


class _Label:
    """A recursive reader of the label subset of LaTeX (the notation's safe commands, groups, scripts)."""

    def __init__(self, tex: str):
        self.tokens = [m for m in _TOKEN.finditer(tex) if not m.group(4)]
        self.i = 0

    def runs(self) -> list[Run]:
        out = self._sequence(0, italic=True, bold=False, alphabet=None, closing=False)
        merged: list[Run] = []
        for r in out:
            if merged and (merged[-1].level, merged[-1].italic, merged[-1].bold) == (r.level, r.italic, r.bold):
                merged[-1] = Run(merged[-1].text + r.text, r.level, r.italic, r.bold)
            else:
                merged.append(r)
        return merged

    def _sequence(self, level, italic, bold, alphabet, closing) -> list[Run]:
        out: list[Run] = []
        while self.i < len(self.tokens):
            m = self.tokens[self.i]
            if m.group(3) == "}":
                self.i += 1
                if closing:
                    return out
                continue  # an unbalanced brace: ignored, as nothing is lost by it
            out += self._atom(level, italic, bold, alphabet)
        return out

    def _atom(self, level, italic, bold, alphabet) -> list[Run]:
        m = self.tokens[self.i]
        self.i += 1
        cmd, escaped, special, _, char = m.groups()
        if special == "{":
            return self._sequence(level, italic, bold, alphabet, closing=True)
        if special in ("^", "_"):
            return self._argument(level + (1 if special == "^" else -1), italic, bold, alphabet)
        if cmd in _ACCENTS:
            inner = self._argument(level, italic, bold, alphabet)
            if inner:
                last = inner[-1]
                inner[-1] = Run(last.text + _ACCENTS[cmd], last.level, last.italic, last.bold)
            return inner
        if cmd in _BOLD:
            return self._argument(level, italic, True, alphabet)
        if cmd in _UPRIGHT:
            return self._argument(level, False, bold, alphabet)
        if cmd == "mathit":
            return self._argument(level, True, bold, alphabet)
        if cmd in _ALPHABETS:
            return self._argument(level, False, bold, cmd)
        if cmd is not None:
            if cmd in GREEK or cmd in _SYMBOLS:
                # lowercase Greek is italic in TeX's math, capitals upright
                return [Run(_greek(cmd), level, italic and cmd[0].islower() and cmd not in _SYMBOLS, bold)]
            return [Run(cmd, level, False, bold)]  # not a symbol command: its name, upright
        c = escaped if escaped is not None else char
        if c in "=<>" and level == 0:  # a relation, spaced as TeX spaces it
            return [Run(f" {c} ", level)]
        if alphabet and c.isalpha():
            return [Run(_letter(c, alphabet), level, False, bold)]
        return [Run(c, level, italic and c.isalpha(), bold)]

    def _argument(self, level, italic, bold, alphabet) -> list[Run]:
        """The next group or single token, at the given level."""
        if self.i >= len(self.tokens):
            return []
        return self._atom(level, italic, bold, alphabet)


def label_runs(tex: str) -> list[Run]:
    """The runs of text that set a LaTeX label: 'a^{1}_{2}' -> a, raised 1, lowered 2."""
    return _Label(tex).runs()


def plain(tex: str) -> str:
    """A label or caption as plain text (for <title> and alt text): math spelled in Unicode."""
    out = []
    for part in re.split(r"(\$[^$]*\$)", tex):
        out.append("".join(r.text for r in label_runs(part[1:-1])) if part.startswith("$") else part)
    return "".join(out)


def _width(runs: list[Run]) -> float:
    """A label's width in px, estimated (0.6 em per character), for sizing the circles."""
    return sum(len(r.text) * 0.6 * (FONT if r.level == 0 else SCRIPT) for r in runs)


# -- the document ------------------------------------------------------------------------------


def _n(v: float) -> str:
    """A coordinate, always printed the same way: at most two decimals, no trailing zeros."""
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def _text(parent: ET.Element, x: float, y: float, runs: list[Run], size: float = FONT, **attrs) -> ET.Element:
    t = ET.SubElement(parent, "text", {"x": _n(x), "y": _n(y), "font-size": _n(size), **attrs})
    level, previous = 0, None
    for r in runs:
        a: dict[str, str] = {}
        if r.level == -1 and level == 1 and previous is not None:
            # a subscript after a superscript goes under it, as TeX sets a^{1}_{2}: back by the width
            a["dx"] = _n(-_width([previous]) * size / FONT)
        # raised and lowered text by dy (baseline-shift is not honoured by every renderer); each run
        # undoes the previous shift, so the baseline is back where it was after the label
        shift = {1: -0.45 * size, 0: 0.0, -1: 0.3 * size}
        dy = shift[max(-1, min(1, r.level))] - shift[max(-1, min(1, level))]
        if dy:
            a["dy"] = _n(dy)
        if r.level:
            a["font-size"] = _n(size * SCRIPT / FONT)
        if r.italic:
            a["font-style"] = "italic"
        if r.bold:
            a["font-weight"] = "bold"
        ET.SubElement(t, "tspan", a).text = r.text
        level, previous = r.level, r
    return t


def network_svg(layers: list[FigureLayer], caption: str) -> str:
    """The figure of a network as an SVG document (text, ending in a newline)."""
    labels = [[label_runs(u) if u is not None else None for u in layer.units] for layer in layers]
    widest = max((_width(r) for col in labels for r in col if r is not None), default=0.0)
    radius = max(RADIUS, widest / 2 + 5)
    dx = max(DX, 2 * radius + 90)
    tops = [(len(layer.units) - 1) / 2 for layer in layers]
    top = max(tops)
    # y grows downwards; rows are centred on y = 0 as in the TikZ figure, titles 1.6 rows above the
    # tallest layer's first neuron and each bias unit 0.9 rows above its layer's first neuron
    title_y = -(top + 1.6) * DY
    x0 = MARGIN + radius + 40
    y0 = MARGIN + 16 - title_y
    width = 2 * x0 + dx * (len(layers) - 1)
    height = y0 + top * DY + radius + MARGIN

    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "version": "1.1",
                             "width": _n(width), "height": _n(height),
                             "viewBox": f"0 0 {_n(width)} {_n(height)}", "role": "img",
                             "font-family": "'Latin Modern Roman', 'CMU Serif', 'Times New Roman', serif"})
    ET.SubElement(svg, "title").text = plain(caption)
    defs = ET.SubElement(svg, "defs")
    marker = ET.SubElement(defs, "marker", {"id": "arrow", "viewBox": "0 0 10 10", "refX": "10", "refY": "5",
                                            "markerWidth": "7", "markerHeight": "7", "orient": "auto-start-reverse"})
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": EDGE})

    centres: list[list[tuple[float, float]]] = []
    for l, layer in enumerate(layers):
        x = x0 + l * dx
        centres.append([(x, y0 + (i - tops[l]) * DY) for i in range(len(layer.units))])
    bias = [(x0 + (l + 0.5) * dx, y0 - (tops[l] + 0.9) * DY) for l in range(len(layers) - 1)]

    edges = ET.SubElement(svg, "g", {"stroke": EDGE, "stroke-width": "1", "fill": "none",
                                     "marker-end": "url(#arrow)"})
    for l in range(1, len(layers)):
        for (ax, ay), ua in zip(centres[l - 1], layers[l - 1].units):
            for (bx, by), ub in zip(centres[l], layers[l].units):
                if ua is not None and ub is not None:
                    _edge(edges, ax, ay, bx, by, radius, radius)
        for (bx, by), ub in zip(centres[l], layers[l].units):
            if ub is not None:
                _edge(edges, *bias[l - 1], bx, by, 11.0, radius, dashed=True)

    nodes = ET.SubElement(svg, "g", {"fill": INK, "text-anchor": "middle"})
    for l, layer in enumerate(layers):
        x = x0 + l * dx
        lines = ET.SubElement(nodes, "g", {"font-size": "12"})
        _text(lines, x, title_y + y0, [Run(layer.title)], 12)
        _text(lines, x, title_y + y0 + 15, label_runs(layer.size), 12)
        for (cx, cy), runs in zip(centres[l], labels[l]):
            if runs is None:
                _text(nodes, cx, cy + 6, [Run("\u22ee")], 18)
                continue
            ET.SubElement(nodes, "circle", {"cx": _n(cx), "cy": _n(cy), "r": _n(radius), "fill": "white",
                                            "stroke": INK, "stroke-width": "1.2"})
            _text(nodes, cx, cy + 5, runs)
        if l < len(layers) - 1:
            bx, by = bias[l]
            ET.SubElement(nodes, "rect", {"x": _n(bx - 11), "y": _n(by - 11), "width": "22", "height": "22",
                                          "fill": "white", "stroke": INK, "stroke-dasharray": "3 2"})
            _text(nodes, bx, by + 4, [Run("+1")], 11)

    ET.indent(svg, space=" ")
    for t in svg.iter("text"):  # whitespace between the runs of a label would be set as a space
        t.text = None if len(t) else t.text
        for child in t:
            child.tail = None
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="unicode") + "\n"


def _edge(g: ET.Element, ax, ay, bx, by, ra, rb, dashed: bool = False) -> None:
    """An arrow from one node's rim to the other's (ra, rb: how far each end stops short of a centre)."""
    dx, dy = bx - ax, by - ay
    dist = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / dist, dy / dist
    a = {"x1": _n(ax + ux * ra), "y1": _n(ay + uy * ra), "x2": _n(bx - ux * (rb + 1)), "y2": _n(by - uy * (rb + 1))}
    if dashed:
        a["stroke-dasharray"] = "4 3"
    ET.SubElement(g, "line", a)
