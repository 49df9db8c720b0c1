"""Inputs that are not specs live apart from the specs, and a command given one says what it is."""

import tomllib
from pathlib import Path

import pytest

from derive.errors import SpecError
from derive.spec import load_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def test_every_toml_beside_the_specs_is_a_spec():
    # examples/*.toml are specs only: value files, drafts and replay inputs live in subfolders
    tomls = sorted(EXAMPLES.glob("*.toml"))
    assert len(tomls) >= 5
    for p in tomls:
        assert load_spec(p).layers, p


def test_every_worked_example_file_is_used_with_a_spec():
    from derive.present.worked_example import load_example

    files = sorted((EXAMPLES / "worked_examples").glob("*.toml"))
    assert files
    for p in files:
        # the file names its spec on its "Use with:" line
        use = next(line for line in p.read_text(encoding="utf-8").splitlines() if "Use with:" in line)
        spec = load_spec(ROOT / use.split("nnderive latex ", 1)[1].split()[0])
        assert load_example(p, spec).x.shape[0] == spec.layers[0]


# (file text, suffix, what the message must say)
CASES = [
    ("x = [1.0, 2.0]\ny = [0.5]\nW1 = [[0.1, 0.2]]\nb1 = [0.0]\nalpha = 0.1\n", ".toml",
     ["worked-example values file", "nnderive latex SPEC --example"]),
    ("description = 'values'\nW1 = [[1.0]]\nb1 = [0.0]\nW2 = [[1.0]]\nb2 = [0.0]\nx = [1]\ny = [1]\n", ".toml",
     ["worked-example values file"]),
    ("[[claim]]\nprinted = 'x = x'\n", ".toml", ["claims file", "nnderive check --file"]),
    ("[project]\nname = 'p'\n[build-system]\nrequires = []\n", ".toml", ["Python project file", "[network]"]),
    ("---\ntitle: t\n---\n\n$$ x = 1 $$\n", ".md", ["Markdown document", "nnderive check --doc"]),
    ("# Notes\n\nThe gradient is\n\n$$\n\\delta = a - y\n$$\n", ".txt", ["Markdown document"]),
    ("\\documentclass{article}\n\\begin{document}\n$x$\n\\end{document}\n", ".tex", ["LaTeX document"]),
    ('{\n "cells": [],\n "nbformat": 4\n}\n', ".ipynb", ["Jupyter notebook", "nnderive check --doc"]),
    ('{\n  "counts": {"holds": 1},\n  "entries": []\n}\n', ".json", ["claims report", "nnderive check --file"]),
    ("# hooks\n- id: nnderive-check\n  entry: nnderive check --doc\n", ".yaml", ["a YAML file", "[network]"]),
    ("repos:\n  - repo: local\n", ".yml", ["a YAML file"]),
    ("x1,x2,x3,T1,T2\n1.0,4.0,5.0,0.1,0.05\n", ".csv", ["CSV data set", "nnderive train SPEC --data"]),
    (b"W1 b1 W2 b2", ".npz", ["parameters (W1, b1, ...)", "--init", "nnderive predict"]),
    (b"X y", ".npz", ["data set (X, y)", "nnderive train SPEC --data"]),
]


def _write(path, text):
    if isinstance(text, bytes):  # the names of the arrays of an .npz
        import numpy as np

        with path.open("wb") as f:  # a file object: np.savez would add .npz to a name without it
            np.savez(f, **{k: np.zeros(2) for k in text.decode().split()})
    else:
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("text, suffix, words", CASES)
def test_not_a_spec_says_what_it_is(tmp_path, capsys, text, suffix, words):
    # recognised by content, not by name: every case is also tried under a spec-like name
    for name in ("input" + suffix, "net_3_2.toml"):
        path = tmp_path / name
        _write(path, text)
        with pytest.raises(SpecError) as err:
            load_spec(path)
        msg = str(err.value)
        assert msg.startswith(f"{path}: not a network spec: this is ")
        for w in words:
            assert w in msg
        for command in (["derive"], ["codegen"], ["train"], ["latex"]):
            assert main(command + [str(path)]) == 2
            lines = capsys.readouterr().err.strip().splitlines()
            assert lines == [f"nnderive: error: {msg}"]


@pytest.mark.parametrize("text, words", [
    # a spec with a TOML comment on top and a syntax error stays a malformed spec, not "a Markdown document"
    ("# my network\n[network]\nlayers = [3, 2\n", ["malformed TOML"]),
    ("[netwrk]\nlayers = [3, 2]\n", ["netwrk", "unknown key"]),
    # a list of layers without its table is TOML gone wrong, not a CSV
    ("layers = 3,2\nloss = 'mse'\n", ["malformed TOML"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['sigmoid']\nloss = 'mse'\nx = 1\n", ["network.x", "unknown key"]),
])
def test_a_broken_spec_is_still_reported_as_a_spec(tmp_path, text, words):
    path = tmp_path / "net.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert "not a network spec" not in str(err.value)
    for w in words:
        assert w in str(err.value)


def test_a_spec_given_as_worked_example_says_so(tmp_path, capsys):
    spec = EXAMPLES / "article003_3_2_2.toml"
    assert "network" in tomllib.loads(spec.read_text(encoding="utf-8"))
    assert main(["latex", str(spec), "--example", str(spec), "-o", str(tmp_path / "a.tex")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "this is a network spec" in err[0] and "--example" in err[0]
    assert not (tmp_path / "a.tex").exists()
