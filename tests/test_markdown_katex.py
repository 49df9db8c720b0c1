"""Every math block of the Markdown output renders with KaTeX (throwOnError), via tests/js/render_katex.js.

CI installs KaTeX with `npm install --prefix tests/js`; locally the test skips when node or
tests/js/node_modules is missing (and fails instead when CI is set).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.pipeline import derive
from derive.present.document import markdown_math, render
from derive.present.worked_example import compute, load_example, random_example
from derive.spec import build_spec, load_spec

ROOT = Path(__file__).resolve().parent.parent
JS = Path(__file__).resolve().parent / "js"
SPECS = sorted(p for p in (ROOT / "examples").glob("*.toml") if not p.name.startswith("worked_example"))


def katex_failures(blocks: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "katex").is_dir():
        if os.environ.get("CI"):
            pytest.fail("KaTeX check needs node and `npm install --prefix tests/js` on CI")
        pytest.skip("node or tests/js/node_modules missing (run: npm install --prefix tests/js)")
    r = subprocess.run([node, str(JS / "render_katex.js")], input=json.dumps(blocks), capture_output=True,
                       text=True, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def test_markdown_math_extraction():
    blocks = markdown_math("a $x^2$ b\n$$\ny = 1 \\tag{1}\n$$\nc $z$ and \\$5")
    assert blocks == [{"tex": "x^2", "display": False}, {"tex": "y = 1 \\tag{1}", "display": True},
                      {"tex": "z", "display": False}]


def test_katex_reports_a_broken_block():
    fails = katex_failures([{"tex": r"\frac{1}{2}", "display": True}, {"tex": r"\undefinedmacro x",
                                                                       "display": False}])
    assert [f["index"] for f in fails] == [1]


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_every_markdown_equation_renders_with_katex(spec):
    d = derive(load_spec(spec))
    example = compute(d, random_example(d.spec, 2), 4) if max(d.spec.layers) <= 10 else None
    md = render(d, "md", example=example)
    assert "tikzpicture" not in md
    blocks = markdown_math(md)
    assert len([b for b in blocks if b["display"]]) >= 20
    fails = katex_failures(blocks)
    assert fails == [], json.dumps(fails[:5], indent=1)


@pytest.mark.parametrize("profile", ["default", "article000", "article003", "article004"])
def test_profiles_render_with_katex(profile):
    d = derive(load_spec(ROOT / "examples" / "article003_3_2_2.toml"))
    ex = compute(d, load_example(ROOT / "examples" / "worked_examples" / "article003.toml", d.spec), 4)
    fails = katex_failures(markdown_math(render(d, "md", profile, ex)))
    assert fails == [], json.dumps(fails[:5], indent=1)


def test_softmax_hidden_and_gelu_render_with_katex():
    spec = build_spec([3, 4, 3, 2], ["gelu", "softmax", "sigmoid"], "bce", conventions={"layout": "row"})
    d = derive(spec)
    md = render(d, "md", example=compute(d, random_example(spec, 1), 3))
    fails = katex_failures(markdown_math(md))
    assert fails == [], json.dumps(fails[:5], indent=1)
