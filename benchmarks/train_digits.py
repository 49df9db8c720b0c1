"""`nnderive demo`'s training against scikit-learn's MLPClassifier on the same digits split: a table.

Run: python benchmarks/train_digits.py [--epochs E] [--lr A] [--batch-size B] [--seed S] [--repeat R]
Defaults are the demo's (the embedded 64-32-10 spec, equal to examples/digits_64_32_10.toml).
Both sides get the same standardized train/test split, plain SGD with the same batch size,
learning rate, epoch count and per-epoch reshuffling, no momentum and no L2 penalty.
nnderive's seconds per epoch include its per-epoch evaluation of the training loss and test
accuracy; scikit-learn's include only its own per-epoch training-loss bookkeeping.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np


def run_nnderive(spec, dataset, out: Path) -> tuple[float, float]:
    from training.runner import RunOptions, generate, train_network

    module = generate(spec, out).module
    opts = RunOptions(out=out, params=out / "p.npz", metrics=out / "m.csv", plot=out / "c.png",
                      quiet=True)
    # The same training call as `nnderive demo`, BLAS thread policy included.
    trained = train_network(module, dataset, spec, opts)
    return trained.result.history[-1]["test_accuracy"], trained.seconds / len(trained.result.history)


def run_sklearn(spec, dataset) -> tuple[float, float]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    t = spec.training
    clf = MLPClassifier(
        solver="sgd", hidden_layer_sizes=tuple(spec.layers[1:-1]), activation="logistic",
        batch_size=t.batch_size or len(dataset.X_train), learning_rate_init=t.learning_rate,
        momentum=0.0, nesterovs_momentum=False, alpha=0.0, max_iter=t.epochs, shuffle=True,
        random_state=t.seed, n_iter_no_change=t.epochs + 1, tol=0.0,
    )
    y_train = np.argmax(dataset.Y_train, axis=1)
    y_test = np.argmax(dataset.Y_test, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is the epoch budget here
        t0 = time.perf_counter()
        clf.fit(dataset.X_train, y_train)
        seconds = time.perf_counter() - t0
    return float(np.mean(clf.predict(dataset.X_test) == y_test)), seconds / clf.n_iter_


def main() -> None:
    from training.data import load_dataset
    from training.runner import demo_spec

    spec = demo_spec()
    t = spec.training
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=t.epochs)
    ap.add_argument("--lr", type=float, default=t.learning_rate)
    ap.add_argument("--batch-size", type=int, default=t.batch_size)
    ap.add_argument("--seed", type=int, default=t.seed)
    ap.add_argument("--repeat", type=int, default=3, help="runs per implementation; the fastest counts")
    args = ap.parse_args()
    spec = replace(spec, training=replace(t, epochs=args.epochs, learning_rate=args.lr,
                                          batch_size=args.batch_size, seed=args.seed))
    dataset = load_dataset(spec)
    rows = []
    with tempfile.TemporaryDirectory(prefix="nnderive-bench-") as tmp:
        for name, fn in (("nnderive (generated numpy)", lambda: run_nnderive(spec, dataset, Path(tmp))),
                         ("scikit-learn MLPClassifier", lambda: run_sklearn(spec, dataset))):
            runs = [fn() for _ in range(args.repeat)]  # same seed: accuracy is the same each run
            rows.append((name, runs[0][0], min(s for _, s in runs)))
    t = spec.training
    print(f"digits {'-'.join(map(str, spec.layers))}, {len(dataset.X_train)} train / "
          f"{len(dataset.X_test)} test ({dataset.split}); epochs {t.epochs}, batch size"
          f" {t.batch_size}, learning rate {t.learning_rate:g}, seed {t.seed}\n")
    print("| implementation | test accuracy | seconds per epoch |")
    print("|---|---:|---:|")
    for name, acc, spe in rows:
        print(f"| {name} | {100 * acc:.2f}% | {spe:.4f} |")


if __name__ == "__main__":
    main()
