""""Up to date" from the header alone: no deriving, and never fooled by an edit, a new description or a new generator."""

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from codegen import emit, modules
from codegen.modules import default_path, ensure_module, is_current
from derive.spec import build_spec, load_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPEC = build_spec([3, 4, 2], ["tanh", "sigmoid"], "bce", name="small", description="A small one.")
EXAMPLES = [p for p in sorted((ROOT / "examples").glob("*.toml"))
            if "network" in tomllib.loads(p.read_text(encoding="utf-8"))]


@pytest.fixture
def no_deriving(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("is_current derived or generated")

    def install():
        for name in ("derivation", "generated_module", "_from_derivation", "derive"):
            monkeypatch.setattr(modules, name, refuse)
        monkeypatch.setattr(emit, "derive", refuse)
    return install


@pytest.mark.parametrize("spec_path", EXAMPLES, ids=lambda p: p.stem)
def test_the_committed_modules_are_current_by_their_headers(spec_path, no_deriving):
    # the golden test regenerates them in full; the header must agree with it
    spec = load_spec(spec_path)
    no_deriving()
    assert is_current(spec, default_path(spec))


def _edit_body(text):
    return text.replace("return value", "return value * 1", 1)


def _edit_header_hash(text):
    body = emit.read_stamp(text)[1]
    return text.replace(f"body {body}", "body 0123456789abcdef", 1)


def _drop_stamp(text):
    return emit.STAMP_RE.sub("", text, count=1)


@pytest.mark.parametrize("edit", [_edit_body, _edit_header_hash, _drop_stamp, lambda t: t + "# appended\n",
                                  lambda t: t.replace("import numpy as np", "import numpy as np  # mine")],
                         ids=["body", "stamp", "no-stamp", "appended", "comment"])
def test_an_edited_file_is_not_current(edit, tmp_path, no_deriving):
    path = ensure_module(SPEC, tmp_path / "small.py")
    text = path.read_text(encoding="utf-8")
    assert edit(text) != text
    path.write_text(edit(text), encoding="utf-8")
    no_deriving()
    assert not is_current(SPEC, path)


def test_line_endings_alone_are_not_an_edit(tmp_path):
    # git's autocrlf rewrites them on checkout; Python reads the module the same either way
    path = ensure_module(SPEC, tmp_path / "small.py")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert is_current(SPEC, path)


def test_what_generation_depends_on_is_in_the_header(tmp_path, monkeypatch, no_deriving):
    path = ensure_module(SPEC, tmp_path / "small.py")
    no_deriving()
    assert is_current(SPEC, path)
    assert not is_current(replace(SPEC, description="Another one."), path)
    assert not is_current(replace(SPEC, layers=(3, 5, 2)), path)
    assert not is_current(replace(SPEC, name="other"), path)
    assert is_current(replace(SPEC, training=replace(SPEC.training, epochs=7)), path)  # not generated from
    monkeypatch.setattr(emit, "_FINGERPRINT", ["a changed generator"])
    assert not is_current(SPEC, path)


def test_the_fingerprint_covers_the_generators_sources_and_templates():
    covered = {f.relative_to(ROOT).as_posix() for pattern in emit.GENERATOR_SOURCES for f in ROOT.glob(pattern)}
    assert {"codegen/emit.py", "codegen/printers/numpy.py", "codegen/templates/module.py.j2",
            "derive/engine.py", "derive/primitives.py"} <= covered


def test_codegen_does_not_rewrite_a_current_module(tmp_path, capsys):
    spec = str(ROOT / "examples" / "article004_4_2_3.toml")
    out = tmp_path / "m.py"
    assert main(["codegen", spec, "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    stamp = out.stat().st_mtime_ns
    assert main(["codegen", spec, "-o", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out and out.stat().st_mtime_ns == stamp
    assert main(["codegen", spec, "-o", str(out), "--reverify"]) == 0
    said = capsys.readouterr().out
    assert "wrote" in said and "proven now" in said
    out.write_text(_edit_body(out.read_text()))
    assert main(["codegen", spec, "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert main(["codegen", spec, "-o", str(out), "--check"]) == 0
