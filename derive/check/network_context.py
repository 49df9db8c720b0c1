"""What a network claim's letters mean: a notation profile's W, b, z, a, x, y, L and delta as explicit matrices."""

from __future__ import annotations

import sympy as sp

from ..engine import NI
from .compare import NotCheckable
from .context import ScalarContext, index_as_number
from .interpret import Interpreter
from .pointdiff import BoundSymbol, derivative_matrix
from .roles import activation_spelling, profile_roles
from .syntax import LatexError, Node, OutOfRange, ShapeMismatch
from .tree import _is_label, _letters_of, atom_key, decor_scripts, items_of, juxt_items, plain_text
from .values import is_mat, norm
from .witness import activation_fn, differentiate, error_terms, forward, shared_parts

# ---------------------------------------------------------------------------------------------
# Network claims


PROFILE_FUNCTIONS = {  # letters a profile's articles use for activations, beyond the template
    "article004": {"R": "relu", "g": "output"},
    "article003": {"purelin": "linear"},
}
SAMPLE_LETTERS = {"default": "n", "article000": "k", "article003": "n", "article004": "k"}


def _layer_then_indices(sarg: Node):
    """W_{1,jk} (article 004's layer subscript, then the entry): (the layer's script, the indices'
    script) or (sarg, None) when the subscript is the layer alone."""
    inner = items_of(sarg) if sarg.kind == "sbrace" else []
    if len(inner) < 2:
        return sarg, None
    return (Node("sbrace", (Node("list", (inner[0],)),), sarg.pos),
            Node("sbrace", (Node("list", tuple(inner[1:])),), sarg.pos))


_SAMPLE_ROLES = ("preact", "act", "input", "target", "output", "delta")   # one column per sample


class NetworkContext(ScalarContext):
    """Meaning for network claims: the profile's symbols are explicit matrices of one witness."""

    network = True
    # derivatives of network quantities decided at the sample points (``pointdiff``); a worked
    # example, which substitutes numbers into the values, turns this off
    point_derivatives = True

    def __init__(self, spec, widths, batch, profile, defs=None, seed=0):
        super().__init__(defs, spec.conventions.relu_prime_at_zero)
        self.spec_source = spec
        self.spec = spec.with_widths(tuple(widths))
        self.widths = tuple(widths)
        self.depth_L = len(widths) - 1
        self.batch = batch
        # row layout (CS231n, numpy): one sample per row, so x, z, a, y and delta are N x n; W keeps its
        # stored n_l x n_{l-1} shape and b its column, added to every row
        self.row_layout = spec.conventions.layout == "row"
        self.profile = profile
        self.roles = profile_roles(profile)
        self.act_key, self.act_pos = activation_spelling(profile)
        self.extra_funcs = PROFILE_FUNCTIONS.get(profile.name.split("+")[0], {})
        self.sample_letter = profile.extra("sample_letter") or SAMPLE_LETTERS.get(profile.name.split("+")[0], "n")
        self.sample_letters: set[str] = set()
        self.cut: tuple | None = None
        self.cut_syms: dict = {}
        self._forward_cache: dict = {}
        self._delta_cache: dict = {}
        self._common: dict = {}
        shared = shared_parts(self)
        if shared is not None:
            self._forward_cache, self._delta_cache, self._common = shared
        if "params" in self._common:
            self.X, self.Y, self.W, self.b = self._common["params"]
            for s in self.param_symbols():
                self.symbols_made[s.name] = s
        else:
            self._build_params()
            self._common["params"] = (self.X, self.Y, self.W, self.b)

    def _share_key(self):
        """What the forward pass and the error terms depend on (``witness.shared_parts``), or None."""
        return (type(self), id(self.spec_source), self.widths, self.batch)

    # -- the network

    def _build_params(self):
        w, B = self.widths, self.batch
        S = self.sym
        self.X = sp.Matrix(w[0], B, lambda k, n: S(f"x_{k + 1}_{n + 1}"))
        self.Y = sp.Matrix(w[-1], B, lambda i, n: S(f"y_{i + 1}_{n + 1}"))
        self.W, self.b = {}, {}
        for l in range(1, self.depth_L + 1):
            self.W[l] = sp.Matrix(w[l], w[l - 1], lambda j, k, l=l: S(f"w{l}_{j + 1}_{k + 1}"))
            self.b[l] = sp.Matrix(w[l], 1, lambda j, _, l=l: S(f"b{l}_{j + 1}"))

    def param_symbols(self) -> list:
        out = list(self.X) + list(self.Y)
        for l in self.W:
            out += list(self.W[l]) + list(self.b[l])
        return out

    def act_fn(self, l: int):
        return activation_fn(self, l)

    def forward(self):
        """Z, A (dicts by layer) under the current cut (``witness.forward``)."""
        return forward(self)

    def loss(self, reduced=True):
        Z, A = self.forward()
        return self._loss_of(A[self.depth_L], reduced)

    def _loss_of(self, out, reduced=True):
        entry = self.spec.loss_entry
        total = sp.Add(*[entry.sample_loss(list(out[:, n]), list(self.Y[:, n])) for n in range(self.batch)])
        if reduced and self.spec.conventions.batch == "mean":
            total = total / self.batch
        return total

    def spec_loss(self) -> bool:
        """Whether the loss is the spec's (``_loss_of`` of the outputs), not one the claim defines."""
        return True

    def _error_terms(self):
        """Every layer's error term from one sweep (``witness.error_terms``), or None."""
        if "all" not in self._delta_cache:
            self._delta_cache["all"] = error_terms(self) if self.point_derivatives and self.spec_loss() else None
        return self._delta_cache["all"]

    def delta(self, l: int):
        """The engine's error term: d(sum of the samples' losses)/dz^l (no 1/N), by differentiating
        the loss (never from BP2's formula); cached per layer, since a claim and its sides ask again.
        The derivative is decided at the sample points by a reverse sweep over the loss's graph
        (``pointdiff``): sympy.diff of the nested loss grows exponentially with the depth (22 s for
        delta^1 at depth 6)."""
        cache = self._delta_cache
        key = (l, self.cut, tuple(self.cut_syms[self.cut]) if self.cut else ())
        if key not in cache:
            cache[key] = self._delta_out(l)
        return cache[key]

    def _delta_out(self, l: int):
        if self.cut is None:
            terms = self._error_terms()
            if terms is not None:
                return terms[l]
        saved = self.cut
        Z0, _ = self.forward()
        key = ("preact", l)
        syms = sp.Matrix(Z0[l].shape[0], Z0[l].shape[1], lambda i, n: BoundSymbol(f"z{l}_{i}_{n}", Z0[l][i, n]))
        self.cut, self.cut_syms = key, {key: syms}
        self._forward_cache.pop(key, None)
        try:
            Lsum = self.loss(reduced=False)
        finally:
            self.cut = saved
        back = {s: v for s, v in zip(syms, Z0[l])}
        self._forward_cache.pop(key, None)
        if self.point_derivatives:
            d = derivative_matrix(Lsum, syms, tuple(back.items()))
            if d is not None:
                return d
        d = syms.applyfunc(lambda s: sp.diff(Lsum, s))
        return d.applyfunc(lambda e: e.xreplace(back))

    # -- symbols

    def _layer(self, sarg, interp) -> int:
        t = plain_text(sarg)
        if t == "L" or (t and len(t) == 1 and t.isupper() and t not in self.indices and t not in ("T", "N")):
            return self.depth_L    # L, or another capital for the last layer (Hagan's M)
        if t is not None and t.isdigit():
            return int(t)
        sub = ScalarContext()
        sub.indices = dict(self.indices)
        sub.indices["L"] = self.depth_L
        for letter in self.profile.extra("output_letter").split():
            sub.indices[letter] = self.depth_L      # CS229's r: the layer its cost is defined at
        v = Interpreter(sub, interp.src).script_value(sarg)
        if is_mat(v) or not v.is_Integer:
            raise interp.err("a layer must be a number, L, or an index letter", sarg)
        return int(v)

    def resolve(self, post: Node, interp):
        """(role, layer, remaining scripts) for an atom of the profile, or None."""
        key = atom_key(post)
        if key is None:
            return None
        scripts = list(decor_scripts(post))
        best = None
        for ent in self.roles:
            if ent.key != key:
                continue
            rest = list(scripts)
            layer = None
            literal = False
            ok = True
            if ent.label is not None:
                hit = [s for s in rest if s[0] == "sup" and plain_text(s[1]) == ent.label]
                if not hit:
                    continue
                rest.remove(hit[0])
            if ent.layer_pos is not None:
                hit = [s for s in rest if s[0] == ent.layer_pos and not _is_label(s[1])
                       and not (s[0] == "sup" and plain_text(s[1]) == "T")]
                if not hit:
                    ok = False
                else:
                    sarg, more = _layer_then_indices(hit[0][1]) if ent.layer_pos == "sub" else (hit[0][1], None)
                    layer = self._layer(sarg, interp)
                    if ent.role in ("preact", "act", "delta") and not (plain_text(sarg) or "x").isupper():
                        # UFLDL numbers the input layer 1 (z^{(l+1)} = W^{(l)} a^{(l)} + b^{(l)})
                        layer -= int(self.profile.extra("node_shift") or 0)
                    literal = (plain_text(sarg) or "").isdigit()
                    at = rest.index(hit[0])
                    rest[at:at + 1] = [("sub", more)] if more is not None else []
            if not ok:
                continue
            if any(s[0] == "sup" and _is_label(s[1]) for s in rest):
                continue
            score = len(scripts) - len(rest)
            if best is None or score > best[0]:
                best = (score, ent.role, layer, rest, literal)
        if best is None:
            return None
        if best[4]:
            self._check_literal_layer(best[1], best[2], post, interp)
        return best[1], best[2], best[3]

    def _check_literal_layer(self, role, layer, post, interp):
        """A layer written as a number (W^{3}) must exist: a user error, not an index range to search."""
        L = self.depth_L
        lo = 0 if role == "act" else 1
        if role in ("weight", "bias", "preact", "delta", "act") and not lo <= layer <= L:
            name = (post.text or self.profile.symbol(role, layer)).strip()
            extra = f" (and {self.profile.symbol('act', 0)}, the input)" if role == "act" else ""
            raise interp.err(f"{name} does not exist: the network has layers 1..{L}{extra}", post)

    def role_value(self, role, layer):
        return self._rowed(role, self._column_value(role, layer))

    def _column_value(self, role, layer):
        """A role's value with one sample per column (the engine's layout)."""
        L = self.depth_L
        Z, A = self.forward()
        if role in ("weight", "bias", "preact", "delta") and not (layer is not None and 1 <= layer <= L):
            raise OutOfRange(f"layer {layer}")
        if role == "act" and not (layer is not None and 0 <= layer <= L):
            raise OutOfRange(f"layer {layer}")
        if role == "weight":
            return self.W[layer]
        if role == "bias":
            return self.b[layer] if self.batch == 1 else self.b[layer]
        if role == "preact":
            return Z[layer]
        if role == "act":
            return A[layer]
        if role == "input":
            return A[0]
        if role == "target":
            return self.Y
        if role == "output":
            return A[L]
        if role == "loss":
            return self.loss()
        if role == "delta":
            return self.delta(layer)
        raise OutOfRange(role)

    def scalar_symbol(self, post, interp):
        key = atom_key(post)
        got = index_as_number(self, post)
        if got is not None:
            return got
        if key == ("N", False) and not post.scripts:
            return sp.Integer(self.batch), []
        if key and key[0] == "1" or (post.args[0].kind == "decor" and key and key[0].isdigit()):
            return sp.ones(*self._ones_shape()), list(post.scripts)
        got = self.resolve(post, interp)
        if got is None:
            got = super()._scalar_symbol_base(post, interp)
            if isinstance(got[0], sp.Symbol):
                # a letter the notation does not define, read as a number: a shape it breaks decides nothing
                self.__dict__.setdefault("numbers_read", set()).add(got[0])
            return got
        role, layer, rest = got
        subs = [s for s in rest if s[0] == "sub"]
        others = [s for s in rest if s[0] != "sub"]
        if role == "loss" and len(subs) == 1 and hasattr(self.spec, "loss_entry"):
            # E_{n}: the loss of sample n alone (E = 1/N \sum_n E_n under a mean)
            idx = interp.index_label(subs[0][1])
            if not idx.isdigit():
                raise interp.err(f"the sample index {idx} is not bound (sum over it or use a number)", subs[0][1])
            if not 1 <= int(idx) <= self.batch:
                raise OutOfRange("sample")
            _, A = self.forward()
            n = int(idx) - 1
            return self.spec.loss_entry.sample_loss(list(A[self.depth_L][:, n]), list(self.Y[:, n])), others
        val = self.role_value(role, layer)
        for s in subs:
            val = self.select(val, s[1], role, interp)
        return val, others

    def undefined_numerator(self, post, var, interp):
        key = atom_key(post)
        if key == ("N", False) or self.resolve(post, interp) is not None:
            return None
        return super().undefined_numerator(post, var, interp)

    def undefined_hint(self, name: str) -> str:
        loss = self.profile.template("loss")
        return (f"it is not a symbol of the {self.profile.name} notation (whose loss is {loss});"
                f" give it with --given '{name} = ...' or choose the notation with --notation")

    def _ones_shape(self):
        return (self.batch, self.widths[-1]) if self.row_layout else (self.widths[-1], self.batch)

    def select(self, val, sarg, role, interp):
        """A subscript on a network symbol: a sample (column), a unit (row) or an entry."""
        t = plain_text(sarg)
        letters = [t] if t and len(t) == 1 and t.isalpha() else []
        idx = interp.index_label(sarg).split(",")
        if not all(x.isdigit() for x in idx):
            raise interp.err(f"the index {','.join(idx)} is not bound (sum over it or use a number)", sarg)
        nums = [int(x) for x in idx]
        if not is_mat(val):
            raise interp.err("a scalar has no entries to select", sarg)
        written = list(t) if t and len(t) == 2 and t.isalpha() else []
        by_sample = bool(written) and written[1] in (self.sample_letters | {self.sample_letter, str(NI)})
        if self.row_layout and (role in _SAMPLE_ROLES or role is None and by_sample and len(nums) == 2):
            # units are columns and samples rows: select as in the engine's layout (also for the entry
            # (\frac{\partial l}{\partial z})_{jn} of a parenthesised value, unit j of sample n)
            val = val.T
        if letters and letters[0] in self.sample_letters:
            if getattr(self, "implicit_sample", None) == letters[0] and val.shape[1] == 1:
                return val      # Nielsen's \sum_x \delta^{x,l}: the sum already took sample x's column
            if not 1 <= nums[0] <= val.shape[1]:
                raise OutOfRange("sample")
            return self._rowed(role, val[:, nums[0] - 1])
        if len(nums) == 2:
            # row layout's X_{nk} is sample n, unit k (the stored value has units in rows), unless the
            # second index is a sample letter: the profile's, or the engine's sample index, which the
            # derivation's element-wise forms write second in either layout (z_{jn})
            i, j = (nums[1], nums[0]) if self.row_layout and role in _SAMPLE_ROLES and not by_sample else nums
            if not (1 <= i <= val.shape[0] and 1 <= j <= val.shape[1]):
                raise OutOfRange("entry")
            return val[i - 1, j - 1]
        i = nums[0]
        if val.shape[0] == 1 and val.shape[1] > 1 and role == "weight":
            # one neuron's weights w_j (a row): entry j
            if not 1 <= i <= val.shape[1]:
                raise OutOfRange("entry")
            return val[0, i - 1]
        if not 1 <= i <= val.shape[0]:
            raise OutOfRange("row")
        row = val[i - 1, :]
        return self._rowed(role, norm(row))

    def _rowed(self, role, val):
        """A selection from a sample role back in the claim's layout (a sample is a row in row layout)."""
        return val.T if self.row_layout and role in _SAMPLE_ROLES and is_mat(val) else val

    # -- functions

    def is_function_name(self, key, post):
        if key is None:
            return False
        if key == self.act_key or key[0] in self.extra_funcs or key[0] in self.primitive_funcs():
            return True
        return super().is_function_name(key, post)

    def primitive_funcs(self) -> dict:
        """The letters the spec's activation derivatives are printed with (H for ReLU's step)."""
        if "_prims" not in self.__dict__:
            from .context import spec_primitive_letters

            taken = frozenset(e.key[0] for e in self.roles)
            known = self._common.setdefault("prims", {})
            if taken not in known:
                known[taken] = spec_primitive_letters(self.spec, set(taken))
            self._prims = known[taken]
        return self._prims

    def function(self, key, post, interp):
        if key is not None and key != self.act_key and key[0] not in self.extra_funcs \
                and key[0] in self.primitive_funcs():
            cls, params = self.primitive_funcs()[key[0]]
            return (lambda z, cls=cls, params=params: cls(z, *params)), key[0]
        if key == self.act_key or key[0] in self.extra_funcs:
            layer = None
            consumed = None
            if key == self.act_key and self.act_pos:
                for s in post.scripts:
                    if s[0] == self.act_pos and plain_text(s[1]) not in (None, "T") or (
                            s[0] == self.act_pos and plain_text(s[1]) is None):
                        layer = self._layer(s[1], interp)
                        consumed = self.act_pos
                        break
            name = self.extra_funcs.get(key[0])
            if name == "output":
                layer = self.depth_L
            ctx = self

            def f(z, layer=layer, name=name):
                if name not in (None, "output"):
                    from ..primitives import activation_entry

                    return activation_entry(name).apply(z, None, ctx.h0)
                lay = layer if layer is not None else ctx.infer_layer(z)
                return ctx.act_fn(lay)(z)
            f.consumes = consumed
            if layer is None and name is None:
                # f'(z^{1}): the layer is the one whose pre-activation is the argument
                def bind(arg, f=f):
                    lay = ctx.infer_layer(arg)
                    return lambda z: f(z, layer=lay)
                f.bind = bind
            return f, key[0]
        return super().function(key, post, interp)

    def _network_symbols(self) -> set:
        ms = (*self.forward()[0].values(), *self.W.values(), *self.b.values())
        return set().union(*[e.free_symbols for m in ms for e in (list(m) if is_mat(m) else [m])])

    def infer_layer(self, z) -> int:
        """Which layer's activation a bare f means: the layer whose pre-activation is the argument."""
        Z, _ = self.forward()
        for l, Zl in Z.items():
            if is_mat(z) and z.shape == Zl.shape and z == Zl:
                return l
            if not is_mat(z) and any(z == e for e in Zl):
                return l
        # the argument written out (\sigma(\sum_k w_{jk} a_k + b_j)): the last layer whose weights,
        # biases or fresh pre-activations it contains
        syms = set().union(*[e.free_symbols for e in (list(z) if is_mat(z) else [z])])
        for l in sorted(self.W, reverse=True):
            own = set(self.W[l]) | set(self.b[l]) | set(self.cut_syms.get(("preact", l), sp.Matrix()))
            if syms & own:
                return l
        if syms and not syms & self._network_symbols():
            raise NotCheckable(f"the activation is applied to {', '.join(sorted(map(str, syms)))}, none of the"
                               " network's quantities: the claim is about the activation function itself")
        raise LatexError("cannot tell which layer's activation is meant; write its layer"
                         f" ({self.profile.symbol('activation', 1)})")

    # -- sums

    def sum(self, var, lo, hi, rest, interp, node):
        hi_text = plain_text(hi) if hi is not None else None
        counts = {"N", self.profile.extra("samples") or "N"}
        batch_sum = (hi is not None and bool(counts & set(hi_text or _letters_of(hi)))) or (
            hi is None and lo is None and var == self.sample_letter)
        if var is None:
            if hi is not None and hi_text in counts:
                v = interp.juxt(rest)
                if not is_mat(v):
                    return v * self.batch
                return norm(v * sp.ones(v.shape[1], 1))
            raise interp.err("a sum needs an index, or an upper limit N for a sum over the batch", node)
        saved = self.indices.get(var)
        total = sp.Integer(0)
        counted = None       # the spelling of a symbolic count of units (s_{l+1}) as the upper limit
        if batch_sum:
            self.sample_letters.add(var)
            lo_v = int(interp.value(lo)) if lo is not None else 1
            values = range(lo_v, lo_v + self.batch)
            shift = 1 - lo_v
        else:
            lo_v = int(interp.value(lo)) if lo is not None else 1
            if hi is not None:
                sub = ScalarContext()
                sub.indices = dict(self.indices)
                hv = self._width_limit(hi, interp)
                if hv is None:
                    hv = Interpreter(sub, interp.src).script_value(hi)
                if is_mat(hv) or not hv.is_Integer:
                    if not _unit_count(hv):
                        raise interp.err("a sum over units needs a numeric upper limit or none", node)
                    # UFLDL's s_{l+1}, Mitchell's m, a K of classes: a count of units the text leaves
                    # symbolic is the width of the layer the index runs over in the witness network
                    counted = hi_text or "the upper limit"
                    hv = None
                values = range(lo_v, int(hv) + 1) if hv is not None else range(lo_v, lo_v + 64)
            else:
                values = range(lo_v, lo_v + 64)
            shift = 0
        ran_out = False
        try:
            for v in values:
                self.indices[var] = v + shift
                try:
                    term = interp.juxt(rest)
                except OutOfRange:
                    if (hi is None or counted) and not batch_sum and v > lo_v:
                        ran_out = True
                        break
                    if hi is not None and not batch_sum and v > lo_v:
                        raise ShapeMismatch(f"the sum over {var} runs to {values[-1]}, but its summand has no"
                                            f" entry {v} (the last is {v - 1})") from None
                    raise
                total = interp.alg.add(total, term)
        finally:
            if saved is None:
                self.indices.pop(var, None)
            else:
                self.indices[var] = saved
        if counted and not ran_out:
            # the summand names no unit of a layer by the index: the count is no width of the network
            raise NotCheckable(f"the sum's upper limit {counted} is no layer's width here: its index {var}"
                               " numbers no unit of a layer in the summand")
        return total

    def _width_limit(self, hi, interp):
        """n_{k} as a sum's upper limit: the width of layer k (n_{0} the inputs), or None."""
        items = juxt_items(hi.args[0]) if hi.kind == "sbrace" and len(hi.args) == 1 else None
        if not items or len(items) != 1 or items[0].kind != "postfix" or atom_key(items[0]) != ("n", False):
            return None
        subs = [sc for sc in items[0].scripts if sc[0] == "sub"]
        if len(subs) != 1 or len(items[0].scripts) != 1:
            return None
        try:
            k = interp.script_value(subs[0][1])
        except Exception:  # noqa: BLE001 - not a layer number: not a width
            return None
        if not (isinstance(k, sp.Integer) and 0 <= int(k) < len(self.widths)):
            return None
        return sp.Integer(self.widths[int(k)])

    # -- derivatives

    def derivative_variable_value(self, var, interp):
        return interp.value(var)

    def derivative(self, thunk, var, order, interp, node):
        if order != 1:
            raise NotCheckable("second derivatives of network quantities are not checked")
        got = self.resolve(var, interp) if var.kind == "postfix" else None
        if got is None:
            try:
                return super().derivative(thunk, var, order, interp, node)
            except LatexError as e:
                if getattr(e, "plain", "") != "differentiate with respect to a plain symbol":
                    raise
                p = self.profile
                raise interp.err(f"{(var.text or 'this').strip()} is not a symbol of the {p.name} notation (its"
                                 f" weights are {p.symbol('weight')}, biases {p.symbol('bias')}); write it so,"
                                 " or choose the notation with --notation", var) from None
        role, layer, rest = got
        if role in ("loss", "delta"):
            raise interp.err("cannot differentiate with respect to the loss or an error term", var)
        if any(s[0] == "sup" for s in rest):
            raise interp.err("differentiate with respect to a plain network symbol", var)
        if role in ("weight", "bias", "input", "target"):
            base = self.role_value(role, layer)
            sel = base
            for s in rest:
                sel = self.select(sel, s[1], role, interp)
            body = thunk()
            return self._d(body, sel, interp)
        # an intermediate quantity: rebuild the network with it as fresh symbols
        if role == "output":
            role, layer = "act", self.depth_L
        Z0, A0 = self.forward()
        if layer not in (Z0 if role == "preact" else A0):
            raise OutOfRange(f"layer {layer}")
        actual = Z0[layer] if role == "preact" else A0[layer]
        key = (role, layer)
        fresh = self._common.get(("cut", key)) if self.cut is None else None
        if fresh is None:
            fresh = sp.Matrix(actual.shape[0], actual.shape[1],
                              lambda i, n: BoundSymbol(f"{role}{layer}_{i}_{n}", actual[i, n], real=True))
            if self.cut is None:
                # the same symbols for every derivative by this quantity of the witness: equal bodies,
                # so one reverse sweep per point serves every entry and every context (pointdiff._one)
                self._common[("cut", key)] = fresh
        saved_cut, saved_syms = self.cut, self.cut_syms
        self.cut, self.cut_syms = key, {key: fresh}
        self._forward_cache.pop(key, None)
        try:
            sel = self._rowed(role, fresh)
            for s in rest:
                sel = self.select(sel, s[1], role, interp)
            interp._bare = False
            body = thunk()
            back = dict(zip(list(fresh), list(actual)))
            d = self._d(body, sel, interp, elementwise=getattr(interp, "_bare", False), bindings=tuple(back.items()))
        finally:
            self.cut, self.cut_syms = saved_cut, saved_syms
            self._forward_cache.pop(key, None)
        return d.applyfunc(lambda e: e.xreplace(back)) if is_mat(d) else d.xreplace(back)

    def _d(self, body, var, interp, elementwise=False, bindings=()):
        return differentiate(self, body, var, elementwise, bindings)


def _unit_count(v) -> bool:
    """Whether a sum's upper limit is a count the text leaves symbolic (one symbol: s_{l+1}, m, K, n_l)."""
    return isinstance(v, sp.Symbol)
