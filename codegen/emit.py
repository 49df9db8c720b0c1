"""Turns a network spec into a verified, formatted numpy module (render, format, verify; never written here)."""

from __future__ import annotations

import hashlib
import itertools
import json
import keyword
import math
import re
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import sympy as sp
from sympy.matrices.expressions import (
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)

from derive import __version__
from derive.engine import Derivation, equation_tags
from derive.errors import SpecError
from derive.matrix import Elementwise, lift
from derive.pipeline import derive
from derive.primitives import LOSSES, Primitive, Sigmoid, Softplus
from derive.procedure import ALPHA, BATCH, update_rule
from derive.spec import NetworkSpec

from .printers.numpy import (
    CodegenError,
    CommentPrinter,
    Log1mSoftmax,
    LogSoftmax,
    NumpyCodePrinter,
    SafeLog,
    SoftmaxBCEDelta,
    Total,
    helper_blocks,
)
from .verify_generated import verify_source

TEMPLATES = Path(__file__).parent / "templates"
LINE_LENGTH = 100


class UnsafeSpecError(SpecError):
    """A spec value that would reach generated code is not a safe identifier, number or comment."""


@dataclass(frozen=True)
class GeneratedModule:
    """One emitted module: the spec's name, the formatted source, the spec hash it came from, and
    the derivation's Verification (how the equations it prints were proven)."""

    name: str
    source: str
    spec_hash: str
    verification: object = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------------------------------------
# Public API


def generate(spec: NetworkSpec, reverify: bool = False) -> GeneratedModule:
    """Derive (row layout), render, format and verify; raises VerificationError on a mismatch.

    ``reverify``: prove the derivation again even if a certificate of its proof is cached.
    """
    check_spec(spec)
    return _from_derivation(spec, derive(spec, layout="row", reverify=reverify))


def _from_derivation(spec: NetworkSpec, d: Derivation) -> GeneratedModule:
    source = stamp(format_source(render(d)), spec)
    verify_source(source, d)
    return GeneratedModule(spec.name, source, spec.hash(), d.verification)


# ---------------------------------------------------------------------------------------------
# Safety: every spec value that reaches generated code


def check_identifier(name: str, key: str) -> str:
    if not (isinstance(name, str) and name.isascii() and name.isidentifier()
            and not keyword.iskeyword(name)):
        raise UnsafeSpecError(f"key '{key}': {name!r} cannot appear in generated code (it must be a"
                              " Python identifier that is not a keyword)")
    return name


def check_comment(text: str, key: str) -> str:
    bad = [c for c in text if unicodedata.category(c)[0] == "C" or unicodedata.category(c) in ("Zl", "Zp")]
    if bad:
        raise UnsafeSpecError(f"key '{key}': text for a generated-code comment must be one line without"
                              f" control characters; found {bad[0]!r}")
    return text


def _check_number(x, key: str) -> None:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise UnsafeSpecError(f"key '{key}': {x!r} is not a finite number")


def check_spec(spec: NetworkSpec) -> None:
    """Refuse any spec value that could change the meaning of generated code."""
    check_identifier(spec.name, "network.name")
    check_comment(spec.description, "network.description")
    if spec.loss not in LOSSES:
        raise UnsafeSpecError(f"key 'network.loss': unknown loss {spec.loss!r}")
    if not (isinstance(spec.layers, tuple) and len(spec.layers) >= 2 and all(
            isinstance(w, int) and not isinstance(w, bool) and w >= 1 for w in spec.layers)):
        raise UnsafeSpecError(f"key 'network.layers': {spec.layers!r} is not a list of positive widths")
    if len(spec.activations) != len(spec.layers) - 1:
        raise UnsafeSpecError("key 'network.activations': one activation per non-input layer")
    for i, a in enumerate(spec.activations):
        entry = a.entry  # resolved (and so known) when the spec was constructed
        for pk, pv in a.params:
            if pk not in entry.params:
                raise UnsafeSpecError(f"key 'network.activations[{i}].{pk}': unknown parameter")
            _check_number(pv, f"network.activations[{i}].{pk}")
    _check_number(spec.conventions.relu_prime_at_zero, "conventions.relu_prime_at_zero")
    if not re.fullmatch(r"[0-9a-f]{16}", spec.hash()):
        raise UnsafeSpecError("the spec hash is not 16 hex digits")


# ---------------------------------------------------------------------------------------------
# Rendering


@dataclass
class _Parts:
    """Everything the template needs, as flat lists of finished lines."""

    header: list[str]
    docstring: str
    constants: list[str]
    helpers: list[list[str]]
    init: list[str]
    forward: list[str]
    loss: list[str]
    backward: list[str]
    update_args: str  # update's parameters after "params, grads, "
    update_doc: list[str]
    update: list[str]
    train_step_doc: list[str]
    train_step: list[str]


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def render(d: Derivation) -> str:
    """The unformatted module source for a row-layout Derivation."""
    parts = build_parts(d)
    return _environment().get_template("module.py.j2").render(**parts.__dict__)


def _wrap_comment(text: str, width: int = LINE_LENGTH - 6) -> list[str]:
    """text as comment lines that fit the line length once indented one level."""
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return [f"# {line}" for line in lines]


def _unpack(names, source: str) -> list[str]:
    return [f'{check_identifier(n, "name")} = {source}["{n}"]' for n in names]


def _uses(code: str, symbol: sp.Symbol) -> bool:
    """Whether printed code mentions the name (shapes mention N too, so the expression can't tell)."""
    return re.search(rf"\b{re.escape(symbol.name)}\b", code) is not None


def _names_in(exprs) -> set[str]:
    out: set[str] = set()
    for e in exprs:
        out |= {s.name for s in e.atoms(MatrixSymbol)}
    return out


def build_parts(d: Derivation) -> _Parts:
    spec = d.spec
    if d.layout != "row":
        raise CodegenError("generated code is batch-first: derive with layout='row'")
    check_spec(spec)
    L = spec.depth
    tags = equation_tags(d)
    printer = NumpyCodePrinter(widths=d.widths(), batch=d.batch)
    comments = CommentPrinter()
    sym = d.symbols
    lentry = spec.loss_entry

    loss_expr, loss_note, from_logits = stable_loss(d)

    # -- forward
    forward: list[str] = [
        "# computing in the parameters' dtype keeps a float32 network in float32",
        'X = np.asarray(X, dtype=params["W1"].dtype)',
    ]
    forward += _unpack([f"{p}{l}" for l in range(1, L + 1) for p in "Wb"], "params")
    cache_names = ["X"]
    for eq in d.forward:
        rhs = eq.rhs
        name = check_identifier(eq.lhs.name, eq.name)
        if from_logits and name == f"A{L}":
            what = " and ".join(w for _, w in from_logits.values())
            forward.append(f"# {what} from the logits, kept for the loss (eq. ({tags['loss']}))")
            for m, (e, _) in from_logits.items():
                forward.append(f"{m.name} = {printer.code(e)}")
                cache_names.append(m.name)
                if isinstance(e, LogSoftmax):
                    rhs = Elementwise(sp.Lambda(u := sp.Dummy("u"), sp.exp(u)), m)
        forward.append(f"{name} = {printer.code(rhs)}  # eq. ({tags[eq.name]})")
        cache_names.append(name)
    forward.append("cache = {" + ", ".join(f'"{n}": {n}' for n in cache_names) + "}")
    forward.append(f"return A{L}, cache")

    # -- loss
    def targets_line(dtype_source: str) -> list[str]:
        if lentry.targets == "index":
            return ["# class indices become one-hot rows, the targets the equations use",
                    f"Y = {printer._call('one_hot', 'Y', str(spec.layers[-1]), dtype_source)}"]
        return [f"Y = np.asarray(Y, dtype={dtype_source})"]

    loss_lines = _unpack(sorted(_names_in([loss_expr]) - {"Y"}), "cache")
    loss_lines += targets_line('cache["X"].dtype')
    loss_code = printer.code(loss_expr)
    if _uses(loss_code, d.batch):
        loss_lines.append('N = cache["X"].shape[0]')
    loss_lines += _wrap_comment(f"eq. ({tags['loss']}): {lentry.summary}")
    for note in loss_note:
        loss_lines += _wrap_comment(check_comment(note, "comment"))
    loss_lines.append(f"return float({loss_code})")

    # -- backward
    steps: list[tuple[str, str, str]] = []  # (comment, name, printed rhs)
    kinds = {r.layer: r.kind for r in d.rules}
    notes = {
        "output-softmax-fused": "softmax's Jacobian and the cross-entropy derivative cancel to this:"
                                " the engine derived and verified it",
        "output-simplified": "the engine's simplification of dl/da * f'(z), derived and verified",
    }
    logs = {type(e): m for m, (e, _) in from_logits.items()}
    stable_delta = None
    if LogSoftmax in logs and Log1mSoftmax in logs:
        # the engine's delta divides by 1 - A, which rounds to 0 where softmax saturates
        stable_delta = SoftmaxBCEDelta(sym[f"A{L}"], sym["Y"], logs[LogSoftmax], logs[Log1mSoftmax])
        notes["output-from-logits"] = ("evaluated by softmax_bce_delta: the same values, without the"
                                       " division by 1 - A that saturation turns into 0/0")
        kinds[L] = "output-from-logits"
    for eq in d.backward + d.gradients:
        name = check_identifier(eq.lhs.name, eq.name)
        rhs = eq.rhs
        if stable_delta is not None and name == f"delta{L}":
            rhs = stable_delta
        for tmp, sub in _shared(rhs, name):
            steps.append((f"# shared by eq. ({tags[eq.name]})", tmp.name, printer.code(sub)))
            rhs = rhs.xreplace({sub: tmp})
        text = check_comment(f"eq. ({tags[eq.name]}): {comments.doprint(eq.lhs)} = {comments.doprint(eq.rhs)}",
                             eq.name)
        text = "\n".join(_wrap_comment(text))
        layer = int(name.removeprefix("delta")) if name.startswith("delta") else None
        if layer is not None and kinds.get(layer) in notes:
            text += "\n" + "\n".join(_wrap_comment(f"({notes[kinds[layer]]})"))
        steps.append((text, name, printer.code(rhs)))
    produced = {n for _, n, _ in steps}
    used = _names_in([eq.rhs for eq in d.backward + d.gradients]
                     + ([stable_delta] if stable_delta is not None else [])) - produced - {"Y"}
    back = _unpack([n for n in (f"W{l}" for l in range(1, L + 1)) if n in used], "params")
    back += _unpack([n for n in cache_names if n in used], "cache")
    back += targets_line('cache["X"].dtype')
    if any(_uses(code, d.batch) for _, _, code in steps):
        back.append('N = cache["X"].shape[0]')
    for text, name, code in steps:
        back += text.split("\n")
        back.append(f"{name} = {code}")
    back.append("return {" + ", ".join(
        f'"{p}{l}": dL_d{p}{l}' for l in range(1, L + 1) for p in "Wb") + "}")

    # -- init
    init = ["return {"]
    for l in range(1, L + 1):
        n_out, n_in = spec.layers[l], spec.layers[l - 1]
        scheme = spec.activation(l).entry.init
        std, why = math.sqrt(scheme.variance(n_in, n_out)), scheme.comment(n_in, n_out)
        init.append(f"    # {why}")
        init.append(f'    "W{l}": (rng.standard_normal(({n_out}, {n_in})) * {std!r}).astype(dtype),')
        init.append(f'    "b{l}": np.zeros({n_out}, dtype=dtype),')
    init.append("}")

    header = [
        f'# Generated by nnderive {__version__} from network spec "{spec.name}"'
        f" (spec hash {spec.hash()}).",
        "# Do not edit: `nnderive codegen` regenerates this file from the spec and verifies it.",
        STAMP_PLACEHOLDER,
    ]
    if spec.description:
        header += _wrap_comment(spec.description)
    constants = [
        f"SPEC_NAME = {spec.name!r}",
        f"SPEC_HASH = {spec.hash()!r}",
        f"TOOLKIT_VERSION = {__version__!r}",
        f"LAYERS = {tuple(spec.layers)!r}",
        f"ACTIVATIONS = {tuple(a.name for a in spec.activations)!r}",
        f"LOSS = {spec.loss!r}",
        f"BATCH = {spec.conventions.batch!r}",
    ]
    rule = update_rule(spec)
    docstring = "\n".join([
        f"Numpy forward pass, backpropagation and gradient descent for the {spec.name} network.",
        "", *textwrap.wrap(f"Learning rate: {rule.lr_meaning()}.", LINE_LENGTH - 4)])
    return _Parts(
        header=header, docstring=docstring,
        constants=constants, helpers=helper_blocks(printer.helpers), init=init, forward=forward,
        loss=loss_lines, backward=back, **update_parts(d, tags, printer))


def _docstring(lines: list[str]) -> list[str]:
    """A docstring as lines for a template: one line, or a summary, a blank line and more."""
    if len(lines) == 1:
        return [f'"""{lines[0]}"""']
    return [f'"""{lines[0]}', *lines[1:], '"""']


def update_parts(d: Derivation, tags: dict[str, str], printer: NumpyCodePrinter) -> dict:
    """update() and train_step(), printed from derive.procedure's update rule (never restated).

    The step factor alpha (a mean loss) or alpha/N (a sum loss) is printed with lr for alpha;
    update() needs N from its caller for a sum loss, train_step() takes it from the batch.
    """
    rule = update_rule(d.spec)
    lr = sp.Symbol("lr")
    factor = rule.factor.xreplace({ALPHA: lr, BATCH: d.batch})
    step = printer.code(factor)
    shown = CommentPrinter().doprint(rule.factor.xreplace({ALPHA: sp.Symbol("alpha")}))
    why = ("the loss sums over the batch, so the step divides by its N rows and follows the mean"
           " gradient (article 000)" if rule.divides_by_batch else
           "the loss averages over the batch, so its gradient is already the mean gradient")
    cite = _wrap_comment(check_comment(f"eq. ({tags['update']}): p := p - {shown} dL/dp for every"
                                       f" parameter p, all at once; {why}", "comment"))
    n_doc = (["", "N is the number of samples the gradients were summed over (the batch's rows)."]
             if rule.divides_by_batch else [])
    update = []
    if rule.divides_by_batch:
        update += ["if N is None:",
                   '    raise TypeError("update() needs N, the rows the gradients were summed over")']
    update += cite + [f"step = {step}", "for name, grad in grads.items():",
                      "    params[name] -= step * grad"]
    n_line = [f"{d.batch.name} = X.shape[0]"] if _uses(step, d.batch) else []
    train = ["_, cache = forward(params, X)", "value = loss_from_cache(cache, Y)",
             "grads = backward(params, cache, Y)", *n_line, *cite, f"step = {step}",
             "largest = []", "for name, grad in grads.items():",
             "    # these gradients are ours: scaling them in place saves a parameter-sized temporary",
             "    grad *= step", "    if return_max_update and grad.size:",
             "        largest.append(np.max(np.abs(grad)))  # a NaN stays a NaN",
             "    params[name] -= grad",
             "if return_max_update:",
             "    return value, (float(np.max(largest)) if largest else 0.0)",
             "return value"]
    return {
        "update_args": "lr, N=None" if rule.divides_by_batch else "lr",
        "update_doc": _docstring([f"One gradient-descent step, in place: p <- p - {step} * dL/dp.",
                                  *n_doc]),
        "update": update,
        "train_step_doc": _docstring([
            f"Forward, loss, backward and the update p <- p - {step} * dL/dp on the batch (X, Y).",
            "", "Returns the loss before the update, or (loss, largest |update| entry) with",
            "return_max_update=True (computing that costs a pass over every gradient)."]),
        "train_step": train,
    }


def stable_loss(d: Derivation):
    """The loss as a printable expression, rewritten where the math is fragile.

    Returns (expression, notes, from_logits): from_logits maps each array the forward pass
    must compute from the logits and cache to (its expression, what it is). Where softmax meets
    a log, log a = log_softmax(z) and log(1 - a) = log1m_softmax(z); where sigmoid meets bce,
    log a = z - softplus(z) and log(1 - a) = -softplus(z); any other log of a probability is
    clipped (SafeLog). The rewrite is checked numerically against the loss equation when the
    module is verified.
    """
    spec = d.spec
    L = spec.depth
    (s,) = d.loss.rhs.atoms(sp.Sum)
    a, y, z, ls, lc = sp.symbols("a y z ls lc", real=True)
    term = s.function.replace(lambda e: isinstance(e, sp.Indexed),
                              lambda e: y if e.base.label.name == "Y" else a)
    entry = spec.activation(L).entry
    notes: list[str] = []
    from_logits: dict[MatrixSymbol, tuple[MatrixExpr, str]] = {}
    bindings = {a: d.symbols[f"A{L}"], y: d.symbols["Y"], z: d.symbols[f"Z{L}"]}
    if entry.func is Sigmoid and term.has(sp.log):
        def logit_form(e):
            if e.args[0] == a:
                return z - Softplus(z)
            if sp.expand(e.args[0] - (1 - a)) == 0:
                return -Softplus(z)
            return e
        term = sp.expand(term.replace(lambda e: isinstance(e, sp.log), logit_form))
        notes.append("from the logits: log sigmoid(z) = z - softplus(z) and log(1 - sigmoid(z)) ="
                     " -softplus(z) stay finite where a probability rounds to 0 or 1")
    elif entry.vector_valued and term.has(sp.log):
        shape = d.symbols[f"A{L}"].shape
        if term.has(sp.log(a)):
            term = term.xreplace({sp.log(a): ls})
            bindings[ls] = MatrixSymbol(f"log_A{L}", *shape)
            from_logits[bindings[ls]] = (LogSoftmax(d.symbols[f"Z{L}"]), "log-probabilities")
            notes.append("from the logits: log softmax(z) = z - logsumexp(z) stays finite where a"
                         " probability underflows to 0")
        if term.has(sp.log(1 - a)):
            term = term.xreplace({sp.log(1 - a): lc})
            bindings[lc] = MatrixSymbol(f"log1m_A{L}", *shape)
            from_logits[bindings[lc]] = (Log1mSoftmax(d.symbols[f"Z{L}"]), f"log(1 - A{L})")
            notes.append("and log(1 - softmax(z)) = logsumexp of the other logits - logsumexp(z)"
                         " stays finite where a probability rounds to 1")
    if term.has(sp.log):
        term = term.replace(lambda e: isinstance(e, sp.log), lambda e: SafeLog(e.args[0]))
        notes.append("logs of probabilities are clipped at the smallest normal number so a"
                     " probability of exactly 0 or 1 gives a finite loss")
    matrix = lift(term, bindings)
    coeff = sp.Integer(1)
    if isinstance(matrix, MatMul) and matrix.as_coeff_matrices()[0].is_Number:
        # -sum(Y * log_A) rather than sum(-Y * log_A): the sign applies to one number
        coeff, mats = matrix.as_coeff_matrices()
        matrix = mats[0] if len(mats) == 1 else MatMul(*mats)
    rest = d.loss.rhs.xreplace({s: sp.Symbol("S")})
    return rest.xreplace({sp.Symbol("S"): coeff * Total(matrix)}), notes, from_logits


def _shared(rhs, lhs: str) -> list[tuple[MatrixSymbol, MatrixExpr]]:
    """Sub-expressions that occur more than once in rhs, to compute once (largest first)."""
    out = []
    for k in itertools.count(1):
        counts: Counter = Counter()
        _count(rhs, counts)
        repeated = [e for e, c in counts.items() if c > 1]
        if not repeated:
            return out
        best = max(repeated, key=lambda e: (sp.count_ops(e), sp.default_sort_key(e)))
        tmp = MatrixSymbol(_shared_name(best, lhs, k), *best.shape)
        out.append((tmp, best))
        rhs = rhs.xreplace({best: tmp})


def _count(e, counts: Counter) -> None:
    if not isinstance(e, MatrixExpr) or _cheap(e):
        return
    counts[e] += 1
    for arg in e.args:
        _count(arg, counts)


def _shared_name(e, lhs: str, k: int) -> str:
    if isinstance(e, Elementwise) and isinstance(e.lam.expr, Primitive) and len(e.mats) == 1 \
            and isinstance(e.mats[0], MatrixSymbol):
        return check_identifier(f"{e.lam.expr.numpy_name.removeprefix('np.')}_{e.mats[0].name}", "name")
    return f"{lhs}_shared{k}"


def _cheap(e) -> bool:
    if isinstance(e, (MatrixSymbol, OneMatrix, ZeroMatrix)):
        return True
    if isinstance(e, Transpose):
        return _cheap(e.arg)
    if isinstance(e, MatMul):
        coeff, mats = e.as_coeff_matrices()
        return len(mats) == 1 and _cheap(mats[0]) or any(isinstance(m, OneMatrix) for m in mats) \
            and len(mats) <= 2 and all(_cheap(m) for m in mats)
    return False


# ---------------------------------------------------------------------------------------------
# Formatting


def format_source(text: str) -> str:
    """ruff format (fixed settings, no config files), else black, else the text unchanged."""
    args = ["--isolated", "--line-length", str(LINE_LENGTH), "--target-version", "py311", "-"]
    for cmd in ([sys.executable, "-m", "ruff", "format", *args],
                [shutil.which("ruff") or "", "format", *args],
                [sys.executable, "-m", "black", "--quiet", "--line-length", str(LINE_LENGTH), "-"]):
        if not cmd[0]:
            continue
        try:
            out = subprocess.run(cmd, input=text, capture_output=True, text=True, timeout=120,
                                 encoding="utf-8")
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout:
            return out.stdout
        if "No module named" not in out.stderr:
            raise CodegenError(f"formatting the generated code failed: {out.stderr.strip()[:500]}")
    return text


# ---------------------------------------------------------------------------------------------
# Stamps: how a module on disk is known to be current without generating it again
#
# The header's stamp line holds two hashes: of everything generation depends on (the spec's
# generation inputs, the toolkit version and the generator itself: its sources, templates and
# formatter), and of the file's own text without the stamp line. A file is current when both
# match: a changed spec, description or generator changes the first, a hand edit the second.

STAMP_RE = re.compile(r"^# Stamp: inputs ([0-9a-f]{16}), body ([0-9a-f]{16})\b[^\n]*\n?", re.M)
STAMP_PLACEHOLDER = f"# Stamp: inputs {'0' * 16}, body {'0' * 16} (how nnderive knows this file is current)."
# What shapes the emitted text besides the spec: this package's printers, templates and this
# module, and the derive core whose equations they print.
# (derive/procedure.py, the update rule the module prints, where it exists)
GENERATOR_SOURCES = ("codegen/emit.py", "codegen/printers/*.py", "codegen/templates/*.j2", "derive/engine.py",
                     "derive/matrix.py", "derive/primitives.py", "derive/spec.py", "derive/procedure.py")
_FINGERPRINT: list[str] = []


def generation_inputs(spec: NetworkSpec) -> dict:
    """Everything build_parts reads from the spec (extend it whenever generation reads more)."""
    return {"spec_hash": spec.hash(), "description": spec.description}


def generator_fingerprint() -> str:
    """sha256 of the generator's sources and templates (line endings normalized) and formatter version."""
    if not _FINGERPRINT:
        from importlib import metadata

        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for pattern in GENERATOR_SOURCES:
            for f in sorted(root.glob(pattern)):
                h.update(f.relative_to(root).as_posix().encode() + b"\0")
                h.update(f.read_bytes().replace(b"\r\n", b"\n") + b"\0")
        for dist in ("sympy", "ruff", "black"):  # printed forms and formatting are part of the output
            try:
                h.update(f"{dist} {metadata.version(dist)}\0".encode())
            except metadata.PackageNotFoundError:
                h.update(f"{dist} absent\0".encode())
        _FINGERPRINT.append(h.hexdigest())
    return _FINGERPRINT[0]


def generation_hash(spec: NetworkSpec) -> str:
    inputs = dict(generation_inputs(spec), toolkit=__version__, generator=generator_fingerprint())
    text = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def body_hash(text: str) -> str:
    """sha256 (16 hex digits) of a module's text with its stamp line taken out."""
    return hashlib.sha256(STAMP_RE.sub("", text, count=1).encode("utf-8")).hexdigest()[:16]


def stamp(source: str, spec: NetworkSpec) -> str:
    """source with its placeholder stamp line filled in."""
    if source.count(STAMP_PLACEHOLDER) != 1:
        raise CodegenError("the generated module has no stamp line in its header")
    line = STAMP_PLACEHOLDER.replace("0" * 16, generation_hash(spec), 1)
    line = line.replace("0" * 16, body_hash(source), 1)
    return source.replace(STAMP_PLACEHOLDER, line, 1)


def read_stamp(text: str) -> tuple[str, str] | None:
    """(inputs hash, body hash) of a module's stamp line, or None when it has none."""
    m = STAMP_RE.search(text)
    return (m.group(1), m.group(2)) if m else None
