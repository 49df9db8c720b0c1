"""Article 003's procedure replayed through `nnderive train`: one sample, alpha = 0.02, one iteration, given weights."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path

import numpy as np
import pytest

from codegen import modules
from derive.pipeline import derive
from derive.present.worked_example import compute, load_example
from derive.spec import load_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "examples" / "replays" / "article003"
SPEC = ROOT / "examples" / "article003_3_2_2.toml"
EXAMPLE = ROOT / "examples" / "worked_example_003.toml"


def readme_command() -> list[str]:
    """The replay command exactly as the replay's README prints it."""
    text = (REPLAY / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(nnderive train .*?)```", text, re.S).group(1)
    return shlex.split(block.replace("\\\n", " "))[1:]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """Run the README's command (paths from the repository root) and return (params, stdout)."""
    folder = tmp_path_factory.mktemp("replay")
    args = [a if not a.startswith("examples/") else str(ROOT / a) for a in readme_command()]
    args = [str(folder / a) if a == "replay-003" else a for a in args] + ["--quiet"]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setattr(modules, "is_project_spec", lambda spec: False)  # nothing written into generated/
        import io
        import sys

        out = io.StringIO()
        mp.setattr(sys, "stdout", out)
        assert main(args) == 0
    with np.load(folder / "replay-003" / "params.npz") as z:
        params = {k: z[k] for k in ("W1", "b1", "W2", "b2")}
    return params, out.getvalue()


def test_the_replay_inputs_are_the_worked_example():
    doc = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    with np.load(REPLAY / "init.npz") as z:
        assert sorted(z.files) == ["W1", "W2", "b1", "b2"]
        for k in z.files:
            np.testing.assert_array_equal(z[k], np.array(doc[k], dtype=float), err_msg=k)
    header, row = (REPLAY / "sample.csv").read_text().splitlines()
    assert header == "x1,x2,x3,T1,T2" and [float(v) for v in row.split(",")] == doc["x"] + doc["y"]
    assert doc["alpha"] == load_spec(SPEC).training.learning_rate == 0.02  # the article's constant


def test_the_replay_prints_the_articles_procedure(replayed):
    _, out = replayed
    assert ("procedure: batch gradient descent: one batch of 1 sample, 1 iteration per epoch on 1"
            " sample; every parameter p := p - alpha * dL/dp with alpha = 0.02") in out
    assert "features: used as given (standardize = false)" in out
    assert f"initial parameters from {REPLAY / 'init.npz'}" in out
    assert re.search(r"start loss +5\.7372\d", out), out  # the document's E, before the step


def test_the_replay_reproduces_the_documents_updated_weights(replayed):
    params, _ = replayed
    spec = load_spec(SPEC)
    w = compute(derive(spec, verify=False), load_example(EXAMPLE, spec), 4, rounding="none")  # exact, as trained
    shown = {q.name.removesuffix("_new"): q.shown for q in w.updated}
    compared = 0
    for name, rows in shown.items():
        got = params[name].reshape(len(rows), -1)
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                assert f"{got[i, j]:.4f}" == text, (name, i, j, got[i, j], text)
                compared += 1
    assert compared == 14


def test_the_articles_own_rounding_moves_one_printed_digit(replayed):
    """Article 003 rounds the sigmoid outputs to 4 decimals before using them again (the document's
    default reading for its network): that moves exactly one of the trained, exact digits."""
    params, _ = replayed
    doc = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    x, T = np.array(doc["x"]), np.array(doc["y"])
    W1, b1, W2, b2 = (np.array(doc[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    h = np.round(1 / (1 + np.exp(-(W1 @ x + b1))), 4)
    O = W2 @ h + b2
    dO = -2 * (T - O)  # dE/dO, N = 1
    dh = (W2.T @ dO) * h * (1 - h)
    article = {"W1": W1 - 0.02 * np.outer(dh, x), "b1": b1 - 0.02 * dh,
               "W2": W2 - 0.02 * np.outer(dO, h), "b2": b2 - 0.02 * dO}
    moved = [(k, idx) for k in article for idx in np.ndindex(article[k].shape)
             if f"{article[k][idx]:.4f}" != f"{params[k][idx]:.4f}"]
    assert moved == [("W2", (0, 1))]
    assert (f"{article['W2'][0, 1]:.4f}", f"{params['W2'][0, 1]:.4f}") == ("0.8210", "0.8209")
    assert f"{((T - O) ** 2).sum():.4f}" == "5.7370"


def test_the_documents_default_reading_is_the_articles():
    """By default the article 003 document rounds as the article says, so it shows the article's digit."""
    spec = load_spec(SPEC)
    w = compute(derive(spec, verify=False), load_example(EXAMPLE, spec), 4)
    shown = {q.name.removesuffix("_new"): q.shown for q in w.updated}
    assert shown["W2"][0][1] == "0.8210"
