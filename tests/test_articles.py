"""The articles' training procedures through `nnderive train`: Figure 2's iterations, target error, given weights."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest

from training.runner import epoch_line

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_000 = ROOT / "examples" / "article000_3_5_2.toml"


def six_rows(tmp_path: Path) -> Path:
    """Article 000's Figure 2: a data set of 6 rows; here 3 inputs and 2 targets for its 3-5-2 net."""
    rng = np.random.default_rng(0)
    path = tmp_path / "six.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "x3", "y1", "y2"])
        for _ in range(6):
            x = rng.normal(size=3)
            w.writerow([*x.round(4), round(x.sum(), 4), round(x[0] - x[1], 4)])
    return path


@pytest.mark.parametrize("batch_size, method, iterations", [
    (0, "batch gradient descent: one batch of 6 samples", 1),
    (1, "stochastic gradient descent: batches of 1 sample", 6),
    (2, "mini-batch gradient descent: batches of 2 samples", 3),
])
def test_figure_2_iterations_per_epoch(cli, tmp_path, batch_size, method, iterations):
    code, out, err = cli("train", ARTICLE_000, "--data", six_rows(tmp_path), "--target", "y1,y2",
                         "--test-fraction", "0", "--epochs", "4", "--batch-size", batch_size,
                         "--quiet", "--out", "run")
    assert code == 0, err
    per = f"{iterations} iteration{'s' if iterations > 1 else ''} per epoch on 6 samples"
    assert f"procedure: {method}" in out and per in out
    # a loss summed over the batch (half_sse) steps by alpha/N: article 000's mean gradient
    assert "p := p - alpha/N * dL/dp with alpha = 0.1" in out
    with (tmp_path / "run" / "metrics.csv").open() as f:
        counts = [int(r["iterations"]) for r in csv.DictReader(f)]
    assert counts == [iterations * e for e in (1, 2, 3, 4)]
    # article 000's two-output regressor trains from a CSV with two target columns
    assert re.search(r"train RMSE +\S+ \(in the units of y1, y2\)", out)


def test_target_error_stops_training(cli, tmp_path):
    code, out, err = cli("train", ARTICLE_000, "--data", six_rows(tmp_path), "--target", "y1,y2",
                         "--test-fraction", "0", "--epochs", "500", "--batch-size", "0",
                         "--tolerance", "0", "--target-loss", "0.05", "--lr", "0.5", "--quiet",
                         "--out", "run")
    assert code == 0, err
    m = re.search(r"stopped +early, in epoch (\d+) of 500: the training loss (\S+) reached the"
                  r" target 0.05", out)
    assert m and float(m.group(2)) <= 0.05 and int(m.group(1)) < 500, out
    assert "or when the training loss is at most 0.05 (article 003's target error)" in out


def test_init_parameters_must_fit_the_network(cli, tmp_path):
    data = six_rows(tmp_path)
    np.savez(tmp_path / "w.npz", W1=np.zeros((5, 3)), b1=np.zeros(5), W2=np.zeros((2, 4)),
             b2=np.zeros(2))
    code, _, err = cli("train", ARTICLE_000, "--data", data, "--target", "y1,y2", "--init", "w.npz",
                       "--out", "run")
    assert code == 2 and "w.npz: W2 has shape (2, 4), the network needs (2, 5)" in err
    assert not (tmp_path / "run").exists()


def test_the_overfitting_gap_is_printed_every_epoch():
    record = {"epoch": 3, "train_loss": 0.1, "test_loss": 0.4, "train_accuracy": 0.99,
              "test_accuracy": 0.9012, "seconds": 0.01}
    line = epoch_line(record, 10)
    assert "train accuracy  99.00%  test accuracy  90.12%  gap  +8.88 pts" in line
    assert "gap +3.00e-01" in epoch_line({**record, "train_accuracy": None, "test_accuracy": None}, 10)
