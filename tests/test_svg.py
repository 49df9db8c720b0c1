"""The Markdown derivation's network figure: a valid SVG file beside the document, byte-for-byte stable."""

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derive.pipeline import derive
from derive.present.builder import Builder, _resolve_profile
from derive.present.document import document, figure_file
from derive.present.svg import label_runs, plain
from derive.present.writers import MdWriter
from derive.spec import build_spec, load_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
NS = {"s": "http://www.w3.org/2000/svg"}


def figure(spec, profile=None) -> tuple[str, Builder]:
    d = derive(spec)
    b = Builder(d, MdWriter(), _resolve_profile(spec, profile))
    return b.svg("The network."), b


def text_of(el) -> str:
    return "".join(el.itertext())


@pytest.mark.parametrize("layers, acts, shown", [
    ([3, 5, 2], ["sigmoid", "linear"], [3, 5, 2]),
    ([784, 128, 10], ["relu", "softmax"], [4, 4, 4]),  # 1, 2, 3, ⋮, n: four neurons and a gap
    ([2, 7, 6, 1], ["tanh", "relu", "sigmoid"], [2, 4, 6, 1]),
    ([4, 1], ["sigmoid"], [4, 1]),
])
def test_every_drawn_neuron_and_weight_is_in_the_figure(layers, acts, shown):
    svg, b = figure(build_spec(layers, acts, "half_sse" if acts[-1] != "softmax" else "cce", name="n"))
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall(".//s:circle", NS)) == sum(shown)
    lines = root.findall(".//s:line", NS)
    weights = sum(a * b_ for a, b_ in zip(shown, shown[1:]))
    biases = sum(shown[1:])
    assert len(lines) == weights + biases
    assert sum(1 for ln in lines if ln.get("stroke-dasharray")) == biases
    texts = [text_of(t) for t in root.findall(".//s:text", NS)]
    assert texts.count("\u22ee") == sum(1 for n in layers if n > 6)  # the gap of each wide layer
    assert texts.count("+1") == len(layers) - 1
    for l, n in enumerate(layers):
        assert f"n{l} = {n}" in texts  # each layer's width under its title
    # the labels of the first and last neuron of each layer, in the notation's spelling
    assert "x1" in texts and f"x{layers[0]}" in texts
    assert f"a{len(layers) - 1}{layers[-1]}" in texts
    # nothing is drawn outside the picture
    w, h = float(root.get("width")), float(root.get("height"))
    for c in root.findall(".//s:circle", NS):
        r = float(c.get("r"))
        assert r <= float(c.get("cx")) <= w - r and r <= float(c.get("cy")) <= h - r
    assert w < 800 and h < 500  # 784 inputs stay a readable figure


def test_the_figure_is_deterministic_and_matches_its_golden():
    spec = load_spec(ROOT / "examples" / "article003_3_2_2.toml")
    a = document(derive(spec), "md")
    b = document(derive(spec), "md")
    assert a == b
    (name, svg), = a.files
    assert name == "article003_3_2_2-network.svg" and f"]({name})" in a.text
    path = GOLDEN / name
    if os.environ.get("NNDERIVE_UPDATE_GOLDEN") == "1":
        path.write_text(svg, encoding="utf-8")
    assert svg == path.read_text(encoding="utf-8"), f"{path} differs; if intended, rerun with NNDERIVE_UPDATE_GOLDEN=1"


@pytest.mark.parametrize("tex, runs", [
    ("a^{1}_{2}", [("a", 0, True), ("1", 1, False), ("2", -1, False)]),
    ("x_{784}", [("x", 0, True), ("784", -1, False)]),
    (r"\hat{y}_{3}", [("y\u0302", 0, True), ("3", -1, False)]),
    (r"\vec{y}^{true}", [("y\u20d7", 0, True), ("true", 1, True)]),
    (r"\mathbf{w}^{2}", [("w", 0, True), ("2", 1, False)]),  # bold: checked below
    (r"\sigma^{2}", [("\u03c3", 0, True), ("2", 1, False)]),
    (r"\Delta", [("\u0394", 0, False)]),
    (r"\mathbb{R}", [("\u211d", 0, False)]),
    (r"\ell_{n}", [("\u2113", 0, False), ("n", -1, True)]),
    ("n_{1} = 5", [("n", 0, True), ("1", -1, False), (" = 5", 0, False)]),
    (r"\mathrm{out}_{j}", [("out", 0, False), ("j", -1, True)]),
])
def test_labels_are_set_as_tex_sets_them(tex, runs):
    got = label_runs(tex)
    assert [(r.text, r.level, r.italic) for r in got] == runs
    assert all(r.bold for r in got[:1]) == tex.startswith(r"\mathbf")


def test_plain_text_of_a_caption():
    assert plain(r"bias units ($+1$) and $W^{2}$") == "bias units (+1) and W2"


@pytest.mark.parametrize("profile, label", [("article000", "y12"), ("article004", "a1,2"), ("article003", "h12")])
def test_the_figure_speaks_the_documents_notation(profile, label):
    svg, _ = figure(load_spec(ROOT / "examples" / "article003_3_2_2.toml"), profile)
    assert label in [text_of(t) for t in ET.fromstring(svg).findall(".//s:text", NS)]


def test_latex_md_writes_the_figure_beside_the_document(tmp_path, capsys):
    out = tmp_path / "docs" / "net.md"
    out.parent.mkdir()
    assert main(["latex", str(ROOT / "examples" / "article000_3_5_2.toml"), "-o", str(out)]) == 0
    svg = out.parent / "net-network.svg"
    assert figure_file(derive(load_spec(ROOT / "examples" / "article000_3_5_2.toml")), out) == svg.name
    assert capsys.readouterr().out.splitlines() == [f"wrote {svg}", f"wrote {out}"]
    assert "](net-network.svg)" in out.read_text(encoding="utf-8")
    ET.fromstring(svg.read_text(encoding="utf-8"))
    assert sorted(p.name for p in out.parent.iterdir()) == ["net-network.svg", "net.md"]
    # the LaTeX document draws its figure in TikZ and writes no file beside it
    assert main(["latex", str(ROOT / "examples" / "article000_3_5_2.toml"), "-o", str(tmp_path / "t.tex")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "t.tex"]
