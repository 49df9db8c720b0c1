"""Turns a network spec into a verified, formatted numpy module (render, format, verify; never written here)."""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import sympy as sp
from sympy.matrices.expressions import (
    MatAdd,
    MatMul,
    MatrixExpr,
    MatrixSymbol,
    OneMatrix,
    Transpose,
    ZeroMatrix,
)

from derive import __version__
from derive.certificate import equations_digest
from derive.engine import Derivation, equation_tags
from derive.matrix import Elementwise, Softmax, lift
from derive.pipeline import derive
from derive.primitives import Primitive, Sigmoid, Softplus
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
from .printers.workspace import Workspace
from .safety import UnsafeSpecError, check_comment, check_identifier, check_spec  # noqa: F401
from .stamp import (  # noqa: F401  (re-exported: the stamp is part of what emit produces)
    STAMP_PLACEHOLDER,
    STAMP_RE,
    body_hash,
    fill,
    generation_hash,
    read_stamp,
)
from .verify_generated import verify_source

TEMPLATES = Path(__file__).parent / "templates"
LINE_LENGTH = 100


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
    source = stamp(format_source(render(d)), d)
    verify_source(source, d)
    return GeneratedModule(spec.name, source, spec.hash(), d.verification)


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
    workspace: list[str]
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
        code = None
        if from_logits and name == f"A{L}":
            what = " and ".join(w for _, w in from_logits.values())
            forward.append(f"# {what} from the logits, kept for the loss (eq. ({tags['loss']}))")
            for m, (e, _) in from_logits.items():
                cache_names.append(m.name)
                if isinstance(e, LogSoftmax) and isinstance(rhs, Softmax):
                    # softmax writes its log here from the same exponential
                    forward.append(f"{m.name} = np.empty_like({printer.code(rhs.arg)})")
                    code = printer._call("softmax", printer.code(rhs.arg), f"log_out={m.name}")
                else:
                    forward.append(f"{m.name} = {printer.code(e)}")
        forward.append(f"{name} = {code or printer.code(rhs)}  # eq. ({tags[eq.name]})")
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

    init = init_lines(spec)
    header, constants = header_lines(spec), constant_lines(spec)
    rule = update_rule(spec)
    docstring = "\n".join([
        f"Numpy forward pass, backpropagation and gradient descent for the {spec.name} network.",
        "", *textwrap.wrap(f"Learning rate: {rule.lr_meaning()}.", LINE_LENGTH - 4)])
    update = update_parts(d, tags, printer)
    fused = fused_parts(d, tags, printer, loss_expr, from_logits, stable_delta, targets_line)
    return _Parts(
        header=header, docstring=docstring,
        constants=constants, helpers=helper_blocks(printer.helpers), init=init, forward=forward,
        loss=loss_lines, backward=back, **update, **fused)


def init_lines(spec: NetworkSpec) -> list[str]:
    """init_params' body: He or Glorot normal weights by each layer's activation, zero biases."""
    init = ["return {"]
    for l in range(1, spec.depth + 1):
        n_out, n_in = spec.layers[l], spec.layers[l - 1]
        scheme = spec.activation(l).entry.init
        std, why = math.sqrt(scheme.variance(n_in, n_out)), scheme.comment(n_in, n_out)
        init.append(f"    # {why}")
        init.append(f'    "W{l}": (rng.standard_normal(({n_out}, {n_in})) * {std!r}).astype(dtype),')
        init.append(f'    "b{l}": np.zeros({n_out}, dtype=dtype),')
    init.append("}")
    return init


def header_lines(spec: NetworkSpec) -> list[str]:
    """The comment block every generated module opens with (modules.HEADER_RE reads line 1)."""
    header = [
        f'# Generated by nnderive {__version__} from network spec "{spec.name}"'
        f" (spec hash {spec.hash()}).",
        "# Do not edit: `nnderive codegen` regenerates this file from the spec and verifies it.",
        STAMP_PLACEHOLDER,
    ]
    if spec.description:
        header += _wrap_comment(spec.description)
    return header


def constant_lines(spec: NetworkSpec) -> list[str]:
    """The module's constants: what it was generated from."""
    constants = [
        f"SPEC_NAME = {spec.name!r}",
        f"SPEC_HASH = {spec.hash()!r}",
        f"TOOLKIT_VERSION = {__version__!r}",
        f"LAYERS = {tuple(spec.layers)!r}",
        f"ACTIVATIONS = {tuple(a.name for a in spec.activations)!r}",
        f"LOSS = {spec.loss!r}",
        f"BATCH = {spec.conventions.batch!r}",
    ]
    return constants


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
    return {
        "update_args": "lr, N=None" if rule.divides_by_batch else "lr",
        "update_doc": _docstring([f"One gradient-descent step, in place: p <- p - {step} * dL/dp.",
                                  *n_doc]),
        "update": update,
    }


def fused_parts(d: Derivation, tags: dict[str, str], printer: NumpyCodePrinter, loss_expr,
                from_logits: dict, stable_delta, targets_line) -> dict:
    """workspace() and train_step(): one step's forward pass, loss, backward pass and update,
    printed from the same equations as forward/loss/backward and the procedure's update rule.

    Every array is written into a buffer of the workspace (Workspace lowers each equation to
    out= and in-place numpy). The update factor of derive.procedure times the gradients' own
    coefficient (1/N for a mean loss) is one number, the step k (lr/N for every loss nnderive
    has); it scales the output error term once, and since the recursion for delta^l is linear in
    delta^(l+1), every error term and so every product delta^T a^(l-1) then is k times its
    gradient: the update itself, subtracted straight from its buffer.
    """
    spec = d.spec
    L = spec.depth
    sym = d.symbols
    rule = update_rule(spec)
    comments = CommentPrinter()
    ws = Workspace(printer, d.batch, d.widths())

    def cite(eq, extra: str = "") -> list[str]:
        return _wrap_comment(check_comment(
            f"eq. ({tags[eq.name]}){extra}: {comments.doprint(eq.lhs)} = {comments.doprint(eq.rhs)}",
            eq.name))

    body: list[str] = []
    logs = {type(e): m for m, (e, _) in from_logits.items()}
    for eq in d.forward:
        name = check_identifier(eq.lhs.name, eq.name)
        body += cite(eq)
        if name == f"A{L}":
            for m, (e, _) in from_logits.items():
                if not (isinstance(e, LogSoftmax) and isinstance(eq.rhs, Softmax)):
                    body.append(f"{m.name} = {printer.code(e)}")
        if isinstance(eq.rhs, Softmax):
            log = logs.get(LogSoftmax)
            body += ws.softmax(name, eq.rhs, log.name if log is not None and name == f"A{L}" else None)
        else:
            body += ws.assign(name, eq.rhs)

    # the loss, before any update; it reads the output error term when it contains it (sse)
    out_eq = d.backward[0]
    delta_L = out_eq.lhs.name
    out_rhs = stable_delta if stable_delta is not None else out_eq.rhs
    def same(e) -> bool:  # a sum equals another in any order of its terms
        r = out_eq.rhs
        return e == r or (isinstance(e, MatAdd) and isinstance(r, MatAdd)
                          and Counter(e.args) == Counter(r.args))

    shares = stable_delta is None and any(same(e) for e in sp.preorder_traversal(loss_expr))
    if shares:
        body += cite(out_eq)
        body += ws.assign(delta_L, out_rhs)
        loss_expr = loss_expr.replace(same, lambda e: sym[delta_L])
    printer.vdot = True
    loss_code = printer.code(loss_expr)
    printer.vdot = False
    body += _wrap_comment(f"eq. ({tags['loss']}): {spec.loss_entry.summary}")
    body.append(f"value = float({loss_code})")

    coeffs = [eq.rhs.as_coeff_matrices()[0] for eq in d.gradients]
    k = rule.factor * coeffs[0]
    lr = sp.Symbol("lr")
    shown = CommentPrinter().doprint(k.xreplace({ALPHA: sp.Symbol("alpha")}))
    body += _wrap_comment(check_comment(
        f"eq. ({tags['update']}): p := p - {CommentPrinter().doprint(rule.factor.xreplace({ALPHA: sp.Symbol('alpha')}))}"
        f" dL/dp. The step k = {shown} scales the output error term once; every delta below is"
        " then k times the engine's (the recursion is linear in it), so each product"
        " delta^T a is the update itself", "comment"))
    body.append(f"k = {printer.code(k.xreplace({ALPHA: lr, BATCH: d.batch}))}")
    for eq in d.backward:
        name = check_identifier(eq.lhs.name, eq.name)
        rhs = out_rhs if name == delta_L else eq.rhs
        if not (name == delta_L and shares):
            for tmp, sub in _shared(rhs, name):
                body.append(f"# shared by eq. ({tags[eq.name]})")
                body += ws.assign(tmp.name, sub)
                rhs = rhs.xreplace({sub: tmp})
            body += cite(eq, " times k" if name == delta_L else ", times k")
            lines = ws.assign(name, rhs)
            if name == delta_L and name not in ws.buffers and lines[-1] == f"{name} = {rhs}":
                # an alias of another array: scale a copy, never the array itself
                ws.add_buffer(name, ws.shape(rhs))
                lines = [f"np.multiply({rhs}, k, out={name})"]
                name = None
            body += lines
        if name == delta_L:
            body.append(f"{delta_L} *= k")
    updates = []
    for eq, c in zip(d.gradients, coeffs):
        param = eq.lhs.name.removeprefix("dL_d")
        buf = check_identifier(f"d{param}", eq.name)
        _, mats = eq.rhs.as_coeff_matrices()
        shape = (str(spec.layers[int(param[1:])]),) if param.startswith("b") else None
        body += _wrap_comment(check_comment(
            f"eq. ({tags[eq.name]}), ({tags['update']}): {param} := {param} - k dL/d{param}, which is"
            f" {comments.doprint(MatMul(*mats))} with the scaled deltas", eq.name))
        lines = ws.assign(buf, MatMul(*mats), shape=shape)
        body += lines + ws.scale(buf, c / coeffs[0]) + [f"{param} -= {buf}"]
        updates.append(buf)

    unpack = _unpack([f"{p}{l}" for l in range(1, L + 1) for p in "Wb"], "params")
    head = [*unpack, "# computing in the parameters' dtype keeps a float32 network in float32",
            "X = np.asarray(X, W1.dtype)", *targets_line("X.dtype"),
            f"{d.batch.name} = X.shape[0]",
            "# a Python float: numpy keeps float32 arrays float32 when scaled by it",
            "lr = float(lr)",
            f"{', '.join(ws.buffers)} = _workspace({d.batch.name}, X.dtype)"]
    tail = ["if return_max_update:",
            "    # the largest |update| entry (np.max keeps a NaN a NaN)",
            f"    return value, float(np.max([np.max(np.abs(u)) for u in ({', '.join(updates)})]))",
            "return value"]
    workspace = []
    for name, shape in ws.buffers.items():
        dims = shape[0] if len(shape) == 1 else f"({', '.join(shape)})"
        make = "np.ones" if name == "ones" else "np.empty"
        workspace.append(f"{make}({dims}, dtype),  # {name}")
    step_text = printer.code(rule.factor.xreplace({ALPHA: lr, BATCH: d.batch}))
    return {
        "workspace": workspace,
        "train_step_doc": _docstring([
            f"Forward, loss, backward and the update p <- p - {step_text} * dL/dp on the batch (X, Y).",
            "", "Returns the loss before the update, or (loss, largest |update| entry) with",
            "return_max_update=True. Every array lives in a workspace allocated once per batch",
            "shape and dtype and reused (so one module's train_step is not for concurrent threads)."]),
        "train_step": head + body + tail,
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
# The stamp (codegen.stamp)


def stamp(source: str, d: Derivation, backend: str = "numpy") -> str:
    """source, printed from d for backend, with its stamp line filled in (codegen.stamp)."""
    stamped = fill(source, d.spec, backend, equations_digest(d))
    if stamped is None:
        raise CodegenError("the generated module has no stamp line in its header")
    return stamped
