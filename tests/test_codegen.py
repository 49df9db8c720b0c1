"""Tests for codegen: the emitted module's numerics, safety, reproducibility, verification and CLI."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import mpmath
import numpy as np
import pytest

from codegen import emit, modules
from codegen.emit import UnsafeSpecError, generate
from codegen.modules import ensure_module, is_current, load_module, write_module
from codegen.printers.numpy import HELPERS
from codegen.verify_generated import import_source, verify_source
from derive import fileio
from derive.errors import VerificationError
from derive.pipeline import derive
from derive.spec import build_spec, load_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parent.parent
DIGITS = ROOT / "examples" / "digits_64_32_10.toml"


def small(acts=("sigmoid", "softmax"), loss="cce", layers=(3, 4, 2), **conv):
    return build_spec(list(layers), list(acts), loss, name="small", conventions=conv)


@pytest.fixture(scope="module")
def digits():
    return load_module(ROOT / "generated" / "digits_64_32_10.py")


def strict():
    """Floating-point trouble (overflow, 0/0, log 0) raises; underflow to 0 is allowed."""
    return np.errstate(over="raise", invalid="raise", divide="raise")


# -- reproducible ----------------------------------------------------------------------------


def test_generation_is_byte_identical():
    spec = small()
    first = generate(spec).source
    modules._CACHE.clear()
    assert generate(spec).source == first


def test_ruff_check_and_format_are_clean(tmp_path):
    path = write_module(generate(small()), tmp_path / "small.py")
    for cmd in (["check", "--config", str(ROOT / "pyproject.toml")],
                ["format", "--check", "--isolated", "--line-length", "100"]):
        out = subprocess.run([sys.executable, "-m", "ruff", *cmd, str(path)], capture_output=True,
                             text=True)
        assert out.returncode == 0, out.stdout + out.stderr


# -- numerics --------------------------------------------------------------------------------


def test_float32_stays_float32(digits):
    params = digits.init_params(np.random.default_rng(0), dtype=np.float32)
    X = np.random.default_rng(1).normal(size=(5, 64))  # float64 input on purpose
    Y = np.eye(10)[[1, 2, 3, 4, 5]]
    Yhat, cache = digits.forward(params, X)
    grads = digits.backward(params, cache, Y)
    value = digits.train_step(params, X, Y, 0.1)
    assert Yhat.dtype == np.float32 and isinstance(value, float)
    assert {g.dtype for g in grads.values()} | {p.dtype for p in params.values()} == {np.dtype("float32")}


@pytest.mark.parametrize("z", [-500.0, 500.0, -1e4, 1e4])
def test_sigmoid_has_no_overflow_warning(digits, z):
    params = digits.init_params(np.random.default_rng(0))
    params["W1"][:] = 0.0
    params["b1"][:] = z
    X = np.ones((2, 64))
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        Yhat, cache = digits.forward(params, X)
        digits.backward(params, cache, np.eye(10)[[0, 1]])
    # the true value: 1 for z = 500, e^-500 = 7.1e-218 (not 0) for z = -500, 0 below e^-745
    want = float(1 / (1 + mpmath.exp(-mpmath.mpf(z))))
    assert np.all(np.abs(cache["A1"] - want) <= 4 * np.finfo(float).eps * want)


SATURATING = [  # (spec, targets): outputs exactly 0 and 1 where targets are 1 and 0
    (small(("tanh", "softmax"), "cce"), np.array([[1.0, 0.0], [0.0, 1.0]])),
    (small(("tanh", "softmax"), "sparse_cce"), np.array([0, 1])),
    (small(("tanh", "sigmoid"), "bce"), np.array([[1.0, 0.0], [0.0, 1.0]])),
]


@pytest.mark.parametrize("spec,Y", SATURATING, ids=lambda x: getattr(x, "loss", ""))
def test_losses_at_probabilities_zero_and_one_are_finite(spec, Y):
    m = import_source(generate(spec).source, "sat")
    params = m.init_params(np.random.default_rng(0))
    params["W2"][:] = 0.0
    params["b2"][:] = [-2000.0, 2000.0]  # probabilities (0, 1): every target is wrong or right
    X = np.zeros((2, 3))
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        Yhat, cache = m.forward(params, X)
        value = m.loss(params, X, Y)
        grads = m.backward(params, cache, Y)
    assert set(np.unique(Yhat)) <= {0.0, 1.0}
    assert math.isfinite(value) and value > 100  # huge, from the wrong predictions, but finite
    assert all(np.isfinite(g).all() for g in grads.values())


def test_erfc_matches_math_erfc():
    ns: dict = {"np": np}
    exec(HELPERS["erfc"][1], ns)  # noqa: S102
    x = np.concatenate([np.linspace(-6, 6, 2001), [-40.0, -30.0, 0.0, 1.5, 29.9, 30.0, 40.0]])
    want = np.array([math.erfc(v) for v in x])
    got = ns["erfc"](x)
    assert np.max(np.abs(got - want) / np.maximum(want, 1e-300)) < 1e-13


def test_fused_output_gradient_comes_from_the_engine():
    templates = "".join(p.read_text() for p in (ROOT / "codegen" / "templates").glob("*.j2"))
    assert "- Y" not in templates and "delta" not in templates
    source = (ROOT / "generated" / "digits_64_32_10.py").read_text()
    d = derive(load_spec(DIGITS), layout="row")
    assert str(d.backward[0].rhs) == "A2 - Y" and "    delta2 = A2 - Y\n" in source


# -- verification ----------------------------------------------------------------------------

MUTATIONS = [  # (replace this, with this): each must be caught
    ("delta2 = A2 - Y", "delta2 = 1.001 * (A2 - Y)"),  # wrong backward
    ("dL_db1 = delta1.sum(axis=0) / N", "dL_db1 = delta1.sum(axis=0) / (N + 1)"),
    ("return float(-np.sum(Y * log_A2) / N)", "return float(-np.sum(Y * log_A2) / (N + 1))"),  # loss
    ("A1 = sigmoid(Z1)", "A1 = np.tanh(Z1)"),  # forward
    # the fused train_step: its forward, scaled error terms, workspace and update
    ("    sigmoid(Z1, out=A1)\n", "    np.tanh(Z1, out=A1)\n"),
    ("    delta2 *= k\n", "    delta2 *= 1.001 * k\n"),
    ("np.dot(ones, delta1, out=db1)", "np.dot(ones, delta2[:, :1] * 0 + 1, out=db1[:1])"),
    ("    W1 -= dW1\n", "    W1 += dW1\n"),
    ("value = float(-np.vdot(Y, log_A2) / N)", "value = float(-np.vdot(Y, log_A2) / (N + 1))"),
    ("        np.ones(N, dtype),  # ones", "        np.full(N, 1.0 + (N > 3), dtype),  # ones"),
    ("        np.empty((N, 32), dtype),  # delta1\n", "        np.empty((N, 32), np.float64),  # delta1\n"),
]


@pytest.mark.parametrize("old,new", MUTATIONS)
def test_verification_catches_wrong_code(old, new):
    source = (ROOT / "generated" / "digits_64_32_10.py").read_text()
    assert old in source
    d = derive(load_spec(DIGITS), layout="row")
    verify_source(source, d)
    with pytest.raises(VerificationError):
        verify_source(source.replace(old, new), d)


def test_failed_verification_writes_nothing(monkeypatch, tmp_path):
    real = emit.render
    monkeypatch.setattr(emit, "render", lambda d: real(d).replace("delta2 = A2 - Y", "delta2 = A2"))
    out = tmp_path / "out.py"
    assert main(["codegen", str(DIGITS), "-o", str(out)]) == VerificationError.exit_code
    assert list(tmp_path.iterdir()) == []


RANDOM_SPECS = [  # every loss; softmax hidden, gelu (both), elu, leaky_relu, tanh, silu, softplus
    ((3, 4, 3, 2), ("softmax", "gelu", "softmax"), "sparse_cce", {}),
    ((3, 4, 3, 2), ("elu", "leaky_relu", "linear"), "sse", {"relu_prime_at_zero": 0.5}),
    ((3, 4, 2), ("tanh", "sigmoid"), "bce", {}),
    ((3, 4, 2), ("softplus", "softmax"), "cce", {}),
    ((3, 4, 2), ("relu", "softmax"), "bce", {}),
    ((3, 4, 2), ("silu", "sigmoid"), "half_mse", {}),
    ((3, 5, 2), ("gelu", "linear"), "mse", {"gelu": "tanh"}),
    ((4, 3, 2), ("relu", "tanh"), "half_sse", {}),
]


@pytest.mark.parametrize("layers,acts,loss,conv", RANDOM_SPECS, ids=lambda x: str(x))
def test_random_specs_pass_verification(layers, acts, loss, conv):
    gm = generate(small(acts, loss, layers, **conv))  # raises VerificationError on any mismatch
    report = verify_source(gm.source, derive(small(acts, loss, layers, **conv), layout="row"))
    assert report.fd_entries > 0 and report.fd_tolerance_used < 1


# -- safety ----------------------------------------------------------------------------------

EVIL_NAME = 'x"); import os; os.system("echo hi'


@pytest.mark.parametrize("change", [{"name": EVIL_NAME}, {"name": "class"},
                                    {"description": "ok\nimport os; os.system('echo hi')"},
                                    {"description": "ok\rimport os"}])
def test_injection_is_refused(change):
    with pytest.raises(UnsafeSpecError):
        generate(replace(small(), **change))


@pytest.mark.parametrize("network", [
    f"name = '{EVIL_NAME}'\ndescription = 'd'",
    'name = "ok_name"\ndescription = "fine\\nimport os; os.system(\'echo hi\')"',
])
def test_cli_refuses_injection_and_writes_nothing(network, tmp_path, capsys):
    spec = tmp_path / "evil.toml"
    spec.write_text(f"[network]\n{network}\nlayers = [2, 2]\nactivations = ['softmax']\nloss = 'cce'\n")
    out = tmp_path / "out" / "evil.py"
    assert main(["codegen", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nnderive: error:") and err.count("\n") == 1 and "Traceback" not in err
    assert not out.parent.exists()


# -- files and API ---------------------------------------------------------------------------


def test_write_is_atomic(monkeypatch, tmp_path):
    path = tmp_path / "m.py"
    path.write_text("old")
    gm = emit.GeneratedModule("m", "new", "0" * 16)

    def boom(*a):
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", boom)
    with pytest.raises(OSError):
        write_module(gm, path)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["m.py"]


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_written_module_gets_normal_permissions(tmp_path, umask):
    old = os.umask(umask)
    try:
        path = write_module(emit.GeneratedModule("m", "x = 1\n", "0" * 16), tmp_path / "m.py")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    assert path.read_bytes() == b"x = 1\n"


def test_is_current_and_ensure_module(tmp_path):
    spec = small()
    path = tmp_path / "small.py"
    assert not is_current(spec, path)
    assert ensure_module(spec, path) == path and is_current(spec, path)
    path.write_text(path.read_text().replace("return value", "return value * 1"))
    assert not is_current(spec, path)
    assert not is_current(replace(spec, description="other"), tmp_path / "small.py")
    ensure_module(spec, path)
    assert is_current(spec, path)
    a, b = load_module(path), load_module(path)
    assert a.__name__ != b.__name__ and a.LAYERS == (3, 4, 2)


def test_cli_check_reports_stale_file(tmp_path, capsys):
    out = tmp_path / "digits.py"
    assert main(["codegen", str(DIGITS), "-o", str(out), "--check"]) == 1
    assert main(["codegen", str(DIGITS), "-o", str(out)]) == 0
    assert main(["codegen", str(DIGITS), "-o", str(out), "--check"]) == 0
    out.write_text(out.read_text().replace("import numpy as np", "import numpy as np  # edited"))
    capsys.readouterr()
    assert main(["codegen", str(DIGITS), "-o", str(out), "--check"]) == 1
    assert "+import numpy as np\n" in capsys.readouterr().out


def test_cli_writes_a_users_spec_under_the_current_folder(tmp_path, monkeypatch, capsys):
    from nnderive.cli import main

    spec = tmp_path / "mine.toml"
    spec.write_text('[network]\nname = "mine"\nlayers = [2, 2]\nactivations = ["sigmoid"]\nloss = "mse"\n')
    monkeypatch.chdir(tmp_path)
    assert main(["codegen", str(spec), "--check"]) == 1
    assert "missing" in capsys.readouterr().err
    assert main(["codegen", str(spec)]) == 0
    assert (tmp_path / "generated" / "mine.py").exists()
    assert not (Path(modules.default_path(load_spec(spec)))).exists()
    assert main(["codegen", str(spec), "--check"]) == 0


# -- accuracy of the numeric helpers, against 60-digit mpmath ------------------------------------

TAILS = [-745.0, -740.0, -709.5, -700.0, -88.5, -40.0, -37.0, -20.0, -1e-8, 0.0, 1e-8, 20.0, 37.0,
         40.0, 88.5, 700.0, 750.0]
EXACT = {  # helper -> its value in mpmath
    "sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)),
    "softplus": lambda z: mpmath.log1p(mpmath.exp(z)),
    "silu": lambda z: z / (1 + mpmath.exp(-z)),
}


def _helper(name):
    ns: dict = {"np": np}
    for block in HELPERS[name][0] + (name,):
        exec(HELPERS[block][1], ns)  # noqa: S102
    return ns[name]


@pytest.mark.parametrize("name", sorted(EXACT))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_helpers_are_accurate_to_a_few_ulps_everywhere(name, dtype):
    f = _helper(name)
    z = np.concatenate([TAILS, np.linspace(-60, 60, 1201)]).astype(dtype)
    fi = np.finfo(dtype)
    with mpmath.workdps(60):
        want = np.array([float(EXACT[name](mpmath.mpf(float(v)))) for v in z])
    with warnings.catch_warnings(), strict():
        warnings.simplefilter("error")
        got = f(z)
        out = np.empty_like(z)
        assert f(z, out=out) is out and np.array_equal(out, got)
    assert got.dtype == dtype
    # a few ulps of the true value; where that value is below the smallest normal number the
    # ulp is the subnormal spacing (for silu, z times it: z * sigmoid(z) scales sigmoid's
    # subnormal rounding by z)
    floor = float(fi.tiny) * (np.maximum(1.0, np.abs(z)) if name == "silu" else 1.0)
    ulp = np.maximum(np.abs(want), floor) * float(fi.eps)
    err = np.abs(got.astype(np.float64) - want.astype(dtype).astype(np.float64))
    assert np.all(err <= 4 * ulp), (z[np.argmax(err / ulp)], float(np.max(err / ulp)))


def test_softmax_and_its_log_come_from_one_exponential_and_are_exact():
    f = _helper("softmax")
    z = np.array([[0.0, -40.0, -745.0, 3.0], [800.0, 799.0, -800.0, 0.0]])
    log = np.empty_like(z)
    p = f(z, log_out=log)
    with mpmath.workdps(60):
        for row, prow, lrow in zip(z, p, log):
            total = mpmath.fsum(mpmath.exp(mpmath.mpf(v)) for v in row)
            for v, pv, lv in zip(row, prow, lrow):
                want = mpmath.log(mpmath.exp(mpmath.mpf(v)) / total)
                assert lv == pytest.approx(float(want), rel=1e-15)
                assert pv == pytest.approx(float(mpmath.exp(want)), rel=1e-14, abs=1e-320)
