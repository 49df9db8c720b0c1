"""`nnderive latex` on networks and notations the examples do not cover.

A table of diverse specs (every activation, every loss, depths 1-5, width-1 and wide layers, both
layouts, the ReLU'(0) and GELU conventions, every notation profile and user overrides) is rendered
as LaTeX and Markdown, with a random worked example where the net is small. For each:
  - every equation tag of derive.engine.equation_tags appears exactly once, in both formats;
  - the .tex compiles with pdflatex (-halt-on-error) without errors, undefined control sequences,
    'Missing ...' messages, and without what a typesetter would reject (tests/latex_checks.py: overfull
    boxes, short tables split across pages, identifiers broken at a hyphen; in the tex and md source
    stacked superscripts such as {W^{2}}^{\\top} and numbers such as 1e-06);
  - every Markdown math block renders with KaTeX (throwOnError), all specs in one node process.
pdflatex and node/KaTeX are skipped when missing, unless the CI environment variable is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.engine import equation_tags
from derive.pipeline import derive
from derive.present.document import markdown_math, render
from derive.present.worked_example import compute, random_example
from derive.spec import Notation, build_spec

try:
    from tests.latex_checks import compile_and_check, source_problems
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from latex_checks import compile_and_check, source_problems

JS = Path(__file__).resolve().parent / "js"

CUSTOM = (("act", "h_{@}"), ("activation", "g_{@}"), ("bias", r"\beta^{[@]}"), ("delta", r"\varepsilon^{@}"),
          ("input", r"\mathbf{x}"), ("loss", "J"), ("output", "o"), ("preact", "u^{[@]}"),
          ("target", "t"), ("weight", r"\Theta^{(@)}"))

# id: (layers, activations, loss, conventions, notation)
CASES = {
    "depth1_linear_mse": ([3, 2], ["linear"], "mse", {}, None),
    "depth1_softmax_cce": ([4, 3], ["softmax"], "cce", {}, None),
    "depth1_sigmoid_bce_width1": ([1, 1], ["sigmoid"], "bce", {}, None),
    "width1_chain_tanh_half_sse": ([1, 1, 1], ["tanh", "linear"], "half_sse", {}, None),
    "relu_half0_sse": ([2, 3, 2], ["relu", "linear"], "sse", {"relu_prime_at_zero": 0.5}, None),
    "leaky_half_mse_row": ([2, 3, 1], [{"name": "leaky_relu", "slope": 0.2}, "sigmoid"], "half_mse",
                           {"layout": "row"}, None),
    "elu_alpha_bce": ([3, 2, 2], [{"name": "elu", "alpha": 0.5}, "sigmoid"], "bce", {}, "article000"),
    "gelu_exact_mse": ([2, 3, 2], ["gelu", "linear"], "mse", {}, None),
    "gelu_tanh_convention": ([2, 3, 2], ["gelu", "tanh"], "half_sse", {"gelu": "tanh"}, "article004"),
    "gelu_tanh_named_row": ([2, 2, 2], ["gelu_tanh", "linear"], "mse", {"layout": "row"}, None),
    "softplus_silu_sparse": ([3, 3, 2, 3], ["softplus", "silu", "softmax"], "sparse_cce", {}, "article003"),
    "softmax_hidden_bce": ([2, 3, 3, 1], ["softmax", "relu", "sigmoid"], "bce", {}, None),
    "softmax_hidden_row_cce": ([3, 4, 3], ["softmax", "softmax"], "cce", {"layout": "row"}, None),
    "softmax_mse_unfused": ([2, 3, 3], ["tanh", "softmax"], "mse", {}, None),
    "depth5_mixed": ([2, 2, 3, 2, 2, 2], ["tanh", "relu", "sigmoid", {"name": "elu", "alpha": 1.0}, "softmax"],
                     "cce", {}, None),
    "depth4_row_custom": ([3, 2, 2, 2, 1], ["silu", "gelu", "softplus", "linear"], "half_sse",
                          {"layout": "row"}, CUSTOM),
    "custom_notation_softmax_hidden": ([2, 3, 2], ["softmax", "sigmoid"], "bce", {}, CUSTOM),
    "article000_row_leaky": ([2, 5, 3], [{"name": "leaky_relu", "slope": 0.01}, "softmax"], "cce",
                             {"layout": "row"}, "article000"),
    "article004_width1_hidden": ([3, 1, 2], ["relu", "sigmoid"], "bce", {}, "article004"),
    "wide_784_256_128_10": ([784, 256, 128, 10], ["relu", "relu", "softmax"], "cce", {}, None),
}


def _spec(name, layers, acts, loss, conv, notation):
    if isinstance(notation, tuple):  # user overrides on top of the default profile
        nota = Notation("default", notation)
    else:
        nota = Notation(notation or "default")
    return build_spec(layers, acts, loss, name=name, conventions=conv, notation=nota)


_docs: dict = {}


def documents(case: str) -> dict:
    """{'derivation', 'tex', 'md'} for one case, built once per test session."""
    if case not in _docs:
        spec = _spec(case, *CASES[case])
        d = derive(spec)
        example = compute(d, random_example(spec, sum(map(ord, case)) % 97), 4) if max(spec.layers) <= 10 else None
        _docs[case] = {"derivation": d, "tex": render(d, "tex", example=example),
                       "md": render(d, "md", example=example)}
    return _docs[case]


def _require(tool_ok: bool, what: str):
    if tool_ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required on CI")
    pytest.skip(f"{what} not installed")


def _check_tags(d, text: str, fmt: str):
    tags = re.findall(r"\\tag\{([^}]*)\}", text)
    for name, tag in equation_tags(d).items():
        assert tags.count(tag) == 1, f"{fmt}: tag ({tag}) of {name} appears {tags.count(tag)} times"
    assert sorted(tags) == sorted(equation_tags(d).values())


@pytest.mark.parametrize("case", list(CASES))
def test_every_tag_exactly_once(case):
    doc = documents(case)
    for fmt in ("tex", "md"):
        _check_tags(doc["derivation"], doc[fmt], fmt)
    assert "tikzpicture" not in doc["md"]


def test_notation_is_applied_everywhere():
    doc = documents("custom_notation_softmax_hidden")
    for fmt in ("tex", "md"):
        text = doc[fmt]
        assert r"\Theta^{(1)}_{jk}" in text and r"\beta^{[2]}" in text and "u^{[1]}" in text
        assert "h_{1,j}" in text and r"\varepsilon^{2}" in text and "{g_{2}}'" in text
        # the default spellings of the overridden roles never leak into the equations
        math = " ".join(b["tex"] for b in markdown_math(doc["md"])) if fmt == "md" else text
        for default in ("W^{1}", "W^{2}", "b^{1}", "z^{1}", "a^{1}", r"\delta^{1}", r"\delta^{2}", "f^{2}"):
            assert default not in math, (fmt, default)


def test_depth_one_reads_naturally():
    for case in ("depth1_linear_mse", "depth1_softmax_cce"):
        md = documents(case)["md"]
        assert r"l = 1, \dots, 1" not in md
        assert "(4)–(4)" not in md and "error terms (4)" not in md


def test_row_layout_example_is_one_sample_per_row():
    md = documents("leaky_half_mse_row")["md"]
    # N = 1 sample with 2 inputs: x is a 1 x 2 row in the row layout
    assert re.search(r"x &= \\begin\{bmatrix\} -?\d[\d.]* & -?\d[\d.]* \\end\{bmatrix\}", md)
    assert r"\mathbf{1}_{N}(b^{1})^{\top}" in md


def test_katex_renders_every_equation():
    node = shutil.which("node")
    _require(node is not None and (JS / "node_modules" / "katex").is_dir(),
             "node with KaTeX (npm install --prefix tests/js)")
    blocks, owner = [], []
    for case in CASES:
        for b in markdown_math(documents(case)["md"]):
            blocks.append(b)
            owner.append(case)
    r = subprocess.run([node, str(JS / "render_katex.js")], input=json.dumps(blocks), capture_output=True,
                       text=True, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    fails = json.loads(r.stdout)
    report = [{"case": owner[f["index"]], "error": f["error"][:200], "tex": f["tex"][:300]} for f in fails[:8]]
    assert fails == [], json.dumps(report, indent=1)


def _pdflatex(tmp: Path, case: str) -> list[str]:
    doc = documents(case)
    problems = source_problems(doc["tex"], "tex") + source_problems(doc["md"], "md")
    return [f"{case}: {p}" for p in problems] + compile_and_check(tmp, case, doc["tex"])


def test_pdflatex_compiles_every_case(tmp_path):
    _require(shutil.which("pdflatex") is not None, "pdflatex")
    _require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    cases = list(CASES)
    for case in cases:  # build the documents (sympy) in this thread, compile in parallel
        documents(case)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        problems = [p for ps in pool.map(lambda c: _pdflatex(tmp_path, c), cases) for p in ps]
    assert problems == [], "\n".join(problems[:20])


# ---------------------------------------------------------------------------------------------
# a few random small networks (hypothesis), checked for tags and KaTeX

ELEMENTWISE = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu", "gelu_tanh", "softplus", "silu"]


@st.composite
def small_specs(draw):
    depth = draw(st.integers(1, 3))
    layers = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    hidden = [draw(st.sampled_from(ELEMENTWISE + ["softmax"])) for _ in range(depth - 1)]
    loss = draw(st.sampled_from(["half_sse", "sse", "mse", "half_mse", "bce", "cce", "sparse_cce"]))
    out = {"bce": "sigmoid", "cce": "softmax", "sparse_cce": "softmax"}.get(
        loss, draw(st.sampled_from(ELEMENTWISE)))
    for i, a in enumerate(hidden):
        if a == "softmax":
            layers[i + 1] = max(layers[i + 1], 2)
    if out == "softmax":
        layers[-1] = max(layers[-1], 2)
    conv = {"layout": draw(st.sampled_from(["column", "row"])),
            "relu_prime_at_zero": draw(st.sampled_from([0.0, 0.5, 1.0])),
            "gelu": draw(st.sampled_from(["exact", "tanh"]))}
    notation = draw(st.sampled_from(["default", "article000", "article003", "article004"]))
    return build_spec(layers, hidden + [out], loss, name="random", conventions=conv,
                      notation=Notation(notation))


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(spec=small_specs(), seed=st.integers(0, 1000), tolerance=st.sampled_from([0.0, 1e-6, 2.5e-4, 0.01]))
def test_random_small_networks(spec, seed, tolerance, tmp_path_factory):
    spec = replace(spec, training=replace(spec.training, tolerance=tolerance, loss_tolerance=tolerance / 10))
    d = derive(spec)
    ex = compute(d, random_example(spec, seed), 3)
    md = render(d, "md", example=ex)
    tex = render(d, "tex", example=ex)
    _check_tags(d, tex, "tex")
    _check_tags(d, md, "md")
    problems = source_problems(tex, "tex") + source_problems(md, "md")
    if shutil.which("pdflatex") and shutil.which("pdftotext"):  # the tests above report missing tools
        problems += compile_and_check(tmp_path_factory.mktemp("random"), "random", tex)
    assert problems == [], "\n".join(problems[:20])
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "katex").is_dir():
        return  # the KaTeX test above reports the missing tool
    r = subprocess.run([node, str(JS / "render_katex.js")], input=json.dumps(markdown_math(md)),
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[:2000]
