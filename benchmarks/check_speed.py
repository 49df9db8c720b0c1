"""How long `nnderive check` takes: single claims (in-process and via the CLI) and a long document.

    python benchmarks/check_speed.py [--doc-size N] [--jobs J] [--no-cli] [--repeat R] [--only TEXT]
                                     [--latex-doc [NAME ...]]

Prints one row per claim (verdict, seconds in process, seconds through the CLI, exit code), then the
time of `check --doc` on the documents `nnderive latex` writes for small networks with smooth
non-sigmoid activations (GELU-tanh, ELU, softplus/softmax in row layout; their entry-wise gradient lines
are rows of the table too), then on a generated document of N equations (default 500) of mixed kinds. The
targets of issue 9.7: every single claim under 1 s in process and 3 s through the CLI, whatever the
depth of the network or the coefficients; 500 equations under 60 s.

With --repeat R every claim is timed R times, each time in a fresh process (imports done and one
unrelated claim checked first, so that no cache of an earlier run of the same claim helps), and the
row shows the minimum and the median; the load average is printed before and after, since other
work on the machine slows every row. --only keeps the rows whose name contains TEXT.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DIGITS = str(ROOT / "examples/digits_64_32_10.toml")


def deep_spec(depth: int, folder: Path) -> str:
    """A tanh network of the given depth (widths 3, 4, ..., 2), as a spec file."""
    p = folder / f"tanh_depth{depth}.toml"
    widths = [3] + [4] * (depth - 1) + [2]
    acts = ", ".join(['"tanh"'] * (depth - 1) + ['"sigmoid"'])
    p.write_text(f'[network]\nname = "tanh_depth{depth}"\nlayers = {widths}\nactivations = [{acts}]\n'
                 'loss = "half_mse"\n', encoding="utf-8")
    return str(p)


def wide_spec(folder: Path) -> str:
    """MNIST's 784-128-10 (ReLU, softmax, cross-entropy): the widths of a real network."""
    p = folder / "wide_784_128_10.toml"
    p.write_text('[network]\nname = "wide"\nlayers = [784, 128, 10]\nactivations = ["relu", "softmax"]\n'
                 'loss = "cce"\n', encoding="utf-8")
    return str(p)


# small networks with smooth non-sigmoid activations, whose `nnderive latex` documents state entry-wise
# gradients (dL/dW^{l}_{jk} = sum_n delta_{jn} a_{kn}, per-unit chain rules): (name, layers, activations,
# loss, profile, layout)
SMOOTH_SPECS = [
    ("gelu_tanh_2_3_2", [2, 3, 2], ["gelu_tanh", "sigmoid"], "bce", "default", "column"),
    ("elu_2_3_2", [2, 3, 2], ["elu", "linear"], "half_mse", "default", "column"),
    ("softplus_3_4_2", [3, 4, 2], ["softplus", "softmax"], "cce", "article000", "row"),
]


def smooth_spec(folder: Path, name: str) -> str:
    """One of SMOOTH_SPECS as a spec file."""
    _, layers, acts, loss, profile, layout = next(s for s in SMOOTH_SPECS if s[0] == name)
    p = folder / f"{name}.toml"
    p.write_text(f'[network]\nname = "{name}"\nlayers = {layers}\nactivations = {acts}\nloss = "{loss}"\n'
                 f'\n[notation]\nprofile = "{profile}"\n\n[conventions]\nlayout = "{layout}"\n', encoding="utf-8")
    return str(p)


# Ng's ex2 logistic regression (tests/corpus/heldout_lessons.toml), as --given flags
LOGISTIC = ["--given", r"h_\theta(x) = g(\theta^T x)", "--given", r"g(z) = \frac{1}{1+e^{-z}}", "--given",
            r"J(\theta) = \frac{1}{m}\sum_{i=1}^{m}\left[-y^{(i)}\log(h_\theta(x^{(i)})) - (1-y^{(i)})"
            r"\log(1-h_\theta(x^{(i)}))\right]"]


def cases(folder: Path):
    d4, d6, d8, wide = deep_spec(4, folder), deep_spec(6, folder), deep_spec(8, folder), wide_spec(folder)
    gelu, elu, soft = (smooth_spec(folder, n) for n in ("gelu_tanh_2_3_2", "elu_2_3_2", "softplus_3_4_2"))
    return [
        ("scalar", r"\sigma'(z) = \sigma(z)(1-\sigma(z))", []),
        ("scalar, with --given/--at", r"\frac{dL}{dy} = -300", ["--given", "L = (y-500)^2", "--at", "y=350"]),
        ("scalar, fails", r"\frac{d}{dx}(5x+3)^2 = 50x+3", []),
        ("scalar, sin(128x)", r"\frac{d}{dx}\sin(128x) = 128\cos(128x)", []),
        ("scalar, sin(128x) fails", r"\frac{d}{dx}\sin(128x) = \cos(128x)", []),
        ("scalar, symbolic sum", r"\sum_{i=1}^{n} i^2 = \frac{n(n+1)(2n+1)}{6}", []),
        ("network", r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}", ["--spec", DIGITS]),
        ("network, batch", r"\frac{\partial L}{\partial b^{2}} = \frac{1}{N}\sum_{n=1}^{N} \delta^{2}_{n}",
         ["--spec", DIGITS]),
        ("network, tanh depth 4", r"\delta^{1} = (W^{2})^{T} \delta^{2} \odot (1 - (a^{1})^{2})", ["--spec", d4]),
        ("network, tanh depth 6", r"\delta^{1} = (W^{2})^{T} \delta^{2} \odot (1 - (a^{1})^{2})", ["--spec", d6]),
        ("network, tanh depth 8", r"\delta^{1} = (W^{2})^{T} \delta^{2} \odot (1 - (a^{1})^{2})", ["--spec", d8]),
        ("network, depth 8, dL/dW^1", r"\frac{\partial L}{\partial W^{1}} = \delta^{1} (a^{0})^{T}", ["--spec", d8]),
        ("depth 6, missing transpose", r"\delta^{1} = W^{2} \delta^{2} \odot (1 - (a^{1})^{2})", ["--spec", d6]),
        ("depth 6, missing tanh'", r"\delta^{1} = (W^{2})^{T} \delta^{2}", ["--spec", d6]),
        ("network 784-128-10", r"\frac{\partial L}{\partial W^{2}} = \delta^{2}(a^{1})^{T}", ["--spec", wide]),
        ("784-128-10, delta^1", r"\delta^{1} = (W^{2})^{T} \delta^{2} \odot H(z^{1})", ["--spec", wide]),
        ("generic, Nielsen BP2", r"\delta^l = ((w^{l+1})^T \delta^{l+1}) \odot \sigma'(z^l)", []),
        ("generic, Ng missing 1/m", r"dW^{[l]} = dZ^{[l]} A^{[l-1]T}", []),
        ("generic, conditional", r"\delta^L = a^L - y", []),
        # parameter vectors, indexed sums and slip searches (heldout_lessons, heldout_scalar, activations, bishop):
        # a logistic cost's gradient at several lengths, a slip re-checked against a dozen rewrites
        ("lessons, ex2 gradient", r"\frac{\partial J(\theta)}{\partial \theta_j} = \frac{1}{m}\sum_{i=1}^{m}"
         r"\left(h_\theta(x^{(i)}) - y^{(i)}\right)x_j^{(i)}", LOGISTIC),
        ("lessons, penalty sign slip", r"\frac{\partial J(\theta)}{\partial \theta_j} = \left(\frac{1}{m}"
         r"\sum_{i=1}^{m}\left(h_\theta(x^{(i)}) - y^{(i)}\right)x_j^{(i)}\right) - \frac{\lambda}{m}\theta_j",
         LOGISTIC[:-1] + [LOGISTIC[-1] + r" + \frac{\lambda}{2m}\sum_{j=1}^{n}\theta_j^2"]),
        ("sum, binomial slip", r"\sum_{k=0}^{n} k\binom{n}{k} = n 2^{n}", []),
        ("softmax, max shift", r"\text{softmax}(z)_i = \frac{e^{z_i - \max_k z_k}}{\sum_j e^{z_j - \max_k z_k}}", []),
        ("indexed, Bishop dE_n/dw_ji", r"\frac{\partial E_n}{\partial w_{ji}} = (y_{nj} - t_{nj}) x_{ni}",
         ["--given", r"E_n = \frac{1}{2}\sum_k (y_{nk} - t_{nk})^2", "--given", r"y_{nk} = \sum_i w_{ki} x_{ni}"]),
        # lines of `nnderive latex` documents (entry-wise, every j, k and witness)
        ("gelu_tanh doc, dL/dW^1_jk", r"\frac{\partial L}{\partial W^{1}_{jk}} = \frac{1}{N} \sum_{n=1}^{N}"
         r" \delta^{1}_{jn} x_{kn}", ["--spec", gelu]),
        ("gelu_tanh doc, chain rule", r"\frac{\partial L_{n}}{\partial W^{2}_{jk}} = \frac{\partial L_{n}}"
         r"{\partial a^{2}_{j}} \frac{\partial a^{2}_{j}}{\partial z^{2}_{j}} \frac{\partial z^{2}_{j}}"
         r"{\partial W^{2}_{jk}} = \delta^{2}_{j}\, a^{1}_{k}", ["--spec", gelu]),
        ("elu doc, dL/dW^2_jk", r"\frac{\partial L}{\partial W^{2}_{jk}} = \frac{1}{N} \sum_{n=1}^{N}"
         r" \delta^{2}_{jn} a^{1}_{kn}", ["--spec", elu]),
        ("softplus row doc, dl/dw^1_jk", r"\frac{\partial \ell}{\partial w^{1}_{jk}} = \sum_{n=1}^{N}"
         r" \left(\frac{\partial\ell}{\partial \vec{z}^{1}}\right)_{jn} x_{kn}", ["--spec", soft]),
    ]


def in_process(claim, extra):
    from derive.check import check_claim
    from derive.spec import load_spec

    kw = {"givens": [], "at": []}
    it = iter(extra)
    for flag in it:
        val = next(it)
        if flag == "--given":
            kw["givens"].append(val)
        elif flag == "--at":
            kw["at"].append(val)
        elif flag == "--spec":
            kw["spec"] = load_spec(val)
    t0 = time.perf_counter()
    r = check_claim(claim, **kw)
    return time.perf_counter() - t0, r.verdict


def fresh_in_process(index: int) -> tuple[float, str, float]:
    """(seconds, verdict, CPU seconds) of case ``index`` checked in a new process after a warm-up claim
    (``--one``); the CPU seconds of the process are what a loaded machine changes least."""
    p = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--one", str(index)], capture_output=True,
                       text=True, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(p.stderr.strip()[-400:])
    seconds, verdict, cpu = p.stdout.split()[-3:]
    return float(seconds), verdict, float(cpu)


def one(index: int) -> None:
    """Run by fresh_in_process: warm up, then time one case and print its seconds and verdict."""
    from derive.check import check_claim

    check_claim(r"\frac{d}{dx} x^{3} = 3x^{2}")       # imports and first-use set-up, not the claim's cost
    with tempfile.TemporaryDirectory() as tmp:
        _, claim, extra = cases(Path(tmp))[index]
        c0 = time.process_time()
        seconds, verdict = in_process(claim, extra)
        cpu = time.process_time() - c0
    print(f"{seconds:.4f} {verdict} {cpu:.4f}")


def _min_median(xs: list[float]) -> str:
    xs = sorted(xs)
    return f"{xs[0]:.2f}/{statistics.median(xs):.2f}"


def via_cli(claim, extra):
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "nnderive", "check", claim, *extra], capture_output=True,
                       text=True, cwd=ROOT)
    return time.perf_counter() - t0, p.returncode


DOC_LINES = [  # the kinds a draft mixes: identities that hold, slips that fail, definitions
    r"\frac{d}{dx} x^{K} = K x^{K-1}",
    r"\frac{d}{dx} \sin(Kx) = K\cos(Kx)",
    r"\frac{d}{dx} e^{Kx} = e^{Kx}",
    r"(x + K)^2 = x^2 + 2Kx + K^2",
    r"\sigma'(z) = \sigma(z)(1-\sigma(z))",
]
NETWORK_LINES = [  # claims about the document's depth-6 tanh network, at layer l (holds, and the classic slips)
    r"\delta^{l} = (W^{l+1})^{T} \delta^{l+1} \odot (1 - (a^{l})^{2})",
    r"\frac{\partial L}{\partial W^{l}} = \delta^{l} (a^{l-1})^{T}",
    r"\frac{\partial L}{\partial b^{l}} = \delta^{l}",
    r"\delta^{l} = (W^{l+1})^{T} \delta^{l+1}",
    r"\frac{\partial L}{\partial W^{l}} = (a^{l-1})^{T} \delta^{l}",
    r"z^{l} = W^{l} a^{l-1} + b^{l}",
]


def document(n: int, folder: Path) -> Path:
    """n equations: scalar identities and slips, and (two lines in five) claims about a depth-6 tanh
    network named in the front matter, at every layer; ``distinct`` of them differ."""
    p = folder / f"doc{n}.md"
    rows = []
    k = -1
    for i in range(n):
        if i % 5 in (1, 3):
            k += 1
            line = NETWORK_LINES[k % len(NETWORK_LINES)]
            layer = 1 + (k // len(NETWORK_LINES)) % 5
            rows.append(line.replace("{l+1}", f"{{{layer + 1}}}").replace("{l-1}", f"{{{layer - 1}}}")
                        .replace("{l}", f"{{{layer}}}"))
        else:
            rows.append(DOC_LINES[i % len(DOC_LINES)].replace("K", str(2 + i % 7)))
    spec = deep_spec(6, folder)
    p.write_text(f"---\nnnderive:\n  spec: {spec}\n---\n\n" + "\n\n".join(f"$${r}$$" for r in rows) + "\n",
                 encoding="utf-8")
    return p, len(set(rows))


def timed_doc(doc: Path, jobs: int | None) -> tuple[float, int, str]:
    """(seconds, exit code, the closing summary) of `nnderive check --doc` on one document."""
    cmd = [sys.executable, "-m", "nnderive", "check", "--doc", str(doc)] + (["--jobs", str(jobs)] if jobs else [])
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    summary = [line for line in p.stdout.splitlines() if " equations: " in line]
    return (time.perf_counter() - t0, p.returncode,
            summary[-1].split(": ", 1)[1] if summary else p.stderr.strip()[:200])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doc-size", type=int, default=500)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI timings")
    ap.add_argument("--repeat", type=int, default=0, help="time every claim R times in fresh processes")
    ap.add_argument("--only", default="", help="only the claims whose name contains this text")
    ap.add_argument("--latex-doc", nargs="*", default=[s[0] for s in SMOOTH_SPECS], metavar="NAME",
                    help="time check --doc on the `nnderive latex` document of these SMOOTH_SPECS (default: all;"
                         " none: give the flag alone)")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one is not None:
        return one(args.one)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.repeat:
            print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.repeat} runs per row,"
                  " seconds as min/median")
            print(f"{'claim':28} {'verdict':12} {'in-process s':>12} {'CPU s':>10} {'CLI s':>12} {'exit':>5}")
        else:
            print(f"{'claim':28} {'verdict':12} {'in-process s':>12} {'CLI s':>8} {'exit':>5}")
        for index, (name, claim, extra) in enumerate(cases(folder)):
            if args.only not in name:
                continue
            if args.repeat:
                ins = [fresh_in_process(index) for _ in range(args.repeat)]
                cpu = _min_median([c for _, _, c in ins])
                clis = [] if args.no_cli else [via_cli(claim, extra) for _ in range(args.repeat)]
                cli = _min_median([t for t, _ in clis]) if clis else "-"
                code = clis[0][1] if clis else -1
                print(f"{name:28} {ins[0][1]:12} {_min_median([t for t, _, _ in ins]):>12} {cpu:>10} {cli:>12}"
                      f" {code:5d}",
                      flush=True)
                continue
            t_in, verdict = in_process(claim, extra)
            t_cli, code = (float("nan"), -1) if args.no_cli else via_cli(claim, extra)
            print(f"{name:28} {verdict:12} {t_in:12.3f} {t_cli:8.3f} {code:5d}", flush=True)
        if args.repeat:
            print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.latex_doc:
            for name in args.latex_doc:
                spec = smooth_spec(folder, name)
                doc = folder / f"{name}.md"
                subprocess.run([sys.executable, "-m", "nnderive", "latex", spec, "--format", "md", "-o", str(doc),
                                "--random-example", "3"], capture_output=True, text=True, cwd=ROOT, check=True)
                seconds, code, summary = timed_doc(doc, args.jobs)
                print(f"\ncheck --doc on `nnderive latex` of {name}: {seconds:.1f} s, exit {code} ({summary})")
        if args.doc_size:
            doc, distinct = document(args.doc_size, folder)
            seconds, code, summary = timed_doc(doc, args.jobs)
            print(f"\ncheck --doc, {args.doc_size} equations ({distinct} distinct; scalar and depth-6 network claims):"
                  f" {seconds:.1f} s, exit {code} ({summary})")


if __name__ == "__main__":
    main()
