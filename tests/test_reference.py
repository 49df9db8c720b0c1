"""The third check: generated code against independent references (hand-written numpy, PyTorch autograd)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).parent.parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem + "_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


reference = _load(ROOT / "benchmarks" / "reference_numpy.py")

CASES = [("digits_64_32_10", "sigmoid", reference.train_step_sigmoid),
         ("mnist_784_128_10", "relu", reference.train_step_relu),
         ("article000_3_5_2", "sigmoid_linear", reference.train_step_sigmoid_linear)]


def _batch(module, rng, n=16):
    X = rng.normal(size=(n, module.LAYERS[0]))
    Y = np.eye(module.LAYERS[-1])[rng.integers(0, module.LAYERS[-1], size=n)]
    return X, Y


@pytest.mark.parametrize("name, hidden, ref_step", CASES)
def test_generated_train_step_matches_hand_written_reference(name, hidden, ref_step):
    gen = _load(ROOT / "generated" / f"{name}.py")
    rng = np.random.default_rng(7)
    params = gen.init_params(rng)
    X, Y = _batch(gen, rng)
    mine = {k: v.copy() for k, v in params.items()}
    theirs = {k: v.copy() for k, v in params.items()}
    loss_mine = gen.train_step(mine, X, Y, 0.3)
    loss_theirs = ref_step(theirs, X, Y, 0.3)
    assert loss_mine == pytest.approx(loss_theirs, rel=1e-12)
    for k in params:
        assert not np.allclose(mine[k], params[k]) or k.startswith("b")  # the step moved the weights
        np.testing.assert_allclose(mine[k], theirs[k], rtol=1e-10, atol=1e-12, err_msg=k)


GENERATED = sorted(p for p in (ROOT / "generated").glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("path", GENERATED, ids=lambda p: p.stem)
def test_generated_gradients_match_torch_autograd(path):
    torch = pytest.importorskip("torch")  # the optional `bench` extra
    gen = _load(path)
    rng = np.random.default_rng(3)
    params = gen.init_params(rng)
    params = {k: v + rng.normal(scale=0.1, size=v.shape) for k, v in params.items()}
    X = rng.normal(size=(5, gen.LAYERS[0]))
    if gen.LOSS in ("cce", "sparse_cce", "bce"):
        Y = np.eye(gen.LAYERS[-1])[rng.integers(0, gen.LAYERS[-1], size=5)]
    else:
        Y = rng.normal(size=(5, gen.LAYERS[-1]))
    _, cache = gen.forward(params, X)
    grads = gen.backward(params, cache, Y)

    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    a = torch.tensor(X)
    for l, act in enumerate(gen.ACTIVATIONS, start=1):
        z = a @ tp[f"W{l}"].T + tp[f"b{l}"]
        a = {"sigmoid": torch.sigmoid, "relu": torch.relu, "linear": lambda t: t,
             "softmax": lambda t: torch.softmax(t, dim=1)}[act](z)
    y = torch.tensor(Y)
    n = X.shape[0]
    loss = {"half_sse": lambda: 0.5 * ((a - y) ** 2).sum(),
            "mse": lambda: ((a - y) ** 2).sum() / n,
            "half_mse": lambda: 0.5 * ((a - y) ** 2).sum() / n,
            "cce": lambda: -(y * torch.log(a)).sum() / n}[gen.LOSS]()
    loss.backward()
    for k in params:
        np.testing.assert_allclose(grads[k], tp[k].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)
