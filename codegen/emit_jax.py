"""Turns a network spec into a verified, formatted JAX module: the same derivation, printed for jax.jit."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import sympy as sp
from sympy.matrices.expressions import MatAdd, MatMul, MatrixSymbol

from derive.engine import Derivation, equation_tags
from derive.matrix import Elementwise, Softmax
from derive.pipeline import derive
from derive.procedure import ALPHA, BATCH, update_rule
from derive.spec import NetworkSpec

from .emit import (
    LINE_LENGTH,
    GeneratedModule,
    _docstring,
    _environment,
    _shared,
    _unpack,
    _wrap_comment,
    check_comment,
    check_identifier,
    check_spec,
    constant_lines,
    format_source,
    header_lines,
    init_lines,
    stable_loss,
    stamp,
)
from .printers.jax import JAX_HELPERS, JaxCodePrinter
from .printers.numpy import CodegenError, CommentPrinter, LogSoftmax, SoftmaxBCEDelta, helper_blocks
from .verify_generated import verify_source


def generate_jax(spec: NetworkSpec) -> GeneratedModule:
    """Derive (row layout), render, format and verify the JAX module; VerificationError on a mismatch."""
    check_spec(spec)
    return from_derivation(spec, derive(spec, layout="row"))


def from_derivation(spec: NetworkSpec, d: Derivation) -> GeneratedModule:
    source = stamp(format_source(render(d)), d, backend="jax")
    verify_source(source, d)  # imports jax: the JAX backend is verified where it runs
    return GeneratedModule(spec.name, source, spec.hash(), d.verification)


def render(d: Derivation) -> str:
    return _environment().get_template("module_jax.py.j2").render(**build_parts(d).__dict__)


@dataclass
class _Parts:
    header: list[str]
    docstring: str
    constants: list[str]
    helpers: list[list[str]]
    init: list[str]
    forward: list[str]
    loss: list[str]
    backward: list[str]
    update_args: str
    update_doc: list[str]
    update: list[str]
    targets: list[str]
    train_step_def: list[str]
    train_step_doc: list[str]
    train_step: list[str]
    public: list[str]


def build_parts(d: Derivation) -> _Parts:
    spec = d.spec
    if d.layout != "row":
        raise CodegenError("generated code is batch-first: derive with layout='row'")
    check_spec(spec)
    L = spec.depth
    tags = equation_tags(d)
    printer = JaxCodePrinter(widths=d.widths(), batch=d.batch)
    comments = CommentPrinter()
    sym = d.symbols
    loss_expr, loss_note, from_logits = stable_loss(d)
    rule = update_rule(spec)

    def cite(eq, extra: str = "") -> list[str]:
        return _wrap_comment(check_comment(
            f"eq. ({tags[eq.name]}){extra}: {comments.doprint(eq.lhs)} = {comments.doprint(eq.rhs)}",
            eq.name))

    # -- forward: the same lines for forward() and train_step()
    fwd: list[str] = []
    cache_names = ["X"]
    for eq in d.forward:
        name = check_identifier(eq.lhs.name, eq.name)
        rhs = eq.rhs
        if from_logits and name == f"A{L}":
            what = " and ".join(w for _, w in from_logits.values())
            fwd.append(f"# {what} from the logits, kept for the loss (eq. ({tags['loss']}))")
            for m, (e, _) in from_logits.items():
                fwd.append(f"{m.name} = {printer.code(e)}")
                cache_names.append(m.name)
                if isinstance(e, LogSoftmax) and isinstance(rhs, Softmax):
                    rhs = Elementwise(sp.Lambda(u := sp.Dummy("u"), sp.exp(u)), m)
        fwd.append(f"{name} = {printer.code(rhs)}  # eq. ({tags[eq.name]})")
        cache_names.append(name)
    params = _unpack([f"{p}{l}" for l in range(1, L + 1) for p in "Wb"], "params")
    to_dtype = ["# computing in the parameters' dtype keeps a float32 network in float32",
                'X = jnp.asarray(X, dtype=params["W1"].dtype)']
    forward = [*to_dtype, *params, *fwd,
               "cache = {" + ", ".join(f'"{n}": {n}' for n in cache_names) + "}",
               f"return A{L}, cache"]

    # -- loss
    loss_code = printer.code(loss_expr)
    summary = _wrap_comment(f"eq. ({tags['loss']}): {spec.loss_entry.summary}")
    notes = [line for note in loss_note for line in _wrap_comment(check_comment(note, "comment"))]
    n_line = [f'{d.batch.name} = cache["X"].shape[0]'] if d.batch.name in loss_code else []
    loss = [*_unpack(sorted(_names(loss_expr) - {"Y"}), "cache"), 'Y = Y.astype(cache["X"].dtype)',
            *n_line, *summary, *notes, f"return {loss_code}"]

    # -- backward (the gradients) and the fused step (the deltas scaled by k, then the update)
    stable_delta = None
    logs = {type(e): m for m, (e, _) in from_logits.items()}
    if len(logs) == 2:
        stable_delta = SoftmaxBCEDelta(sym[f"A{L}"], sym["Y"], *logs.values())
    coeffs = [eq.rhs.as_coeff_matrices()[0] for eq in d.gradients]
    k_sym = sp.Symbol("k")

    def deltas(scaled: bool) -> list[str]:
        out = []
        for eq in d.backward:
            name = check_identifier(eq.lhs.name, eq.name)
            rhs = stable_delta if (stable_delta is not None and name == f"delta{L}") else eq.rhs
            for tmp, sub in _shared(rhs, name):
                out += [f"# shared by eq. ({tags[eq.name]})", f"{tmp.name} = {printer.code(sub)}"]
                rhs = rhs.xreplace({sub: tmp})
            if scaled and name == f"delta{L}":
                out += cite(eq, " times k")
                rhs = MatMul(k_sym, rhs)
            else:
                out += cite(eq, ", times k" if scaled else "")
            out.append(f"{name} = {printer.code(rhs)}")
        return out

    def grad_lines() -> list[str]:
        out = []
        for eq in d.gradients:
            out += cite(eq)
            out.append(f"{check_identifier(eq.lhs.name, eq.name)} = {printer.code(eq.rhs)}")
        return out

    needs_n = any(d.batch in eq.rhs.free_symbols for eq in list(d.backward) + list(d.gradients))
    exprs = [eq.rhs for eq in list(d.backward) + list(d.gradients)]
    used = set().union(*(_names(e) for e in exprs + ([stable_delta] if stable_delta is not None
                                                       else [])))
    backward = [*_unpack([f"W{l}" for l in range(1, L + 1) if f"W{l}" in used], "params"),
                *_unpack([n for n in cache_names if n in used | {"X"}], "cache"),
                "Y = Y.astype(X.dtype)",
                *([f'{d.batch.name} = X.shape[0]'] if needs_n else []), *deltas(False),
                *grad_lines(),
                "return {" + ", ".join(f'"{p}{l}": dL_d{p}{l}' for l in range(1, L + 1)
                                       for p in "Wb") + "}"]

    lr = sp.Symbol("lr")
    k = rule.factor * coeffs[0]
    shown = CommentPrinter().doprint(k.xreplace({ALPHA: sp.Symbol("alpha")}))
    factor_shown = CommentPrinter().doprint(rule.factor.xreplace({ALPHA: sp.Symbol("alpha")}))
    new = []
    for eq, c in zip(d.gradients, coeffs):
        param = eq.lhs.name.removeprefix("dL_d")
        _, mats = eq.rhs.as_coeff_matrices()
        change = MatMul(c / coeffs[0], *mats) if c != coeffs[0] else MatMul(*mats)
        new += _wrap_comment(check_comment(
            f"eq. ({tags[eq.name]}), ({tags['update']}): {param} := {param} - k dL/d{param}, which"
            f" is {comments.doprint(MatMul(*mats))} with the scaled deltas", eq.name))
        new.append(f'"{param}": {printer.code(MatAdd(sym[param], -change))},')
    train = [*to_dtype, *params, "Y = Y.astype(X.dtype)", f"{d.batch.name} = X.shape[0]", *fwd,
             *summary, f"value = {loss_code}",
             *_wrap_comment(check_comment(
                 f"eq. ({tags['update']}): p := p - {factor_shown} dL/dp. The step k = {shown}"
                 " scales the output error term once; every delta below is then k times the"
                 " engine's (the recursion is linear in it), so each product delta^T a is the"
                 " update itself", "comment")),
             f"k = {printer.code(k.xreplace({ALPHA: lr, BATCH: d.batch}))}",
             *deltas(True), "new = {", *[f"    {line}" for line in new], "}", "return new, value"]

    step = printer.code(rule.factor.xreplace({ALPHA: lr, BATCH: d.batch}))
    update = ([] if not rule.divides_by_batch else
              ["if N is None:",
               '    raise TypeError("update() needs N, the rows the gradients were summed over")'])
    update += _wrap_comment(check_comment(f"eq. ({tags['update']}): p := p - {factor_shown} dL/dp"
                                          " for every parameter p, all at once", "comment"))
    update += [f"step = {step}", "return {name: params[name] - step * grads[name] for name in params}"]

    if spec.loss_entry.targets == "index":
        targets = ["# class indices become one-hot rows, the targets the equations use (checked here,",
                   "# outside jax.jit, where the labels are concrete)",
                   f"return {printer._call('one_hot', 'Y', str(spec.layers[-1]), 'dtype')}"]
    else:
        targets = ["# converted inside jax.jit, where it costs nothing", "return Y"]
    docstring = "\n".join([
        f"JAX forward pass, backpropagation and gradient descent for the {spec.name} network.",
        "", *textwrap.wrap(f"Learning rate: {rule.lr_meaning()}.", LINE_LENGTH - 4), "",
        *textwrap.wrap("The same verified derivation as the numpy module, printed for jax.numpy:"
                       " train_step is one pure function under jax.jit, and data_parallel()"
                       " splits its batches over every local device (CPU, GPU or TPU).",
                       LINE_LENGTH - 4)])
    return _Parts(
        header=header_lines(spec), docstring=docstring, constants=constant_lines(spec),
        helpers=helper_blocks(printer.helpers, JAX_HELPERS), init=init_lines(spec),
        forward=forward, loss=loss, backward=backward,
        update_args="lr, N=None" if rule.divides_by_batch else "lr",
        update_doc=_docstring([f"One gradient-descent step: new parameters p - {step} * dL/dp."]),
        update=update, targets=targets, **_public(spec.loss_entry.targets == "index"),
        train_step_doc=_docstring([
            f"(new parameters, loss before the step) for the update p <- p - {step} * dL/dp.",
            "", "Forward, loss, backward and update of the batch (X, Y), printed from the",
            "derivation; pure, so jax.jit compiles it once per batch shape and dtype."]),
        train_step=train)


def _public(index_targets: bool) -> dict:
    """train_step is jax.jit of the printed step itself; with class indices, a function that
    turns them into one-hot rows (checked, so outside jax.jit) calls the compiled step."""
    if not index_targets:
        return {"train_step_def": ["@jax.jit", "def train_step(params, X, Y, lr):"], "public": []}
    return {"train_step_def": ["@jax.jit", "def _train_step(params, X, Y, lr):"],
            "public": ["", "", "def train_step(params, X, Y, lr):",
                       '    """_train_step on class indices: their one-hot rows, checked first."""',
                       '    return _train_step(params, X, targets(Y, params["W1"].dtype), lr)']}


def _names(e) -> set[str]:
    return {s.name for s in e.atoms(MatrixSymbol)}
