"""A SymPy LaTeX printer that spells nnderive's matrices, nodes and primitives in a notation profile."""

from __future__ import annotations

import re

import sympy as sp
from sympy.core.numbers import ImaginaryUnit, Infinity, NaN, NegativeInfinity, NumberSymbol
from sympy.matrices.expressions import MatAdd, MatMul, MatrixSymbol
from sympy.printing.latex import LatexPrinter

from ..matrix import Softmax
from ..numbers import _as_rational, _places, equals, fmt_decimal, number  # noqa: F401  (re-exported)
from ..primitives import Primitive, SoftmaxEntry
from .notation import Profile, profile_for

# Engine names -> (role, layer group). Order matters: dL_dW1 must not be read as a weight.
_NAME_RES = (
    (re.compile(r"^dL_d(W|b)(\d+)(?:_([a-z]+))?$"), "grad"),
    (re.compile(r"^W(\d+)$"), "weight"),
    (re.compile(r"^b(\d+)$"), "bias"),
    (re.compile(r"^Z(\d+)$"), "preact"),
    (re.compile(r"^A(\d+)$"), "act"),
    (re.compile(r"^delta(\d+)$"), "delta"),
)
_FIXED = {"X": "input", "Y": "target", "L": "loss"}
_ACCENT = re.compile(r"\\(?:vec|hat|bar|tilde|dot|ddot|check|breve|acute|grave|widehat|widetilde)\b")
_BOLD = re.compile(r"\\(?:vec|mathbf|bm|boldsymbol)\{([^{}]*)\}")


def name_role(name: str) -> tuple[str, int | None] | None:
    """The notation role and layer of an engine name (W1 -> ('weight', 1)); None if not one."""
    if name in _FIXED:
        return _FIXED[name], None
    for rx, role in _NAME_RES[1:]:
        m = rx.match(name)
        if m:
            layer = int(m.group(1))
            if role == "act" and layer == 0:
                return "input", None  # a^0 is the input itself (article 000: y^0 = x)
            return role, layer
    return None


def _top_level_subscript(s: str) -> tuple[int, int] | None:
    """(start, end) of the contents of the last top-level subscript group, if there is one."""
    depth, found, i = 0, None, 0
    while i < len(s):
        c = s[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == "_" and depth == 0 and i + 1 < len(s):
            if s[i + 1] == "{":
                d, j = 0, i + 1
                while j < len(s):
                    d += {"{": 1, "}": -1}.get(s[j], 0)
                    if d == 0:
                        break
                    j += 1
                found = (i + 2, j)
                i = j
            else:
                found = (i + 1, i + 2)
        i += 1
    return found


def element(base: str, indices: str) -> str:
    """The LaTeX of one entry of a symbol: W^{1} -> W^{1}_{jk}, W_{1} -> W_{1,jk}.

    Bold/vector decorations are dropped for entries, as article 000 writes z^i_j for the entries
    of \\vec{z}^i; a delta written as a fraction gets parentheses so the subscript is readable.
    """
    if not indices:
        return base
    if base.startswith(r"\frac"):
        return rf"\left({base}\right)_{{{indices}}}"
    b = _BOLD.sub(r"\1", base)
    sub = _top_level_subscript(b)
    if sub is not None:
        start, end = sub
        if b[start - 1] == "{":
            return b[:end] + "," + indices + b[end:]
        return b[:start] + "{" + b[start:end] + "," + indices + "}" + b[end:]
    return f"{b}_{{{indices}}}"


def _decimal(r) -> str | None:
    """A long decimal constant (GELU's 0.044715) as the decimal it came from, not 8943/200000."""
    if not isinstance(r, sp.Rational) or r.is_Integer:
        return None
    p, q = int(r.p), int(r.q)
    rest = q
    for f in (2, 5):
        while rest % f == 0:
            rest //= f
    if rest != 1 or q <= 20:
        return None
    k = 0
    while 10 ** k % q:
        k += 1
    digits = str(abs(p) * 10 ** k // q).rjust(k + 1, "0")
    return ("-" if p < 0 else "") + digits[:-k] + "." + digits[-k:]


def _has_target(m) -> bool:
    return any(s.name == "Y" for s in m.atoms(MatrixSymbol))


def _is_target_term(t) -> bool:
    """A term that is (a multiple of) a target entry y_i."""
    f = sp.Mul.make_args(t)
    return any(isinstance(x, sp.Indexed) and str(x.base.name) == "Y" or isinstance(x, sp.Symbol)
               and x.name in ("Y", "y", "__y") for x in f)


_NUCLEUS = r"(?:[A-Za-z0-9]|\\[A-Za-z]+(?:\{[^{}]*\})?)"  # x, \\alpha, \\mathbf{w}, \\hat{y}
_SCRIPT = r"(?:[A-Za-z0-9]|\{(?:[^{}]|\{[^{}]*\})*\})"
# a symbol that takes a further superscript as it is: at most a subscript, no superscript of its own
_SIMPLE = re.compile(_NUCLEUS + rf"(?:_{_SCRIPT})?")
# a symbol with scripts (W^{2}, a^{1}_{j}, \\beta^{[2]}): parenthesised with plain ( ), which keep
# their text size; \\left( \\right) would grow to the scripts' height
_SCRIPTED = re.compile(_NUCLEUS + rf"(?:[_^]{_SCRIPT})+")


def wrap(tex: str) -> str:
    """The base of a further superscript (a power, a transpose, a prime), placed so it cannot be
    misread: a letter as it is, a symbol with at most a subscript braced ({W_{2}}^{\\top}), a
    symbol with a superscript of its own in parentheses ((W^{2})^{\\top}, not {W^{2}}^{\\top}, which
    sets the T beside the 2 as if it were W^{2T}), and anything else (a fraction, a function call)
    in parentheses sized to it."""
    if re.fullmatch(r"[A-Za-z]", tex):
        return tex
    if _SIMPLE.fullmatch(tex):
        return "{" + tex + "}"
    if _SCRIPTED.fullmatch(tex):
        return f"({tex})"
    return rf"\left({tex}\right)"


def raised(base: str, script: str) -> str:
    """base^{script} with the base placed unambiguously (see wrap)."""
    return f"{wrap(base)}^{{{script}}}"


def primed(base: str) -> str:
    """base' with the base placed unambiguously (see wrap)."""
    return wrap(base) + "'"


class NNLatexPrinter(LatexPrinter):
    """LatexPrinter for nnderive expressions; every engine name is spelled through a Profile."""

    printmethod = "_nnderive_latex"

    def __init__(self, profile: Profile | None = None, settings: dict | None = None):
        s = {"mat_symbol_style": "plain", "mul_symbol": None}
        s.update(settings or {})
        super().__init__(s)
        self.profile = profile or profile_for(None)
        self._subst: dict[sp.Symbol, str] = {}

    # -- names ------------------------------------------------------------------------------

    def symbol(self, role: str, layer: int | None = None) -> str:
        return self.profile.symbol(role, layer)

    def name(self, name: str) -> str:
        """The LaTeX of an engine name: W1, b1, Z1, A1, A0, delta1, X, Y, L, dL_dW1, dL_db1_j."""
        m = _NAME_RES[0][0].match(name)
        if m:
            role = "weight" if m.group(1) == "W" else "bias"
            target = self.symbol(role, int(m.group(2)))
            if m.group(3):
                target = element(target, m.group(3))
            return rf"\frac{{\partial {self.symbol('loss')}}}{{\partial {target}}}"
        r = name_role(name)
        if r is None:
            return None
        return self.symbol(*r)

    def _print_MatrixSymbol(self, expr):
        return self.name(expr.name) or super()._print_MatrixSymbol(expr)

    def _print_Symbol(self, expr, style="plain"):
        if expr in self._subst:
            return self._subst[expr]
        named = self.name(expr.name)
        if named is not None:
            return named
        return super()._print_Symbol(expr, style)

    def _print_IndexedBase(self, expr):
        return self.name(expr.name) or super()._print_IndexedBase(expr)

    def _print_Indexed(self, expr):
        base = self._print(expr.base)
        idx = "".join(self._print(i) for i in expr.indices)
        return element(base, idx)

    def _print(self, expr, **kwargs):
        # SymPy's own constants (pi, E, oo, I) spell themselves through a `_latex` method, which a
        # printer with its own printmethod would skip (pi came out as \text{\Pi})
        if isinstance(expr, (NumberSymbol, ImaginaryUnit, Infinity, NegativeInfinity, NaN)):
            return expr._latex(self)
        return super()._print(expr, **kwargs)

    def _print_Rational(self, expr):
        # a long decimal (GELU's 0.044715, a tolerance 10^{-6}) as a reader writes it, not 8943/200000
        return number(expr) if _decimal(expr) is not None else super()._print_Rational(expr)

    def _print_Float(self, expr):
        return number(expr, digits=15)

    def _print_Sum(self, expr):
        # -sum y log a reads better than sum -y log a
        if expr.function.could_extract_minus_sign():
            return "- " + self._print(sp.Sum(-expr.function, *expr.limits))
        return super()._print_Sum(expr)

    # -- ordering of factors and terms ---------------------------------------------------------

    def _factor_key(self, f) -> float:
        """Where a factor goes in a printed product: numbers, weights, error terms, other entries,
        brackets, sums, function calls (W_jk a_k, delta_j a_k, y log a, (sum W delta) f'(z))."""
        if f.is_number:
            return 0
        if isinstance(f, sp.Add) and any(_is_target_term(t) for t in f.args):
            return 0.5  # the loss derivative first: 2 (a - y) a (1 - a)
        base = f.base if isinstance(f, sp.Pow) and not f.exp.is_negative else f
        if isinstance(base, (sp.Indexed, sp.Symbol, sp.IndexedBase)):
            name = base.base.name if isinstance(base, sp.Indexed) else base.name
            role = name_role(str(name))
            return {"weight": 1, "delta": 2}.get(role[0] if role else "", 3)
        if isinstance(f, sp.Add) or isinstance(f, sp.KroneckerDelta):
            return 4
        if isinstance(f, sp.Sum):
            return 5
        return 6

    def _oriented(self, e):
        """(sign, e') with e = sign * e' and e' the way articles write a difference: 1 - a rather
        than a - 1, a - y (prediction minus target) rather than y - a."""
        if not isinstance(e, sp.Add):
            return 1, e
        const = [t for t in e.args if t.is_number]
        if const:
            return (-1, -e) if all(c.is_negative for c in const) else (1, e)
        targets = [t for t in e.args if _is_target_term(t)]
        if targets and all(not t.could_extract_minus_sign() for t in targets) and len(targets) < len(e.args):
            return -1, -e
        return 1, e

    def _print_Add(self, expr, order=None):
        # positive terms first (1 - a, not -a + 1); a positive sum before single terms (sum W a + b),
        # a subtracted sum after them (2 a^2 - 2 a y - a sum ...)
        terms = sorted(self._as_ordered_terms(expr, order=order),
                       key=lambda t: (t.could_extract_minus_sign(), t.has(sp.Sum) == t.could_extract_minus_sign()))
        return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")

    # -- matrix nodes -------------------------------------------------------------------------

    def _hadamard_factors(self, expr) -> tuple[int, list]:
        """(sign, factors): the backpropagated product first, then the loss derivative, then the
        rest, each difference oriented as in the scalar form (a - y, 1 - a)."""
        sign, out = 1, []
        for f in expr.args:
            if isinstance(f, MatAdd):
                terms = list(f.args)
                tgt = [t for t in terms if _has_target(t)]
                const = [t for t in terms if not t.atoms(MatrixSymbol)]
                if tgt and len(tgt) < len(terms):
                    flip = all(not t.could_extract_minus_sign() for t in tgt)
                else:
                    flip = bool(const) and all(t.could_extract_minus_sign() for t in const)
                if flip:
                    sign = -sign
                    f = MatAdd(*[-t for t in terms])
            out.append(f)

        def key(f):
            if isinstance(f, MatMul) and any(name_role(m.name)[0] == "weight" for m in f.atoms(MatrixSymbol)
                                             if name_role(m.name)):
                return 0
            return 1 if _has_target(f) else 2

        out.sort(key=key)
        return sign, out

    def _print_HadamardProduct(self, expr):
        sign, factors = self._hadamard_factors(expr)
        if sign < 0:
            factors = list(expr.args)
        return r" \odot ".join(self._paren(a, products=True) for a in factors)

    def _print_MatMul(self, expr):
        coeff, mats = expr.as_coeff_mmul()
        mats = list(mats.args) if isinstance(mats, MatMul) else [mats]
        if len(mats) == 1 and isinstance(mats[0], sp.HadamardProduct):
            sign, factors = self._hadamard_factors(mats[0])
            coeff *= sign
            body = r" \odot ".join(self._paren(a, products=True) for a in factors)
        else:
            body = " ".join(rf"\left({self._print(m)}\right)" if isinstance(m, (MatAdd, sp.HadamardProduct))
                            or m.could_extract_minus_sign() else self._print(m) for m in mats)
        if coeff == 1:
            return body
        if coeff == -1:
            return "- " + body
        c = self._print(abs(coeff))
        return ("- " if coeff < 0 else "") + c + " " + body

    def _print_MatAdd(self, expr):
        # positive terms first, so 1 - A rather than -A + 1 (articles write a(1 - a))
        terms = sorted(expr.args, key=lambda t: t.could_extract_minus_sign())
        out = self._print(terms[0])
        for t in terms[1:]:
            s = self._print(t)
            out += " " + s if s.startswith("-") else " + " + s
        return out

    def _print_Mul(self, expr):
        # (1/N) sum_n ... reads as the mean it is; SymPy would print a fraction over the sum
        num, den = sp.fraction(expr)
        if den != 1 and num.has(sp.Sum) and not den.has(sp.Sum):
            body = self._print(num)
            if isinstance(num, sp.Add):
                body = rf"\left({body}\right)"
            if body.startswith("- "):
                return rf"- \frac{{1}}{{{self._print(den)}}} {body[2:]}"
            return rf"\frac{{1}}{{{self._print(den)}}} {body}"
        if not isinstance(expr, sp.Mul):
            return super()._print_Mul(expr)
        # orient the differences (a - y, 1 - a), then order the factors
        sign, factors = 1, []
        for f in expr.args:
            if isinstance(f, sp.Add):
                s, f = self._oriented(f)
                sign *= s
            elif isinstance(f, sp.Pow) and isinstance(f.base, sp.Add) and f.exp.is_Integer:
                s, b = self._oriented(f.base)
                sign *= s ** int(f.exp)
                f = sp.Pow(b, f.exp, evaluate=False)
            factors.append(f)
        if sign < 0:
            factors = [-f if f.is_Number else f for f in factors]
            if not any(f.is_Number for f in factors):
                factors.insert(0, sp.S.NegativeOne)
        factors = [f for f in factors if f is not sp.S.One] or [sp.S.One]
        factors = [sp.Float(_decimal(f), len(_decimal(f))) if _decimal(f) else f for f in factors]
        factors.sort(key=self._factor_key)
        if len(factors) == 1:
            return self._print(factors[0])
        if factors[0] is sp.S.NegativeOne:
            rest = factors[1:]
            inner = self._print_Mul(sp.Mul(*rest, evaluate=False)) if len(rest) > 1 else self._paren_neg(rest[0])
            return "- " + inner
        if factors[0].is_Number and factors[0] < 0:
            rest = [-factors[0]] + factors[1:]
            return "- " + self._ordered_mul(rest)
        return self._ordered_mul(factors)

    def _paren_neg(self, e) -> str:
        s = self._print(e)
        return rf"\left({s}\right)" if isinstance(e, sp.Add) else s

    def _ordered_mul(self, factors) -> str:
        old = self._settings["order"]
        self._settings["order"] = "none"
        try:
            return super()._print_Mul(sp.Mul(*factors, evaluate=False))
        finally:
            self._settings["order"] = old

    def _print_Pow(self, expr, exp=None):
        # an entry like a^{1}_{jn} needs parentheses before it is squared: (a^{1}_{jn})^{2}
        e = expr.exp
        if isinstance(expr.base, (sp.Indexed, sp.Symbol)) and e.is_Rational and e.is_positive and e != 1 \
                and e != sp.Rational(1, 2):
            return raised(self._print(expr.base), self._print(e))
        return super()._print_Pow(expr, exp) if exp is not None else super()._print_Pow(expr)

    def _print_HadamardPower(self, expr):
        return rf"{self._atom(expr.base)}^{{\circ {self._print(expr.exp)}}}"

    def _print_Transpose(self, expr):
        return rf"{self._atom(expr.arg)}^{{\top}}"

    def _print_OneMatrix(self, expr):
        rows, cols = expr.shape
        if cols == 1:
            return rf"\mathbf{{1}}_{{{self._print(rows)}}}"
        if rows == 1:
            return rf"\mathbf{{1}}_{{{self._print(cols)}}}^{{\top}}"
        if rows == cols:
            n = self._print(rows)
            return rf"\mathbf{{1}}_{{{n}}}\mathbf{{1}}_{{{n}}}^{{\top}}"
        return r"\mathbf{1}"

    def _print_ZeroMatrix(self, expr):
        return r"\mathbf{0}"

    def _print_Softmax(self, expr):
        return rf"\operatorname{{softmax}}\left({self._print(expr.arg)}\right)"

    def _print_Elementwise(self, expr):
        lam = expr.lam
        old = dict(self._subst)
        for var, mat in zip(lam.variables, expr.mats):
            self._subst[var] = self._print(mat)
        try:
            return self._print(lam.expr)
        finally:
            self._subst = old

    def _paren(self, e, products: bool = False) -> str:
        s = self._print(e)
        if isinstance(e, (MatAdd, sp.Add)) or (isinstance(e, (MatMul, sp.Mul))
                                                and (products or e.could_extract_minus_sign())):
            return rf"\left({s}\right)"
        return s

    def _atom(self, e) -> str:
        s = self._print(e)
        if isinstance(e, (MatrixSymbol, sp.Symbol)):
            return wrap(s)
        if isinstance(e, (Softmax, sp.Indexed)):
            return wrap(s)
        return rf"\left({s}\right)"

    # -- scalar functions ---------------------------------------------------------------------

    def _print_Function(self, expr, exp=None):
        if isinstance(expr, Primitive):
            return self._print_primitive(expr, exp)
        return super()._print_Function(expr, exp)

    def _print_primitive(self, expr, exp=None):
        if isinstance(expr, SoftmaxEntry):
            k = int(expr.args[0]) + 1
            args = ", ".join(self._print(a) for a in expr.args[1:])
            name = rf"\operatorname{{softmax}}_{{{k}}}"
        else:
            n_in = len(expr.args) - type(expr).n_params
            args = ", ".join(self._print(a) for a in expr.args[:n_in])
            name = type(expr).latex_name or type(expr).__name__
        if exp is not None:
            name = rf"{name}^{{{exp}}}"
        return rf"{name}\left({args}\right)"


def printer_for(notation=None) -> NNLatexPrinter:
    """A printer for a spec's Notation, a profile name, or a Profile."""
    profile = notation if isinstance(notation, Profile) else profile_for(notation)
    return NNLatexPrinter(profile)


def latex(expr, notation=None) -> str:
    """Print one expression in a notation (default profile when None)."""
    return printer_for(notation).doprint(expr)
