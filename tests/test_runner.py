"""Tests for training.runner: `nnderive train`, `demo` and `predict` end to end through the CLI."""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from codegen import modules
from derive.spec import load_spec
from nnderive.cli import main
from nnderive.commands import train as train_command
from training import runner

ROOT = Path(__file__).resolve().parent.parent

SPECS = {  # loss -> (layers, activations)
    "mse": ([2, 4, 1], ["sigmoid", "linear"]),
    "half_sse": ([2, 4, 1], ["sigmoid", "linear"]),
    "cce": ([2, 4, 2], ["sigmoid", "softmax"]),
    "sparse_cce": ([2, 4, 2], ["sigmoid", "softmax"]),
}


def write_spec(folder: Path, loss: str, epochs: int = 3, lr: float = 0.5, **training) -> Path:
    layers, acts = SPECS[loss]
    extra = "".join(f"{k} = {v!r}\n" for k, v in training.items())
    path = folder / f"net_{loss}.toml"
    path.write_text(f'[network]\nname = "net_{loss}"\nlayers = {layers}\nactivations = {json.dumps(acts)}\n'
                    f'loss = "{loss}"\n[training]\nepochs = {epochs}\nbatch_size = 8\n'
                    f"learning_rate = {lr}\n{extra}")
    return path


def write_csv(path: Path, kind: str, n: int = 60, target: bool = True) -> Path:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n, 2))
    # Classes split by x1 > 0; regression targets far from 0 so unscaling is visible.
    y = (X[:, 0] > 0).astype(int) if kind == "classification" else 100 + 10 * X[:, 0] - 5 * X[:, 1]
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2"] + (["y"] if target else []))
        for xr, yv in zip(X, y):
            w.writerow([f"{xr[0]:.6f}", f"{xr[1]:.6f}"] + ([yv] if target else []))
    return path


def kind_of(loss: str) -> str:
    return "classification" if loss in ("cce", "sparse_cce") else "regression"


def emit_or_skip():
    try:
        return importlib.import_module("codegen.emit")
    except ModuleNotFoundError:
        pytest.skip("codegen.emit not yet available")


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `nnderive ...` in tmp_path; returns (exit code, stdout, stderr)."""
    emit_or_skip()
    monkeypatch.chdir(tmp_path)
    # Keep test runs from writing modules into the repository's generated/ folder.
    monkeypatch.setattr(modules, "is_project_spec", lambda spec: False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def train_args(tmp_path: Path, loss: str, *extra, **training) -> list:
    spec = write_spec(tmp_path, loss, **training)
    data = write_csv(tmp_path / f"{loss}.csv", kind_of(loss))
    return ["train", spec, "--data", data, "--target", "y", "--quiet", *extra]


def read_metrics(path: Path) -> list[dict]:
    with path.open() as f:
        return list(csv.DictReader(f))


def params_of(path: Path) -> dict:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


# ---------------------------------------------------------------------------------------------


def test_embedded_demo_spec_equals_the_example():
    example = tomllib.loads((ROOT / "examples" / "digits_64_32_10.toml").read_text())
    assert tomllib.loads(runner.DEMO_SPEC_TOML) == example


@pytest.mark.parametrize("loss", ["mse", "half_sse", "cce", "sparse_cce"])
def test_train_writes_params_metrics_and_plot(cli, tmp_path, loss):
    code, out, err = cli(*train_args(tmp_path, loss), "--out", "run")
    assert code == 0, err
    run = tmp_path / "run"
    assert len(read_metrics(run / "metrics.csv")) == 3
    assert (run / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert {"W1", "b1", "W2", "b2", "__feature_mean__"} <= set(params_of(run / "params.npz"))
    assert re.search(r"epochs run +3 of 3", out)
    assert ("test accuracy" in out) == (kind_of(loss) == "classification")


def test_default_out_folder_and_explicit_file_names(cli, tmp_path):
    for run in ("run-001", "run-002"):  # every run gets its own folder
        code, out, err = cli(*train_args(tmp_path, "cce"))
        assert code == 0, err
        assert {p.name for p in (tmp_path / "nnderive-out" / "net_cce" / run).iterdir()} >= {
            "params.npz", "metrics.csv", "curves.png"}
        assert f"nnderive-out/net_cce/{run}/params.npz" in out
    code, _, err = cli(*train_args(tmp_path, "cce"), "--metrics", "m.json", "--plot", "c.png",
                       "--params", "p.npz")
    assert code == 0, err
    assert len(json.loads((tmp_path / "m.json").read_text())) == 3
    assert (tmp_path / "c.png").exists() and (tmp_path / "p.npz").exists()


@pytest.mark.parametrize("loss", ["cce", "mse"])
def test_predict_round_trip(cli, tmp_path, loss):
    code, _, err = cli(*train_args(tmp_path, loss, "--epochs", "40", "--out", "run"))
    assert code == 0, err
    labelled = tmp_path / f"{loss}.csv"
    with labelled.open() as f:
        table = np.array([[float(v) for v in r.values()] for r in csv.DictReader(f)])
    np.savez(tmp_path / "same.npz", X=table[:, :2], y=table[:, 2])
    unlabelled = write_csv(tmp_path / "new.csv", kind_of(loss), target=False)
    outputs = []
    for data in (labelled, unlabelled, tmp_path / "same.npz"):
        code, out, err = cli("predict", "run/params.npz", f"net_{loss}.toml", "--data", data,
                             "--output", "p.csv")
        assert code == 0, err
        assert "wrote 60 predictions" in out
        with (tmp_path / "p.csv").open() as f:
            header, *rows = list(csv.reader(f))
        outputs.append(np.array(rows, dtype=float)[:, 0])
    # The target column is not needed, and every source is standardized with the saved statistics.
    assert np.allclose(outputs[0], outputs[1]) and np.allclose(outputs[0], outputs[2])
    pred, y = outputs[0], table[:, 2]
    if loss == "cce":
        assert header == ["class"] and np.mean(pred == y) > 0.9
    else:  # values come back in the target's own units (around 100), not standardized
        assert header == ["y"] and np.corrcoef(pred, y)[0, 1] > 0.9 and abs(pred.mean() - 100) < 5


@pytest.mark.parametrize("mutate, needle", [
    (lambda t: t.replace("[2, 4, 2]", "[2, 5, 2]"), "different network"),
    (lambda t: t, "feature column(s) 'x1'"),
])
def test_predict_rejects_mismatches(cli, tmp_path, mutate, needle):
    assert cli(*train_args(tmp_path, "cce"), "--out", "run")[0] == 0
    spec = tmp_path / "net_cce.toml"
    spec.write_text(mutate(spec.read_text()))
    (tmp_path / "other.csv").write_text("a,x2\n1,2\n")
    code, _, err = cli("predict", "run/params.npz", spec, "--data", "other.csv")
    assert code == 2 and needle in err and "Traceback" not in err


@pytest.mark.parametrize("quiet", [True, False])
def test_quiet_prints_no_progress(cli, tmp_path, quiet):
    args = train_args(tmp_path, "cce")
    code, out, err = cli(*(args if quiet else [a for a in args if a != "--quiet"]))
    assert code == 0, err
    assert ("epoch 1/3" in out) != quiet
    assert "result:" in out and "\r" not in err  # off a TTY: no progress bar either way


@pytest.mark.parametrize("row, needle", [
    ("1.0,abc,1", "row 3, column 'x2' (column 2): 'abc' is not a number"),
    ("1.0,2.0,7", "row 3: class label 7 is not an integer in [0, 2)"),
    ("1.0,2.0", "row 3: 2 cells, but the header has 3 columns"),
])
def test_bad_data_exits_2_with_one_line(cli, tmp_path, row, needle):
    spec = write_spec(tmp_path, "cce")
    (tmp_path / "bad.csv").write_text(f"x1,x2,y\n0.5,0.1,0\n{row}\n-0.5,0.2,1\n")
    code, out, err = cli("train", spec, "--data", "bad.csv", "--target", "y")
    assert code == 2 and needle in err
    assert err.count("\n") == 1 and err.startswith("nnderive: error:") and "Traceback" not in err


@pytest.mark.parametrize("flag", [["--lr", "-1"], ["--epochs", "0"], ["--metrics", "m.txt"],
                                  ["--test-fraction", "0.95"]])
def test_bad_flags_exit_2(cli, tmp_path, flag):
    with pytest.raises(SystemExit) as e:
        cli(*train_args(tmp_path, "cce"), *flag)
    assert e.value.code == 2


def test_diverging_run_stops_at_first_bad_epoch(cli, tmp_path):
    code, out, err = cli(*train_args(tmp_path, "half_sse", "--lr", "1e12", "--epochs", "20",
                                     "--out", "run"))
    assert code == 1
    assert "diverged" in err and "try a smaller learning rate" in err
    completed = len(read_metrics(tmp_path / "run" / "metrics.csv"))
    assert completed < 20 and f"in epoch {completed + 1} " in err
    assert all(np.isfinite(v).all() for k, v in params_of(tmp_path / "run" / "params.npz").items()
               if k.startswith(("W", "b")))


def test_ctrl_c_saves_last_good_parameters(cli, tmp_path, monkeypatch):
    generate = runner.generate

    def interrupting(spec, out):
        g = generate(spec, out)
        mod, calls, real = g.module, [], g.module.backward

        def backward(params, cache, Y):
            calls.append(1)
            if len(calls) == 15:  # in epoch 3: 48 training rows, batches of 8
                raise KeyboardInterrupt
            return real(params, cache, Y)

        monkeypatch.setattr(mod, "backward", backward)
        return g

    monkeypatch.setattr(runner, "generate", interrupting)
    code, _, err = cli(*train_args(tmp_path, "cce", "--epochs", "5", "--out", "run"))
    assert code == 130
    assert "interrupted in epoch 3" in err and "run/params.npz" in err
    assert len(read_metrics(tmp_path / "run" / "metrics.csv")) == 2
    assert (tmp_path / "run" / "params.npz").exists()


def test_fixed_seed_is_bit_identical(cli, tmp_path):
    runs = {}
    for out, seed in (("a", 3), ("b", 3), ("c", 4)):
        assert cli(*train_args(tmp_path, "cce", "--seed", seed, "--out", out))[0] == 0
        runs[out] = params_of(tmp_path / out / "params.npz")
    same = lambda p, q: all(np.array_equal(p[k], q[k]) for k in p)  # noqa: E731
    assert same(runs["a"], runs["b"]) and not same(runs["a"], runs["c"])


def test_demo_runs_quickly(cli, tmp_path):
    code, out, err = cli("demo", "--epochs", "2", "--quiet", "--out", "demo")
    assert code == 0, err
    assert "derived digits_64_32_10" in out and "verified (proven now" in out and "matched exactly" in out
    assert "module: " in out and "test accuracy" in out and "epoch 1/2" not in out
    assert (tmp_path / "demo" / "params.npz").exists()


def test_a_second_run_uses_the_proof_certificate_and_reverify_proves_again(cli):
    from codegen import modules

    said = []
    for flags in ((), (), ("--reverify",)):
        modules._DERIVATIONS.clear()  # as in a new process: only the on-disk certificate remains
        code, out, err = cli("demo", "--epochs", "1", "--quiet", *flags)
        assert code == 0, err
        said.append(next(line for line in out.splitlines() if line.startswith("derived ")))
    assert "proven now" in said[0]
    assert "certificate from" in said[1] and "cached" in said[1]
    assert "proven now" in said[2]


# ---------------------------------------------------------------------------------------------
# Pieces


def namespace(**kw):
    keys = ("epochs", "batch_size", "lr", "seed", "tolerance", "loss_tolerance", "test_fraction",
            "dtype", "data", "target", "features", "standardize", "shuffle", "target_loss", "init")
    return argparse.Namespace(**{k: None for k in keys} | kw)


@pytest.mark.parametrize("flags, training, data", [
    ({}, {}, {}),
    ({"lr": 0.01, "batch_size": 0, "epochs": 7}, {"learning_rate": 0.01, "batch_size": 0, "epochs": 7}, {}),
    ({"tolerance": 1e-4, "loss_tolerance": 1e-6, "test_fraction": 0.0, "dtype": "float32", "seed": 9},
     {"tolerance": 1e-4, "loss_tolerance": 1e-6, "test_fraction": 0.0, "dtype": "float32", "seed": 9}, {}),
    ({"data": "x.csv", "target": "t", "features": "a, b"}, {},
     {"source": "x.csv", "target": ("t",), "features": ("a", "b")}),
    ({"target": "a, b", "standardize": False, "shuffle": False, "target_loss": 0.01, "init": "w.npz"},
     {"standardize": False, "shuffle": False, "target_loss": 0.01, "init": "w.npz"},
     {"target": ("a", "b")}),
])
def test_flags_override_the_spec(flags, training, data):
    spec = runner.demo_spec()
    got = train_command.apply_overrides(spec, namespace(**flags))
    assert got.training == replace(spec.training, **training)
    assert got.data == replace(spec.data, **data)
    assert got.hash() == spec.hash()


@pytest.mark.parametrize("project, expect_default", [(True, True), (False, False)])
def test_module_path_keeps_user_specs_out_of_the_package(tmp_path, monkeypatch, project,
                                                         expect_default):
    emit_or_skip()
    monkeypatch.chdir(tmp_path)
    spec = runner.demo_spec() if project else load_spec(write_spec(tmp_path, "cce"))
    path = runner.module_path(spec, tmp_path / "out")
    assert (path == Path(modules.default_path(spec))) == expect_default
    if not expect_default:  # where `nnderive codegen SPEC` writes it: ./generated/<name>.py
        assert path == tmp_path / "generated" / f"{spec.name}.py"


# ---------------------------------------------------------------------------------------------
# Review fixes


def test_demo_with_a_huge_learning_rate_stops_in_epoch_1(cli, tmp_path):
    code, out, err = cli("demo", "--lr", "1e300", "--epochs", "5", "--quiet", "--out", "demo")
    assert code == 1, out + err
    assert "diverged" in err and "in epoch 1 with learning rate 1e+300" in err
    # the advice is computed from the loss's curvature at the start, not "divide by 10"
    tip = float(re.search(r"try a smaller learning rate such as (\S+) ", err).group(1))
    assert 0.01 <= tip <= 10, err
    assert read_metrics(tmp_path / "demo" / "metrics.csv") == []
    assert re.search(r"epochs run +0 of 5", out)


def test_demo_derives_the_network_once(cli, tmp_path, monkeypatch):
    import derive.pipeline

    emit = emit_or_skip()
    calls = []
    real = derive.pipeline.derive

    def counting(*args, **kwargs):
        calls.append(kwargs.get("layout"))
        return real(*args, **kwargs)

    monkeypatch.setattr(derive.pipeline, "derive", counting)
    monkeypatch.setattr(emit, "derive", counting)
    monkeypatch.setattr(modules, "derive", counting)
    for run in ("fresh", "reused"):  # first the module is written, then found current
        # a new process: nothing cached from earlier tests or the previous run
        monkeypatch.setattr(modules, "_CACHE", {})
        monkeypatch.setattr(modules, "_DERIVATIONS", {}, raising=False)
        calls.clear()
        code, out, err = cli("demo", "--epochs", "1", "--quiet", "--out", f"demo_{run}")
        assert code == 0, err
        assert ("reused, up to date" in out) == (run == "reused")
        assert len(calls) == 1, (run, calls)


def test_saved_parameters_load_with_load_params(cli, tmp_path):
    from training.loop import load_params

    assert cli(*train_args(tmp_path, "cce"), "--out", "run")[0] == 0
    spec = load_spec(tmp_path / "net_cce.toml")
    params = load_params(tmp_path / "run" / "params.npz", shapes=spec.shapes(),
                         spec_hash=spec.hash())
    assert set(params) == {"W1", "b1", "W2", "b2"}


def test_runner_uses_only_public_helpers():
    source = (ROOT / "training" / "runner.py").read_text()
    private = re.findall(r"from \.\w+ import ([^\n]*\b_\w+)", source)
    assert private == [] and "tempfile" not in source


def test_data_paths_in_a_spec_are_relative_to_the_spec_file(cli, tmp_path):
    sub = tmp_path / "specs"
    sub.mkdir()
    write_csv(sub / "d.csv", "classification")
    spec = write_spec(sub, "cce")
    spec.write_text(spec.read_text() + '[data]\nsource = "d.csv"\ntarget = "y"\n')
    code, out, err = cli("train", spec.relative_to(tmp_path), "--quiet", "--out", "run")
    assert code == 0, err
    assert "data: specs/d.csv" in out
    # on the command line a path stays relative to the working folder
    write_csv(tmp_path / "cwd.csv", "classification")
    code, out, err = cli("train", spec.relative_to(tmp_path), "--data", "cwd.csv", "--quiet",
                         "--out", "run2")
    assert code == 0, err
    assert "data: cwd.csv" in out
    code, _, err = cli("train", spec.relative_to(tmp_path), "--data", "d.csv", "--quiet")
    assert code == 2 and "d.csv: file not found" in err


# ---------------------------------------------------------------------------------------------
# User review: output folders, data source messages, printout, predict


def test_failed_runs_create_no_output_folder(cli, tmp_path):
    spec = write_spec(tmp_path, "cce")
    (tmp_path / "bad_nan.csv").write_text("x1,x2,y\n0.5,nan,0\n-0.5,0.2,1\n")
    code, _, err = cli("train", spec, "--data", "bad_nan.csv", "--target", "y", "--out", "x")
    assert code == 2 and "not a finite number" in err
    assert not (tmp_path / "x").exists()
    # a spec without [data] and no --data: nothing to train on, nothing written
    code, _, err = cli("train", ROOT / "examples" / "article000_3_5_2.toml")
    assert code == 2 and "no data source" in err
    assert not (tmp_path / "nnderive-out").exists()


def test_an_output_folder_that_cannot_be_made_fails_before_training(cli, tmp_path):
    (tmp_path / "file").write_text("")
    code, out, err = cli(*train_args(tmp_path, "cce"), "--out", "file/run")
    assert code == 2 and "file" in err and "not a folder" in err
    assert "derived " not in out and "verified (" not in out


def spec_with_data(tmp_path: Path, data: str) -> Path:
    folder = tmp_path / "walk" / "bad"
    folder.mkdir(parents=True)
    spec = write_spec(folder, "cce")
    spec.write_text(spec.read_text() + f"[data]\n{data}\n")
    return spec


def test_a_bad_data_source_in_the_spec_names_the_key(cli, tmp_path):
    spec = spec_with_data(tmp_path, 'source = "iris"')
    code, _, err = cli("train", spec)
    assert code == 2 and err.count("\n") == 1, err
    assert str(spec) in err and "data.source" in err and "'iris'" in err
    assert "walk/bad/iris" not in err
    for form in ("digits", "diabetes", ".csv", ".npz", "mnist:DIR"):
        assert form in err
    # on the command line the flag is named instead
    code, _, err = cli("train", spec, "--data", "iris")
    assert code == 2 and "--data" in err and "'iris'" in err and "mnist:DIR" in err


def test_a_csv_without_a_target_names_both_ways_to_give_one(cli, tmp_path):
    spec = spec_with_data(tmp_path, 'source = "d.csv"')
    write_csv(spec.parent / "d.csv", "classification")
    code, _, err = cli("train", spec)
    assert code == 2 and "[data] target" in err and "--target" in err


def test_no_data_source_says_how_to_give_one(cli, tmp_path):
    code, _, err = cli("train", write_spec(tmp_path, "cce"))
    assert code == 2 and err.count("\n") == 1
    assert "no data source" in err and "--data" in err and "[data]" in err and "source =" in err


def test_epoch_lines_use_one_number_format_and_align(cli, tmp_path):
    args = [a for a in train_args(tmp_path, "cce", "--epochs", "12") if a != "--quiet"]
    code, out, err = cli(*args)
    assert code == 0, err
    lines = [s for s in out.splitlines() if s.startswith("epoch ")]
    assert len(lines) == 12
    number = r"\d\.\d{5}e[+-]\d\d"
    for s in lines:
        assert re.search(rf"train loss +{number}  test loss +{number}  train accuracy +\d+\.\d\d%"
                         rf"  test accuracy +\d+\.\d\d%  gap +[+-]\d+\.\d\d pts", s), s
    for column in ("test loss", "train accuracy", "test accuracy", "gap"):
        assert len({s.index(column) for s in lines}) == 1, column
    assert re.search(r"stopped +after 12 of 12 epochs", out)
    assert "epochs: finished" not in out


def test_early_stop_reads_naturally(cli, tmp_path):
    code, out, err = cli(*train_args(tmp_path, "cce", "--tolerance", "1e3"))
    assert code == 0, err
    assert re.search(r"stopped +early, in epoch 1 of 3: the largest weight update \S+ fell below"
                     r" the tolerance 1000", out), out


def test_regression_report_says_losses_are_on_the_standardized_scale(cli, tmp_path):
    code, out, err = cli(*train_args(tmp_path, "mse", "--epochs", "30"))
    assert code == 0, err
    assert re.search(r"train loss +\S+ \(standardized targets\)", out)
    m = re.search(r"test RMSE +(\S+) \(in y's units\)", out)
    assert m and 0 < float(m.group(1)) < 20  # y spans ~100 +- 25: clearly unscaled units
    assert "standardized" in out.split("result:")[0]  # said before the epoch lines too


@pytest.mark.parametrize("loss", ["cce", "mse"])
def test_predict_reuses_a_current_module_without_deriving(cli, tmp_path, monkeypatch, loss):
    emit = emit_or_skip()
    assert cli(*train_args(tmp_path, loss, "--out", "run"))[0] == 0
    module = tmp_path / "generated" / f"net_{loss}.py"  # where `nnderive codegen` puts it
    written = module.stat().st_mtime_ns

    def no_deriving(*a, **k):
        raise AssertionError("predict derived the network")

    with monkeypatch.context() as m:
        m.setattr(modules, "derivation", no_deriving)
        m.setattr(emit, "generate", no_deriving)
        m.setattr(modules, "_from_derivation", no_deriving)
        m.setattr(modules, "_CACHE", {})
        m.setattr(modules, "_DERIVATIONS", {})
        code, out, err = cli("predict", "run/params.npz", f"net_{loss}.toml", "--data",
                             f"{loss}.csv", "--output", "p.csv")
    assert code == 0, err
    assert module.stat().st_mtime_ns == written
    # a module whose header names another spec hash is regenerated
    text = module.read_text()
    module.write_text(re.sub(r"spec hash [0-9a-f]+", "spec hash 0123456789abcdef", text, count=1))
    code, out, err = cli("predict", "run/params.npz", f"net_{loss}.toml", "--data", f"{loss}.csv",
                         "--output", "p.csv")
    assert code == 0, err
    assert module.read_text() == text


def test_predict_scores_labelled_data(cli, tmp_path):
    for loss in ("cce", "mse"):
        assert cli(*train_args(tmp_path, loss, "--epochs", "40", "--out", f"run_{loss}"))[0] == 0
    code, out, err = cli("predict", "run_cce/params.npz", "net_cce.toml", "--data", "cce.csv")
    assert code == 0, err
    m = re.search(r"accuracy (\d+\.\d\d)% on 60 labelled rows", out)
    assert m and float(m.group(1)) > 90, out
    code, out, err = cli("predict", "run_mse/params.npz", "net_mse.toml", "--data", "mse.csv")
    assert code == 0, err
    m = re.search(r"RMSE (\S+) in y's units", out)
    assert m and 0 < float(m.group(1)) < 20, out
    assert "standardized" in out
    # without the target column there is nothing to score
    write_csv(tmp_path / "new.csv", "classification", target=False)
    code, out, err = cli("predict", "run_cce/params.npz", "net_cce.toml", "--data", "new.csv")
    assert code == 0, err
    assert "accuracy" not in out and "wrote 60 predictions" in out


@pytest.mark.parametrize("content", [b"hello, this is text\n", b"", "npy"])
def test_predict_rejects_a_file_that_is_not_a_parameter_file(cli, tmp_path, content):
    write_spec(tmp_path, "cce")
    write_csv(tmp_path / "d.csv", "classification")
    if content == "npy":  # a plain array file, not an archive
        with (tmp_path / "garbage.npz").open("wb") as f:
            np.save(f, np.zeros(3))
    else:
        (tmp_path / "garbage.npz").write_bytes(content)
    code, _, err = cli("predict", "garbage.npz", "net_cce.toml", "--data", "d.csv")
    assert code == 2 and err.count("\n") == 1
    assert ("garbage.npz: not a parameter file written by nnderive train (not an .npz archive)"
            in err), err
    assert "allow_pickle" not in err


# ---------------------------------------------------------------------------------------------
# Nothing good is lost


def test_an_earlier_run_is_never_overwritten_without_force(cli, tmp_path):
    assert cli(*train_args(tmp_path, "mse", "--out", "run"))[0] == 0
    before = (tmp_path / "run" / "params.npz").read_bytes()
    code, _, err = cli(*train_args(tmp_path, "mse", "--out", "run", "--seed", "5"))
    assert code == 2 and "already written by an earlier run" in err and "--force" in err
    assert (tmp_path / "run" / "params.npz").read_bytes() == before
    code, _, err = cli(*train_args(tmp_path, "mse", "--out", "run", "--seed", "5", "--force"))
    assert code == 0, err
    assert (tmp_path / "run" / "params.npz").read_bytes() != before


def test_a_diverging_run_never_replaces_a_better_result(cli, tmp_path):
    # the user's report: a good run, then --lr 50 over it destroyed the good parameters
    assert cli(*train_args(tmp_path, "mse", "--epochs", "40", "--out", "run"))[0] == 0
    good = params_of(tmp_path / "run" / "params.npz")
    code, out, err = cli(*train_args(tmp_path, "mse", "--epochs", "40", "--lr", "50", "--out", "run",
                                     "--force"))
    assert code == 1 and "diverged" in err
    assert "kept the earlier run's parameters, metrics and curves: their test loss" in out + err
    kept = params_of(tmp_path / "run" / "params.npz")
    assert all(np.array_equal(good[k], kept[k]) for k in good)
    assert len(read_metrics(tmp_path / "run" / "metrics.csv")) == 40  # still the good run's
    # in a fresh folder the diverged run saves the best parameters it saw, and says so
    code, out, err = cli(*train_args(tmp_path, "mse", "--epochs", "40", "--lr", "50", "--out", "new"))
    assert code == 1 and "the best parameters it saw were saved to new/params.npz" in err
    assert re.search(r"kept the (initial parameters|parameters of epoch \d+, the lowest test loss)", err)


def test_train_uses_the_module_codegen_wrote(cli, tmp_path):
    spec = write_spec(tmp_path, "cce")
    code, out, err = cli("codegen", spec)
    assert code == 0, err
    module = tmp_path / "generated" / "net_cce.py"
    written = module.stat().st_mtime_ns
    code, out, err = cli(*train_args(tmp_path, "cce", "--out", "run"))
    assert code == 0, err
    assert f"module: {module} (reused, up to date)" in out
    assert module.stat().st_mtime_ns == written and not (tmp_path / "run" / "net_cce.py").exists()
