"""The JAX backend: generated/jax/ is current, verified against the engine and jax.grad, data-parallel, optional."""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

jax = pytest.importorskip("jax")  # the optional `jax` extra; CI installs it

from codegen import modules  # noqa: E402
from codegen.emit import format_source, stamp  # noqa: E402
from codegen.emit_jax import generate_jax, render  # noqa: E402
from codegen.modules import jax_path, write_module  # noqa: E402
from codegen.verify_generated import import_source, verify_source  # noqa: E402
from derive.errors import VerificationError  # noqa: E402
from derive.spec import build_spec, load_spec  # noqa: E402
from nnderive.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
UPDATE = os.environ.get("NNDERIVE_UPDATE_GOLDEN") == "1"
SPECS = [p for p in sorted((ROOT / "examples").glob("*.toml"))
         if "network" in tomllib.loads(p.read_text(encoding="utf-8"))]
DIGITS = ROOT / "examples" / "digits_64_32_10.toml"


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_generated_jax_is_current(spec_path):
    """generated/jax/<name>.py is what the JAX printer makes of the spec now (verified below)."""
    spec = load_spec(spec_path)
    golden = jax_path(spec)
    d = modules.derivation(spec)
    fresh = stamp(format_source(render(d)), d, backend="jax")
    old = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if old != fresh and UPDATE:
        write_module(modules.jax_module_source(spec), golden)
        return
    diff = "".join(difflib.unified_diff(old.splitlines(True), fresh.splitlines(True), str(golden),
                                        "regenerated"))
    assert not diff, f"{golden} is stale; NNDERIVE_UPDATE_GOLDEN=1 pytest tests/test_jax.py\n{diff}"
    # and its header says so, for the JAX backend only (a numpy module there is never current)
    assert modules.is_current(spec, golden, backend="jax") and not modules.is_current(spec, golden)


def test_a_current_jax_module_is_reused_without_deriving(tmp_path, monkeypatch):
    spec = load_spec(DIGITS)
    path = tmp_path / "digits.py"
    path.write_text(jax_path(spec).read_text(encoding="utf-8"), encoding="utf-8")

    def no(*a, **k):
        raise AssertionError("derived or generated a current module")

    monkeypatch.setattr(modules, "jax_module_source", no)
    assert modules.ensure_jax_module(spec, path) == (path, True)
    path.write_text(path.read_text(encoding="utf-8").replace("# eq.", "#  eq.", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="derived or generated"):  # a hand edit is stale
        modules.ensure_jax_module(spec, path)


def test_digits_module_passes_every_check_and_has_no_grad():
    spec = load_spec(DIGITS)
    source = modules.jax_module_source(spec).source  # verified (and kept for the CLI test below)
    assert source == jax_path(spec).read_text(encoding="utf-8")
    assert "jax.grad" not in source and "value_and_grad" not in source and "vjp" not in source
    # the JAX module is verified as strictly as the numpy one: a wrong fused step is caught
    wrong = source.replace("    delta2 = k * (A2 - Y)\n", "    delta2 = 1.001 * k * (A2 - Y)\n")
    assert wrong != source
    with pytest.raises(VerificationError, match="train_step's update"):
        verify_source(wrong, modules.derivation(spec))


@pytest.mark.parametrize("layers,acts,loss", [
    ((3, 4, 2), ("tanh", "sigmoid"), "bce"),
    ((4, 3, 3), ("relu", "softmax"), "sparse_cce"),
])
def test_printed_backward_equals_jax_grad(layers, acts, loss):
    """An independent reference: autodiff of the module's own forward pass and loss."""
    spec = build_spec(list(layers), list(acts), loss, name="g")
    m = import_source(generate_jax(spec).source, "g")  # generate_jax verifies it, too
    rng = np.random.default_rng(0)
    params = {k: v + rng.normal(scale=0.3, size=v.shape) for k, v in m.init_params(rng).items()}
    X = rng.normal(size=(5, layers[0]))
    Y = rng.integers(0, layers[-1], 5) if loss == "sparse_cce" else rng.uniform(size=(5, layers[-1]))
    Yt = m.targets(Y, np.float64)

    def value(p):
        return m._loss_from_cache(m.forward(p, X)[1], Yt)

    want = jax.grad(value)(params)
    got = m.backward(params, m.forward(params, X)[1], Y)
    for k in params:
        np.testing.assert_allclose(np.asarray(got[k]), np.asarray(want[k]), rtol=1e-10, atol=1e-13)
    new, first = m.train_step(params, X, Y, 0.1)
    assert float(first) == pytest.approx(float(value(params)), rel=1e-12)
    for k in params:
        np.testing.assert_allclose(np.asarray(new[k]), params[k] - 0.1 * np.asarray(want[k]),
                                   rtol=1e-10, atol=1e-13)


DATA_PARALLEL = r"""
import json, sys
import numpy as np
import jax
from codegen.modules import load_module
m = load_module(sys.argv[1])
replicate, shard = m.data_parallel()
rng = np.random.default_rng(0)
params = m.init_params(rng)
out = {"devices": jax.device_count(), "platforms": sorted({d.platform for d in jax.devices()})}
for n in (32, 30):  # 32 rows split over 4 devices; 30 do not split evenly and run replicated
    X = rng.normal(size=(n, 64))
    Y = np.eye(10)[rng.integers(0, 10, n)]
    p_one, p_all = dict(params), replicate(params)
    for _ in range(3):
        p_one, l_one = m.train_step(p_one, X, Y, 0.5)
        Xs, Ys = shard(X, Y)
        p_all, l_all = m.train_step(p_all, Xs, Ys, 0.5)
    out[n] = {
        "x_devices": len(Xs.sharding.device_set),
        "x_split": not Xs.sharding.is_fully_replicated,
        "params_replicated": all(v.sharding.is_fully_replicated for v in p_all.values()),
        "params_devices": min(len(v.sharding.device_set) for v in p_all.values()),
        "max_diff": max(float(np.max(np.abs(np.asarray(p_one[k]) - np.asarray(p_all[k]))))
                        for k in p_one),
        "loss_diff": abs(float(l_one) - float(l_all)),
    }
print(json.dumps(out))
"""


def test_data_parallel_over_four_cpu_devices():
    """XLA_FLAGS must be set before jax is imported, so the run is a subprocess."""
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4",
               PYTHONPATH=str(ROOT), JAX_PLATFORMS="cpu")
    path = jax_path(load_spec(DIGITS))
    run = subprocess.run([sys.executable, "-c", DATA_PARALLEL, str(path)], capture_output=True,
                         text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["devices"] == 4
    split, odd = got["32"], got["30"]
    assert split["x_devices"] == 4 and split["x_split"], split  # the batch is split ...
    assert split["params_replicated"] and split["params_devices"] == 4  # ... gradients reduced
    assert odd["x_devices"] == 4 and not odd["x_split"] and odd["params_replicated"]
    for r in (split, odd):  # the same steps as on one device, to rounding
        assert r["max_diff"] < 1e-12 and r["loss_diff"] < 1e-12, r


def test_numpy_path_never_imports_jax():
    code = ("import sys, numpy as np; from codegen.modules import load_module;"
            " import training.runner, training.loop, codegen.emit;"
            " m = load_module('generated/digits_64_32_10.py'); p = m.init_params(np.random.default_rng(0));"
            " m.train_step(p, np.zeros((4, 64)), np.eye(10)[:4], 0.1);"
            " print(sorted(k for k in sys.modules if k == 'jax' or k.startswith('jax.')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120, check=True)
    assert run.stdout.strip() == "[]"


def test_cli_codegen_and_train_with_the_jax_backend(tmp_path, monkeypatch, capsys):
    out = tmp_path / "digits_jax.py"
    assert main(["codegen", str(DIGITS), "--backend", "jax", "-o", str(out)]) == 0
    assert out.read_text() == jax_path(load_spec(DIGITS)).read_text()
    assert main(["codegen", str(DIGITS), "--backend", "jax", "-o", str(out), "--check"]) == 0
    capsys.readouterr()
    assert main(["codegen", str(DIGITS), "--backend", "jax", "-o", str(out)]) == 0  # from the header
    assert capsys.readouterr().out.startswith(f"{out}: up to date")
    monkeypatch.chdir(tmp_path)
    code = main(["train", str(DIGITS), "--backend", "jax", "--epochs", "2", "--quiet",
                 "--tolerance", "1e-12"])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "backend: jax" in text and "generated/jax/digits_64_32_10.py" in text
    accuracy = float(re.search(r"^  test accuracy +([0-9.]+)%", text, re.M).group(1))
    assert accuracy > 80  # two epochs of the demo's settings learn the digits
