"""Network claims without a spec: a generic network in a textbook's letters, any activation and any cost.

An author with a draft has no spec. When a claim uses a textbook's network letters (Nielsen's
w^l_{jk}, a^l, C, \\delta^l; Goodfellow's W^{(k)}, a^{(k)}, h^{(k)}, J; Ng's W^{[l]}, Z^{[l]}, A^{[l]},
dZ^{[l]}; nnderive's own W^{l}, z^{l}, a^{l}, L), it is checked on witness networks of several depths
and non-square widths whose activation is an arbitrary differentiable function (a ``GenericFunction``:
its values and derivatives are independent random numbers) and whose cost is an arbitrary function
of the outputs. A claim that fails there but holds for some output activation and loss of the
engine's registries (derive.primitives) is reported as true only for those.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, replace

import sympy as sp

from ..spec import Conventions
from .generic import generic_function
from .network_context import NetworkContext
from .network_letters import (
    _is_cost_letter,
    _layered,
    _numeric_layers,
    _roles_used,
    _widths,
    capital_of_sample,
    givens_top_layer,
    notation_score,
)
from .slips import explain_network
from .syntax import Node, OutOfRange
from .tree import (
    atom_key,
    decor_scripts,
    free_index_letters,
    items_of,
    juxt_items,
    plain_text,
    relation_parts,
)
from .given_notation import _cost_calls, _given_cost, _given_cost_value
from .layer_pins import at_output_layer
from .values import is_mat

# witness widths: every weight matrix non-square; depth 3 so that l-1, l, l+1 are all hidden layers
LAYERED_WITNESSES = ((2, 3, 2), (3, 2, 4, 2))
NEURON_WITNESSES = ((3, 1), (2, 1))     # Nielsen's single neuron with inputs x_j: unlayered w_j, b, z, a
SCALAR_NEURON = ((1, 1),)               # ... and with one input: w, x, b, z, a are numbers


@dataclass(frozen=True)
class _Entry:
    vector_valued: bool = False


class GenericActivation:
    """A layer's activation as an arbitrary differentiable function (what spec.activation(l) gives)."""

    def __init__(self, letter: str = "\\sigma"):
        self.entry = _Entry()
        self.name = f"an arbitrary activation {letter}"
        self.letter = letter
        self._f = generic_function(letter)

    def apply(self, z):
        return self._f(z)


@dataclass(frozen=True)
class GenericCost:
    """The cost of one sample as an arbitrary function of the network's outputs."""

    letter: str = "C"
    targets: str = "values"
    min_outputs: int = 1
    name: str = "an arbitrary cost"

    def sample_loss(self, outputs, targets):
        return generic_function(self.letter, (0,) * len(outputs))(*outputs)


@dataclass(frozen=True)
class GenericSpec:
    """A network spec's interface for the checker's witnesses, with generic or concrete parts."""

    layers: tuple
    activations: tuple
    loss_entry: object
    conventions: Conventions = Conventions()
    name: str = "a generic network"
    stored: str = "out_in"     # the text's W: n_l x n_{l-1}, or "in_out" (a W, W^T a: Raschka, Aggarwal)

    @property
    def depth(self) -> int:
        return len(self.layers) - 1

    def activation(self, l: int):
        return self.activations[min(l, len(self.activations)) - 1]

    def with_widths(self, layers):
        acts = tuple(self.activations[min(l, len(self.activations)) - 1] for l in range(1, len(layers)))
        return replace(self, layers=tuple(layers), activations=acts)


def generic_spec(widths, letter: str, cost: str, batch: str = "sum", output=None, loss=None,
                 layout: str = "column", stored: str = "out_in") -> GenericSpec:
    """Every layer's activation generic (the output layer's may be concrete), the cost generic or a loss."""
    acts = [GenericActivation(letter)] * (len(widths) - 1)
    if output is not None:
        acts[-1] = output
    return GenericSpec(tuple(widths), tuple(acts), loss or GenericCost(cost),
                       Conventions(layout=layout, batch=getattr(loss, "batch", batch)), stored=stored)


# ---------------------------------------------------------------------------------------------
# The context: a NetworkContext that reads a textbook's conventions


class GenericNetworkContext(NetworkContext):
    """A witness of a generic network in a textbook's letters (see the module docstring).

    Beyond the profile's templates it reads: any layer style (^l, ^{(l)}, ^{[l]}), Ng's ^{[l](i)}
    (layer and sample) and ^{[l]T}; a role letter without a layer as layer L (Nielsen's \\nabla_a C,
    the single neuron's w, b, z, a); the sample count (n, m) as the batch size; C_x, the cost of
    sample x; Ng's and CS231n's dW, dZ (dW = dJ/dW, dZ = d(sum of the samples' losses)/dZ); the
    profile's function letters as the layer's activation.
    """

    def __init__(self, spec, widths, batch, profile, defs=None, seed=0, cost=None):
        self.cost = cost      # (AST, source) of the claim's own definition of the cost, or None
        self._in_cost = False  # True while the cost's definition is being read (see loss)
        super().__init__(spec, widths, batch, profile, defs, seed)
        funcs = set(profile.extra("functions").split()) - {e.key[0] for e in self.roles}
        self.extra_funcs = {**{f: None for f in funcs}, **self.extra_funcs}
        self.loss_letters = {profile.template("loss").lstrip("\\")} | set(profile.extra("losses").split())
        self.sample_sup = profile.extra("sample_index") == "sup"
        self.implicit_sample: str | None = None

    def spec_loss(self) -> bool:
        return self.cost is None

    def _share_key(self):
        # a cost the claim defines is read in this context's letters: its error terms are its own
        return None if self.cost is not None else super()._share_key()

    # -- scripts: ^{[l](i)}, ^{[l]T}, ^{(i)}

    def _split(self, post: Node) -> Node:
        if post.kind != "postfix" or not post.scripts:
            return post
        out, changed = [], False
        for s in post.scripts:
            parts = _script_parts(s) if s[0] == "sup" else None
            if parts is None and s[0] == "sup":
                parts = self._sample_parts(s[1])
            if parts is None:
                out.append(s)
                continue
            changed = True
            for kind, arg in parts:
                if kind == "sample":
                    self.sample_letters.add(plain_text(arg) or "")
                    out.append(("sub", arg))
                    post = capital_of_sample(post, self.roles)
                else:
                    out.append((kind, arg))
        if not changed:
            return post
        return Node("postfix", post.args, post.pos, tuple(out), post.text)

    def _sample_parts(self, sarg: Node):
        """Nielsen's ^{x,l} (sample x, layer l) and Ng's ^{(i)} (sample i), or None."""
        inner = items_of(sarg) if sarg.kind == "sbrace" else []
        if len(inner) == 2 and plain_text(inner[0]) == self.sample_letter:
            return [("sample", Node("sbrace", (Node("list", (inner[0],)),), sarg.pos)),
                    ("sup", Node("sbrace", (Node("list", (inner[1],)),), sarg.pos))]
        items = juxt_items(inner[0]) if len(inner) == 1 else None
        if self.sample_sup and items and len(items) == 1 and items[0].kind == "postfix" and not items[0].scripts \
                and items[0].args[0].kind == "paren":
            return [("sample", _paren_script(items[0]))]
        return None

    def loss(self, reduced=True):
        if self.cost is None or self._in_cost:
            # a loss letter inside the cost's own definition (Goodfellow's J = L(\hat{y}, y) + \lambda
            # \Omega, d2l's J = L + s) is the per-sample loss: an arbitrary function of the outputs, not
            # the cost again (reading it as the cost recursed without end: "nested too deeply")
            return super().loss(reduced)
        from .interpret import Interpreter

        node, src = self.cost
        self._in_cost = True
        try:
            v = Interpreter(self, src).value(node)
        finally:
            self._in_cost = False
        return v * self.batch if (not reduced and self.batch > 1) else v

    def full_gradient(self, thunk, interp):
        """\\nabla C: the column of derivatives by every weight and bias, in a fixed order."""
        body = thunk()
        if is_mat(body):
            raise interp.err("\\nabla without a subscript is the gradient of a scalar", None)
        params = [v for l in sorted(self.W) for v in list(self.W[l]) + list(self.b[l])]
        return self._d(body, sp.Matrix(params), interp)

    def resolve(self, post, interp):
        post = self._split(post)
        got = super().resolve(post, interp)
        if got is not None or post.kind != "postfix":
            return got
        key = atom_key(post)
        if key is not None and ((not key[1] and key[0] in self.loss_letters and not post.scripts)
                                or (post.text or "").strip() == self.profile.template("loss")):
            return "loss", None, []       # the notation's other cost letters (Ng's J beside L), C_0
        if self.profile.extra("bare_layer") == "L":
            subs = [plain_text(s[1]) or "" for s in decor_scripts(post) if s[0] == "sub"]
            kronecker = len(subs) == 1 and len(subs[0].replace(",", "")) == 2 and subs[0].replace(",", "").isalpha()
            for ent in self.roles:
                if ent.role == "delta" and kronecker and len(decor_scripts(post)) == 1:
                    continue      # \delta_{jk}: two unit indices and no layer, the Kronecker delta
                if ent.key == key and ent.layer_pos is not None and ent.label is None:
                    return ent.role, self.depth_L, list(decor_scripts(post))
        return None

    def scalar_symbol(self, post, interp):
        post = self._split(post)
        key = atom_key(post)
        count = self.profile.extra("samples")
        if key is not None and count and key == (count, False) and not post.scripts:
            return sp.Integer(self.batch), []
        if key is not None and not key[1] and key[0] in self.loss_letters:
            subs = [s for s in post.scripts if s[0] == "sub"]
            if subs and (plain_text(subs[0][1]) or "") in (self.sample_letters | {self.sample_letter}):
                return self.sample_loss(interp.index_label(subs[0][1])), [s for s in post.scripts if s is not subs[0]]
        return super().scalar_symbol(post, interp)

    def sample_loss(self, index: str):
        if not index.isdigit() or not 1 <= int(index) <= self.batch:
            raise OutOfRange("sample")
        _, A = self.forward()
        n = int(index) - 1
        return self.spec.loss_entry.sample_loss(list(A[self.depth_L][:, n]), list(self.Y[:, n]))

    def role_value(self, role, layer):
        v = super().role_value(role, layer)
        if role == "weight" and getattr(self.spec, "stored", "out_in") == "in_out" and is_mat(v):
            v = v.T     # the text stores W^l as n_{l-1} x n_l (Z = A W, h = \Phi(W^T x)): its W is our W^T
        if role == "bias" and self.row_layout and self.batch == 1 and is_mat(v) and v.shape[1] == 1:
            v = v.T     # one sample as a row (Goldberg's x W^1 + b^1): its bias is a row too
        if self.implicit_sample and is_mat(v) and role in ("act", "preact", "delta", "input", "target", "output") \
                and v.shape[1] == self.batch:
            return v[:, self.indices[self.implicit_sample] - 1]
        if self.implicit_sample and role == "loss":
            return self.sample_loss(str(self.indices[self.implicit_sample]))
        return v

    def sum(self, var, lo, hi, rest, interp, node):
        implicit = hi is None and lo is None and var == self.sample_letter and var not in self.sample_letters
        if not implicit:
            return super().sum(var, lo, hi, rest, interp, node)
        # Nielsen's \sum_x: every quantity in the summand is that of sample x
        saved = self.implicit_sample
        total = sp.Integer(0)
        try:
            for n in range(1, self.batch + 1):
                self.indices[var] = n
                self.implicit_sample = var
                total = interp.alg.add(total, interp.juxt(rest))
        finally:
            self.implicit_sample = saved
            self.indices.pop(var, None)
        return total

    # -- functions: the profile's activation letters, and the loss written as L(a, y)

    def _loss_call(self, key) -> bool:
        # the cost letter applied to its arguments (L(\hat{y}, y)), or d2l's and CS231n's per-sample loss l(o, y),
        # \ell(\hat{y}, y): applied, never as a bare letter (a bare l is a layer's index)
        return key is not None and not key[1] and (key[0] in self.loss_letters or key[0] in ("l", "\\ell", "ell"))

    def _user_function(self, key) -> bool:
        return key[0].lstrip("\\") in getattr(getattr(self, "defs", None), "functions", {})

    def _is_loss_call(self, key) -> bool:
        """The loss applied to arguments; l(...) or \\ell(...) only where no definition makes it a function."""
        return self._loss_call(key) and not (key[0] not in self.loss_letters and self._user_function(key))

    def is_function_name(self, key, post):
        if self._is_loss_call(key):
            return True
        return super().is_function_name(key, post)

    def function(self, key, post, interp):
        if self._is_loss_call(key):
            ctx = self

            def loss(*args):
                return ctx.role_value("loss", None)
            loss.multi = True
            loss.is_loss = True
            return loss, key[0]
        return super().function(key, post, interp)

    # -- gradients written dW, dZ^{[l]}, db

    def gradient_prefix(self, items, i, interp):
        """dW^{[l]} = dJ/dW^{[l]} and dZ^{[l]} = d(sum of the losses)/dZ^{[l]}, or None."""
        if self.profile.extra("gradients") != "d" or i + 1 >= len(items):
            return None
        it, nxt = items[i], items[i + 1]
        if it.kind != "postfix" or it.args[0].kind != "letter" or str(it.args[0].args[0]) != "d" or it.scripts:
            return None
        got = self.resolve(nxt, interp) if nxt.kind == "postfix" else None
        if got is None or got[0] not in ("weight", "bias", "preact", "act", "input", "output"):
            return None
        mean = got[0] in ("weight", "bias")
        return self.derivative(lambda: self.loss(reduced=mean), self._split(nxt), 1, interp, it)


def _script_parts(s):
    """Ng's ^{[l](i)} and ^{[l] T}, Goodfellow's ^{(k)\top}: a layer, a sample and a transpose in one
    superscript (a sample only after a bracketed layer: ^{(k)(i)} has no reading)."""
    sarg = s[1]
    if sarg.kind != "sbrace":
        return None
    inner = items_of(sarg)
    items = juxt_items(inner[0]) if len(inner) == 1 else None
    if not items or len(items) < 2 or items[0].kind != "postfix" or items[0].args[0].kind not in ("bracket", "paren") \
            or items[0].scripts:
        return None
    bracket = items[0].args[0].kind == "bracket"
    parts = [("sup", _as_script(items[0]))]
    for it in items[1:]:
        if bracket and it.kind == "postfix" and it.args[0].kind == "paren" and not it.scripts:
            parts.append(("sample", _paren_script(it)))
        elif plain_text(it) == "T" or (it.kind == "postfix" and it.args[0].kind == "top" and not it.scripts):
            parts.append(("sup", Node("stop", (it.text,), it.pos)))
        else:
            return None
    return parts


def _paren_script(post: Node) -> Node:
    """The script of a sample written (i): the letter i, or the group's contents."""
    from .tokens import Token

    t = plain_text(Node("brace", post.args[0].args, post.pos))
    if t and len(t) == 1 and t.isalpha():
        return Node("sletter", (Token("LETTER", t, *post.pos),), post.pos)
    return Node("sbrace", post.args[0].args, post.pos)


def _as_script(post: Node) -> Node:
    from .groups import wrap_sbrace

    return wrap_sbrace(post, post.pos)


# ---------------------------------------------------------------------------------------------
# Deciding, and naming the activations and losses a claim is true for


def _holds(claim, spec, givens, seed, profile, witnesses, make=None) -> bool:
    """Whether the claim holds on these witnesses (a quick look at one witness first)."""
    from .network import check_network

    make = make or GenericNetworkContext
    try:
        # only the verdict counts here: no hint, no constant factor named where it fails
        quick = check_network(claim, spec, givens=givens, seed=seed, profile=profile, witnesses=witnesses[:1],
                              points=1, make_ctx=make, hint=False, name_ratios=False)
        if quick.verdict != "holds":
            return False
        full = check_network(claim, spec, givens=givens, seed=seed, profile=profile, witnesses=witnesses,
                             make_ctx=make, hint=False, name_ratios=False)
    except Exception:  # noqa: BLE001 - a pair that cannot be built is not a condition
        return False
    return full.verdict == "holds"


def _output_names(names, witnesses) -> tuple:
    """The output activations a condition may name on these witnesses: a softmax over one output unit
    is the constant 1 (every derivative through it is 0), so a claim "holding" there says nothing."""
    return tuple(n for n in names if n != "softmax" or min(w[-1] for w in witnesses) > 1)


def _per_term(batch: str) -> list[str]:
    """One loss per per-sample term, the one reducing the batch as the notation does (Nielsen's,
    Ng's and Goodfellow's costs average over the samples: a condition must not assume a sum)."""
    from ..primitives import LOSSES

    chosen: dict = {}
    for loss, entry in LOSSES.items():
        if loss == "sparse_cce":
            continue
        if entry.term not in chosen or (entry.batch == batch and LOSSES[chosen[entry.term]].batch != batch):
            chosen[entry.term] = loss
    return list(chosen.values())


def _distinct_losses(batch: str = "sum"):
    from ..primitives import LOSSES

    return [loss for loss in _per_term(batch) if not LOSSES[loss].needs_probabilities]


def _output_pairs(batch: str = "sum"):
    """(output activation, loss) pairs the engine supports, one loss per per-sample term."""
    from ..errors import SpecError
    from ..spec import build_spec

    out = []
    for loss in _per_term(batch):
        for act in ("linear", "sigmoid", "tanh", "relu", "softmax"):
            try:
                build_spec([2, 2], [act], loss)
            except (SpecError, KeyError, ValueError):
                continue
            out.append((act, loss))
    return out


def check_generic_network(claim: str, profile, givens=(), seed: int = 20261122, layout: str = "column",
                          stored: str = "out_in", depth: int | None = None, cost_only: bool = False):
    """A network claim without a spec, on generic witness networks in the profile's letters (in the
    layout given, with the weights stored as given: see chain_notation). ``cost_only``: the givens
    are the user's own and state no forward pass (the output activation is then free to name)."""
    from ..primitives import LOSSES
    from ..spec import Activation
    from .compare import NotCheckable, Result
    from .network import check_network
    from .syntax import parse

    t0 = time.perf_counter()
    rel = parse(claim)
    if "\\in" in relation_parts(rel)[1]:
        from .compare import ClaimError

        raise ClaimError("a shape claim (\\in \\mathbb{R}^{m \\times n}) is about a network's own widths:"
                         " give --spec")
    strong, _ = notation_score(rel, profile)
    witnesses = LAYERED_WITNESSES if _layered(rel, profile) else (
        NEURON_WITNESSES if free_index_letters(rel) else SCALAR_NEURON)
    top = _numeric_layers(rel, profile)
    if top:
        # \delta^{2} = a^{2} - y: a claim with numbered layers is about a network that has them; with
        # the target or the cost in it, its last numbered layer is the output
        ends = "target" in _roles_used(rel, profile) or "loss" in _roles_used(rel, profile)
        witnesses = tuple(_widths(d) for d in ((top,) if ends else (top, top + 1)))
    if top and (given_top := givens_top_layer(givens, profile)) > top:
        witnesses = (_widths(given_top),)    # A^{[2]} = \sigma(Z^{[2]}) given: the network has layer 2 as well
    if depth:
        witnesses = (_widths(depth),)    # the forward pass given says how deep the network is
    if profile.extra("width") == "1":
        # 3Blue1Brown's chain of single neurons (its cost squares the one output): every layer is one unit
        witnesses = tuple((1,) * len(w) for w in witnesses)
    letter = profile.template("activation").split("^")[0]
    cost = profile.template("loss")
    batch = profile.extra("batch") or "sum"
    spec = generic_spec(witnesses[0], letter, cost, batch, layout=layout, stored=stored)
    sides, ops = relation_parts(rel)
    make = GenericNetworkContext
    only_cost = False            # the givens define the cost and nothing else (not the forward pass)
    one_output = False           # the given cost is a number only for one output unit
    cost_left = 0                # how many of the givens left define the cost
    if _is_cost_letter(sides[0], profile) and ops and ops[0] in ("=", "\\equiv", ":="):
        # C = \frac{1}{2}\|y - a^L\|^2 = ...: the claim defines the cost; the rest is checked with it
        if len(sides) == 2:
            return Result(claim, "not-checkable", notes=[f"a definition of the cost {cost}: nothing to check"
                                                         " (later claims can use it with --given)"])
        node, src = sides[1], rel.source
        make = functools.partial(GenericNetworkContext, cost=(node, src))
        claim = rel.source[rel.source.index(str(ops[0])) + len(str(ops[0])):]
    elif _given_cost(givens, profile) is not None:
        # the cost is the one a --given defines: the claim is checked with it, no other cost is a condition;
        # a layer letter it is written at (CS229's J = 1/2 (z^{[r]} - y)^2) is the output layer
        cost_node = _given_cost(givens, profile)
        only_cost = cost_only and len(givens) == 1
        from .network_letters import layer_letters

        ends = sorted(layer_letters(cost_node[0], profile))
        if ends:
            profile = replace(profile, extras=profile.extras + (("output_letter", " ".join(ends)),))
        make = functools.partial(GenericNetworkContext, cost=cost_node)
        calls = _cost_calls(givens, profile)
        givens = [g for g in givens if g not in calls]
        cost_left = 0 if calls else 1     # a cost written as a call (L(\hat{y}, y) = ...) is not a given now
        value, params = _given_cost_value(make, spec, witnesses[0], profile) or (None, set())
        if value is not None and not (getattr(value, "free_symbols", set()) & params):
            # J in Ng's per-example letters (a^{[2](i)}) beside a claim in his capitals: as read here the cost
            # does not depend on the network, so every derivative of it would be 0
            raise NotCheckable(f"the cost {cost} as given does not depend on the network as its letters are read"
                               " here (write it in the letters of the claim)")
        if value is not None and is_mat(value) and value.shape[0] * value.shape[1] > 1:
            # -y \log \hat{y} - (1-y)\log(1-\hat{y}) with no sum over the units: a number only when the
            # network has one output (Ng's binary classifier), so that is the network it is about
            witnesses = tuple(tuple(w[:-1]) + (1,) for w in witnesses)
            spec = generic_spec(witnesses[0], letter, cost, batch, layout=layout, stored=stored)
            one_output = True
    from .network_givens import absorb_network_givens

    # a^{[k]} = \operatorname{ReLU}(z^{[k]}): a given defining a network quantity says what the network is
    generic_acts = spec.activations
    told = len(givens)
    spec, givens, given_notes = absorb_network_givens(givens, spec, profile, seed, witnesses, make)
    concrete = spec.activations != generic_acts
    # Ng's A^{[1]} = \tanh(Z^{[1]}) with A^{[2]} = \sigma(Z^{[2]}): the output's activation is still free to name
    fixed_out = concrete and spec.activations[-1] != generic_acts[-1]
    # a given that is the notation's own definition (a^L = \sigma(z^L) with \sigma generic) fixes nothing
    only_cost = only_cost or (cost_only and isinstance(make, functools.partial) and len(givens) == cost_left < told
                              and len(given_notes) == told - cost_left)
    if concrete:
        letter = spec.activations[0].entry.title
    r = check_network(claim, spec, givens=givens, seed=seed, profile=profile, witnesses=witnesses,
                      make_ctx=make)
    r.notes.extend(given_notes)
    if one_output:
        r.notes.append(f"the cost {cost} as given has no sum over the output units: it is a number only for a"
                       " network with one output unit, so it was checked on such networks")
    source = profile.description.split(":")[0]
    where = "nnderive's default notation" if profile.name == "default" else f"the notation of {source}"
    costs = f"the cost {cost} as defined" if isinstance(make, functools.partial) else f"any cost {cost} of the outputs"
    what = f"a generic network in {where}: " + (f"the activation the {letter}, {costs}" if concrete else
                                                   f"any differentiable activation {letter}, {costs}")
    if r.verdict == "holds":
        r.method = f"{r.method}; {what}"
        return r
    if r.verdict != "fails":
        r.notes.append(f"read as a claim about {what}")
        return r
    pinned = at_output_layer(claim, rel, profile) if not r.convention else None
    if pinned is not None and _holds(pinned[0], spec, givens, seed, profile, witnesses, make):
        # Goodfellow's \hat{y} = h^{(l)} (his l is the depth): true exactly when the free layer is the output
        cond = f"{pinned[1]} is the output layer ({pinned[1]} = L)"
        return Result(claim, "conditional", f"it fails at the other layers of {what}, and holds when {cond}",
                      r.notes, condition=cond, seconds=r.seconds)
    if only_cost and not r.convention and not concrete:
        # only the cost is given (C = 1/2 ||y - a^L||^2): a claim true only for some output activation under
        # that cost names it (delta^L = a^L - y: linear outputs), never an output paired with another cost;
        # a given forward pass with a concrete activation (a^l = ReLU(z^l)) fixes it, so nothing is searched then
        for name in _output_names(("linear", "sigmoid", "tanh", "softmax"), witnesses):
            out = Activation(name).resolved(Conventions())
            if _holds(claim, replace(spec, activations=spec.activations[:-1] + (out,)), givens, seed, profile,
                      witnesses, make):
                cond = f"{out.entry.title} outputs (with the cost {cost} as defined)"
                return Result(claim, "conditional", f"it fails for {what}, and holds on the same witnesses for:"
                              f" {cond}", r.notes, condition=cond, seconds=r.seconds)
    if isinstance(make, functools.partial) or r.convention or fixed_out:
        # the cost or the output's activation is given, or the slip is named: no condition but one-hot targets
        from .target_kinds import one_hot_result
        return one_hot_result(r, spec, what, lambda t: _holds(claim, t, givens, seed, profile, witnesses, make),
                              isinstance(make, functools.partial), lambda res: explain_network(
                                  res, spec, givens=givens, seed=seed, make_ctx=make, witnesses=witnesses, profile=profile))
    holds_for = []
    general = []       # losses for which the claim holds whatever the output activation
    for loss in _distinct_losses(batch):
        sp_l = generic_spec(witnesses[0], letter, cost, output=None, loss=LOSSES[loss], layout=layout, stored=stored)
        if _holds(claim, sp_l, givens, seed, profile, witnesses):
            general.append(loss)
            holds_for.append(f"the {LOSSES[loss].title} cost (any output activation)")
    # a claim with no cost and no target in it (\sigma'(z) = \sigma(z)(1 - \sigma(z))) is about the activation
    # alone: pairing it with every loss would name conditions it does not have
    about_cost = bool(_roles_used(rel, profile) & {"target", "loss"})
    for act, loss in _output_pairs(batch) if about_cost else ():
        if loss in general or not _output_names((act,), witnesses):
            continue
        out = Activation(act).resolved(Conventions())
        sp_c = generic_spec(witnesses[0], letter, cost, output=out, loss=LOSSES[loss], layout=layout,
                            stored=stored)
        sp_c = replace(sp_c, activations=spec.activations[:-1] + sp_c.activations[-1:])   # hidden ones as given
        if _holds(claim, sp_c, givens, seed, profile, witnesses):
            holds_for.append(f"{out.entry.title} outputs with {LOSSES[loss].title}")
    if not holds_for and not concrete:
        # a claim true for one activation in every layer (Bishop's (5.66), 1 - z_j^2 for tanh hidden units)
        for name in ("sigmoid", "tanh", "softplus", "silu", "gelu"):
            # smooth ones only: a missing activation-derivative factor "holds" for linear layers (and ReLU)
            act = Activation(name).resolved(Conventions())
            trial = replace(spec, activations=(act,) * len(spec.activations))
            if _holds(claim, trial, givens, seed, profile, witnesses):
                holds_for.append(f"every layer's activation the {act.entry.title} (any cost {cost})")
                break
    for act in dict.fromkeys(a for a, _ in _output_pairs(batch)) if not (about_cost or holds_for) else ():
        # the softmax Jacobian a_p(\delta_{pq} - a_q): an output activation, whatever the cost
        out = Activation(act).resolved(Conventions())
        if _output_names((act,), witnesses) and _holds(claim, replace(
                spec, activations=spec.activations[:-1] + (out,)), givens, seed, profile, witnesses):
            holds_for.append(f"{out.entry.title} outputs (any cost {cost})")
    if holds_for:
        cond = "; ".join(holds_for)
        return Result(claim, "conditional", f"it fails for {what}, and holds on the same witnesses for: {cond}",
                      r.notes, condition=cond, seconds=r.seconds)
    r.notes.append(f"read as a claim about {what}; it holds for none of the engine's output activations"
                   " and losses either")
    r.seconds = time.perf_counter() - t0
    return explain_network(r, spec, givens=givens, seed=seed, make_ctx=GenericNetworkContext,
                           witnesses=witnesses, profile=profile)
