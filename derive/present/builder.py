"""The document model of a derivation: sections of already-printed lines, built by one Builder."""

from __future__ import annotations

import sympy as sp

from ..engine import A_, Z_, Derivation, equation_tags
from ..procedure import learning_procedure
from ..spec import NetworkSpec
from .latex_printer import NNLatexPrinter, element, equals, number, wrap
from .model import TALL_ROWS, Document, DocumentError, Section, _and
from .notation import PROFILES, Profile
from .sources import SOURCES, network_source
from .svg import FigureLayer, network_svg
from .worked_example import compute
from .worked_section import WorkedSection
from .writers import TexWriter

EXPAND_LIMIT = 4  # expand the chain-rule sum over the next layer's units up to this width
FIGURE_LIMIT = 6  # draw at most this many neurons of a layer in the figure
DELTA_ASIDE = "called $\\delta$ in {}"  # article 004 names the error term


def _resolve_profile(spec: NetworkSpec, profile: str | None) -> Profile:
    name = profile or spec.notation.profile
    if name not in PROFILES:
        raise DocumentError(f"unknown notation profile '{name}' (choose one of: {', '.join(PROFILES)})")
    return PROFILES[name].with_overrides(spec.notation.overrides)


class Builder(WorkedSection):
    """Turns a Derivation (and optionally a worked example) into a Document for one writer."""

    def __init__(self, d: Derivation, writer: TexWriter, profile: Profile, example=None):
        self.d = d
        self.spec = d.spec
        self.w = writer
        self.p = NNLatexPrinter(profile)
        self.profile = profile
        self.tags = equation_tags(d)
        self.example = example
        self.L = self.spec.depth
        self.used_tags: list[str] = []
        self.cited: list[str] = []  # source keys, in the order of their first citation
        # the article whose own network this is: only then do statements that hold for any network keep
        # their pointer to an article (a user's own network gets no citation it does not depend on)
        self.source = network_source(self.spec)
        self.init_section = 0  # the number of the section on the initial parameters, once built
        # A profile that spells the error term as a derivative of the batch loss (article 000's
        # \\frac{\\partial\\ell}{\\partial z}) means that literally: for a mean loss that derivative carries
        # the loss's 1/N, so the error terms are printed with it and the gradients without it (printing
        # the engine's per-sample error term under that name would count the 1/N twice).
        self.batch_delta = d.reduction != 1 and "\\partial" in profile.template("delta")
        if self.batch_delta and example is not None and example.values.batch > 1:
            self.example = compute(d, example.values, example.decimals, example.mode, batch_error_terms=True)

    # -- symbols ---------------------------------------------------------------------------

    def sym(self, role: str, layer: int | None = None) -> str:
        if role == "act" and layer == 0:
            return self.profile.symbol("input")
        return self.profile.symbol(role, layer)

    def el(self, role: str, layer: int | None, idx: str) -> str:
        return element(self.sym(role, layer), idx)

    def pr(self, e) -> str:
        return self.p.doprint(e)

    def per_sample_loss(self) -> str:
        return element(self.sym("loss"), "n")

    def dfrac(self, top: str, bottom: str) -> str:
        return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"

    def fprime(self, layer: int, arg: str) -> str:
        return rf"{wrap(self.sym('activation', layer))}'\left({arg}\right)"

    def tagged(self, name: str) -> list[str]:
        eq = self.d.equation(name)
        tag = self.tags[name]
        self.used_tags.append(tag)
        rhs = self.shown_rhs(name, eq.rhs)
        if self.batch_delta and name == f"elem_delta{self.L}":
            # (1/N)(2a - 2y): the mean's factor in front, as the loss writes it, not a fraction over N
            body = self.pr(rhs.args[1])
            text = rf"\frac{{1}}{{{self.pr(1 / self.d.reduction)}}} " + (
                rf"\left({body}\right)" if isinstance(rhs.args[1], sp.Add) else body)
        else:
            text = self.pr(rhs)
        return self.w.eq(f"{self.pr(eq.lhs)} = {text}", tag)

    def shown_rhs(self, name: str, rhs):
        """The right side as the document states it: the engine's, except that under a batch-derivative
        error term (``batch_delta``) the output error term takes the mean's 1/N and the gradients drop it
        (the hidden error terms are linear in the output's, so they carry it along unchanged)."""
        if not self.batch_delta:
            return rhs
        r = self.d.reduction
        if name in (f"delta{self.L}", f"elem_delta{self.L}"):
            return r * rhs if isinstance(rhs, sp.MatrixExpr) else sp.Mul(r, rhs, evaluate=False)  # printed by tagged
        if name.startswith(("grad_", "elem_grad_")):
            return rhs / r
        return rhs

    def err(self, layer: int, idx: str) -> str:
        """The error term of one unit for one sample, as the chain-rule section writes it: the profile's
        error term, or the per-sample loss's derivative where the profile's is the batch loss's."""
        if self.batch_delta:
            return self.dfrac(self.per_sample_loss(), self.el("preact", layer, idx))
        return self.el("delta", layer, idx)

    def ref(self, name: str) -> str:
        return f"({self.tags[name]})"

    def refs(self, first: str, last: str) -> str:
        """(4)–(7), or just (4) when the range is one equation (a network without hidden layers)."""
        if self.tags[first] == self.tags[last]:
            return self.ref(first)
        return f"{self.ref(first)}–{self.ref(last)}"

    def col(self) -> bool:
        return self.d.layout == "column"

    # -- citations -------------------------------------------------------------------------

    def cite(self, key: str, capital: bool = False) -> str:
        """"article 004 [2]": a source named in the text, numbered in the order of first citation and
        listed in the references at the end."""
        if key not in self.cited:
            self.cited.append(key)
        label = SOURCES[key].label
        label = label[0].upper() + label[1:] if capital else label
        # the name is set unbreakable too, so "article 003" is neither split nor hyphenated
        return (self.w.nobreak(self.w.text(label).replace(" ", self.w.tie)) + self.w.tie
                + self.w.text(f"[{self.cited.index(key) + 1}]"))

    def aside(self, key: str, text: str = "") -> str:
        """A parenthetical pointer to an article, " (article 003)", for a statement that holds for any
        network: kept in the document of an article's own network, dropped in a user's own network's."""
        if self.source is None:
            return ""
        return f" ({text.format(self.cite(key)) if text else self.cite(key)})"

    def act_title(self, layer: int) -> str:
        return self.spec.activation(layer).entry.title

    def shape(self, m) -> tuple[str, str]:
        """(symbolic, concrete) shape of a MatrixSymbol, e.g. ('n_{1} \\times n_{0}', '2 \\times 3')."""
        sym = rf"{self.pr(m.shape[0])} \times {self.pr(m.shape[1])}"
        conc = [self.pr(s.xreplace(self.d.widths())) for s in m.shape]
        return sym, rf"{conc[0]} \times {conc[1]}"

    # -- sections --------------------------------------------------------------------------

    def build(self) -> Document:
        s = self.spec
        w = self.w
        widths = w.nobreak("\u2013".join(str(n) for n in s.layers))
        acts = ", ".join(f"{self.act_title(l)} in layer {l}" for l in range(1, self.L + 1))
        lentry = s.loss_entry
        title = f"How the {widths} network {w.text(s.name)} learns"
        subtitle = "A derivation of backpropagation, generated and verified by nnderive"
        intro = []
        if s.description:
            intro += w.para(w.text(s.description))
        n_in, n_out = s.layers[0], s.layers[1]
        shape = (f"{self.L + 1} layers of widths {widths}" if self.L > 1 else
                 f"no hidden layer: its {n_in} input{'s feed' if n_in > 1 else ' feeds'} its {n_out} "
                 f"output{'s' if n_out > 1 else ''} directly")
        intro += w.para(
            f"The network has {shape} ({acts}) and is trained on the "
            f"{lentry.title}. This document derives one learning step: the forward pass, the loss, the "
            "local derivative of every function involved, the chain rule for one weight of every layer, "
            "the error terms, the gradients in matrix form and the gradient-descent update. "
            "The numbered equations are the ones the generated numpy code cites in its comments.")
        if self.source is not None:
            intro += w.para(f"This is the network of {self.cite(self.source.key)}; the references at the end "
                            "list every source the text cites.")
        sections = [self.network(), self.forward(), self.loss(), self.local(), self.chain(), self.matrix_form()]
        self.init_section = len(sections) + 1
        sections += [self.initialisation(), self.update()]
        if self.example is not None:
            sections.append(self.worked())
        sections.append(self.verification())
        if self.cited:
            sections.append(self.references())
        return Document(title, subtitle, intro, sections, w.name, dict(sorted(w.files.items())))

    def network(self) -> Section:
        s, w = self.spec, self.w
        sec = Section("The network and its notation")
        dash = "\u2013"
        caption = (f"The {w.nobreak(dash.join(map(str, s.layers)))} network: neurons, "
                   r"bias units ($+1$) and the weights between layers.")
        sec.lines += w.figure(self.tikz() if w.name == "tex" else self.svg(caption), caption)
        col = self.d.layout == "column"
        sec.lines += w.para(
            (f"Layer $0$ is the input; layer $l = 1, \\dots, {self.L}$ has $n_{{l}}$ units " if self.L > 1 else
             "Layer $0$ is the input and layer $1$ the output; layer $l$ has $n_{l}$ units ")
            + f"({', '.join(f'$n_{{{l}}} = {n}$' for l, n in enumerate(s.layers))}). "
            + ("Matrices hold one sample per column, so a batch of $N$ samples is a matrix with $N$ "
               f"columns{self.aside(self.source.key, 'as in {}') if self.source else ''}." if col else
               "Matrices hold one sample per row (batch-first), so a batch of $N$ samples is a "
               "matrix with $N$ rows."))
        rows = []
        sy = self.d.symbols
        rows.append([f"${self.sym('input')}$", "input (the activations of layer 0)",
                     "$%s$" % self.shape(sy["X"])[0], "$%s$" % self.shape(sy["X"])[1]])
        for l in range(1, self.L + 1):
            for key, meaning in ((f"W{l}", f"weights into layer {l}"), (f"b{l}", f"biases of layer {l}"),
                                 (f"Z{l}", f"pre-activations of layer {l}"),
                                 (f"A{l}", f"activations of layer {l}" + (" (the output)" if l == self.L
                                                                          else "")),
                                 (f"delta{l}", f"error terms of layer {l}")):
                sh = self.shape(sy[key])
                rows.append([f"${self.pr(sy[key])}$", meaning, f"${sh[0]}$", f"${sh[1]}$"])
        sh = self.shape(sy["Y"])
        rows.append([f"${self.sym('target')}$", "targets", f"${sh[0]}$", f"${sh[1]}$"])
        rows.append([f"${self.sym('output')}$", f"the prediction, ${self.sym('output')} = "
                     f"{self.sym('act', self.L)}$", f"${sh[0]}$", f"${sh[1]}$"])
        rows.append([f"${self.sym('loss')}$", "the loss of a batch", "scalar", "scalar"])
        rows.append([f"${self.per_sample_loss()}$", "the loss of sample $n$", "scalar", "scalar"])
        for l in range(1, self.L + 1):
            rows.append([f"${self.sym('activation', l)}$", f"activation of layer {l}: {self.act_title(l)}",
                         "", ""])
        rows.append([r"$\alpha$", "learning rate", "scalar", "scalar"])
        name = self.profile.name.removesuffix("+custom")
        custom = " with the spec's own symbols" if self.profile.name.endswith("+custom") else ""
        origin = (f"the symbols of {self.cite(name.removeprefix('article'))}" if name.removeprefix("article") in SOURCES
                  else w.text(self.profile.description.split(":", 1)[0]))
        sec.lines += w.table(["symbol", "meaning", "shape", "here"], rows,
                             f"Notation (the {w.text(name)} profile, {origin}{custom})")
        return sec

    def forward(self) -> Section:
        w = self.w
        sec = Section("The forward pass")
        sec.lines += w.para(
            "Each unit $j$ of layer $l$ forms a weighted sum of the previous layer's activations plus "
            "its bias, then applies the layer's activation function. Below, $n$ numbers the samples of a "
            f"batch and ${self.el('act', 0, 'kn')}$ is the $k$-th input of sample $n$.")
        for l in range(1, self.L + 1):
            sec.lines += w.para(f"Layer {l} ({self.act_title(l)}), element-wise and in matrix form:")
            sec.lines += self.tagged(f"elem_z{l}") + self.tagged(f"elem_a{l}")
            sec.lines += self.tagged(f"forward_z{l}") + self.tagged(f"forward_a{l}")
        ones = r"\mathbf{1}_{N}"
        rep = (f"{self.sym('bias', 1)}{ones}^{{\\top}}" if self.col() else
               f"{ones}{wrap(self.sym('bias', 1))}^{{\\top}}")
        sec.lines += w.para(
            f"Here ${ones}$ is the column of $N$ ones, so ${rep}$ repeats the bias for every sample "
            f"(one {'column' if self.col() else 'row'} per sample), and a function applied to a matrix "
            "acts on each entry.")
        return sec

    def loss(self) -> Section:
        w, s = self.w, self.spec
        lentry = s.loss_entry
        sec = Section("The loss")
        sec.lines += w.para(f"The network is trained on the {lentry.title}:")
        sec.lines += self.tagged("loss")
        how = lentry.summary.split(":", 1)[-1].strip()
        mean = self.d.reduction != 1
        Ln = self.per_sample_loss()
        i_range = f"i = 1, \\dots, n_{{{self.L}}}"
        sec.lines += w.para(
            f"Exactly what is combined: {w.text(how)}. The sum over ${i_range}$ runs over the output "
            f"units and the sum over $n = 1, \\dots, N$ over the samples of the batch"
            + ("; the factor $\\frac{1}{N}$ makes the loss a mean over the batch, so its size does not "
               "grow with $N$." if mean else "; nothing is divided by $N$, so the loss (and its "
                                                "gradient) grows with the batch size."))
        term = self.pr(sp.Sum(lentry.term.explicit(sp.IndexedBase(f"A{self.L}")[sp.Symbol("i"), sp.Symbol("n")],
                                                   sp.IndexedBase("Y")[sp.Symbol("i"), sp.Symbol("n")]),
                              (sp.Symbol("i"), 1, sp.Symbol(f"n_{self.L}"))))
        red = r"\frac{1}{N}" if mean else ""
        sec.lines += w.para(f"Writing ${Ln}$ for the loss of sample $n$ alone,")
        sec.lines += w.eq(f"{Ln} = {term}, \\qquad {self.sym('loss')} = {red}\\sum_{{n=1}}^{{N}} {Ln}.")
        if lentry.targets == "index":
            sec.lines += w.para("The targets are class indices; the equations use their one-hot "
                                f"encoding ${self.el('target', None, 'in')} \\in \\{{0, 1\\}}$.")
        return sec

    def local(self) -> Section:
        w, s = self.w, self.spec
        lentry = s.loss_entry
        sec = Section("Local derivatives")
        L = self.L
        Ln = self.per_sample_loss()
        a = sp.Symbol("__aL")
        y = sp.Symbol("__y")
        self.p._subst = {a: self.el("act", L, "i"), y: self.el("target", None, "i")}
        g = self.pr(sp.diff(lentry.term(a, y), a))
        self.p._subst = {}
        sec.lines += w.para("Backpropagation multiplies local derivatives, so we collect them first. "
                            "The loss of one sample depends on output unit $i$ only through its own term:")
        sec.lines += w.eq(f"{self.dfrac(Ln, self.el('act', L, 'i'))} = {g}.")
        seen = set()
        for l in range(L, 0, -1):
            rule = next(r for r in self.d.rules if r.layer == l)
            f = self.sym("activation", l)
            ent = self.spec.activation(l).entry
            key = (ent.name, self.spec.activations[l - 1].params)
            zj, aj = self.el("preact", l, "j"), self.el("act", l, "j")
            head = f"Layer {l} uses the {self.act_title(l)}"
            if ent.vector_valued:
                # where the error term takes its layer as a subscript (article004's \delta_{l}), \delta_{ij}
                # would read as an error term: the Kronecker delta is written as the indicator of i = j
                kron, says = "\\delta_{ij}", "$\\delta_{ij}$ the Kronecker delta"
                if self.sym("delta", l).startswith("\\delta_"):
                    kron, says = "\\mathbb{1}(i = j)", "$\\mathbb{1}(i = j)$ equal to 1 where i = j and 0 elsewhere"
                sec.lines += w.para(
                    f"{head}, ${aj} = e^{{{zj}}} / \\sum_{{m}} e^{{{self.el('preact', l, 'm')}}}$. Every output "
                    f"of a softmax depends on every input, so its derivative is a Jacobian, with {says}:")
                sec.lines += w.eq(f"{self.dfrac(self.el('act', l, 'i'), zj)} = {self.el('act', l, 'i')}"
                                  f"\\left({kron} - {aj}\\right).")
                continue
            self.p._subst = {A_: aj, Z_: zj}
            form = self.pr(rule.derivative) if rule.derivative is not None else "1"
            self.p._subst = {}
            note = ""
            if ent.name in ("relu", "leaky_relu") and "H" not in seen:
                # the unit step, defined before its first use, with the document's value at 0 (a reader
                # of the document, the checker included, takes the definition for every later line)
                sec.lines += w.para(f"{head}, ${aj} = {f}({zj})$. Its derivative is written with the unit step:")
                sec.lines += w.eq(self.unit_step(s.conventions.relu_prime_at_zero) + ".")
                seen.add("H")
                head = (f"At $z = 0$ the derivative does not exist; by convention it is taken as $H(0) = "
                        f"{self.pr(sp.nsimplify(s.conventions.relu_prime_at_zero))}$ ({self.cite('004')} uses 0).")
            if ent.derivative_note and key not in seen:
                note = f" {self.named_note(l)}"
            if head.startswith("At "):
                sec.lines += w.para(head + (note or " Its derivative is"))
            else:
                sec.lines += w.para(f"{head}, ${aj} = {f}({zj})$.{note or ' Its derivative is'}")
            sec.lines += w.eq(f"{self.fprime(l, zj)} = {self.dfrac(aj, zj)} = {form}.")
            if ent.name == "gelu" and s.conventions.gelu == "exact":
                sec.lines += w.para(r"$\Phi$ and $\phi$ are the standard normal distribution and density "
                                    r"functions, $\phi(z) = e^{-z^{2}/2}/\sqrt{2\pi}$.")
            seen.add(key)
        return sec

    def unit_step(self, at_zero) -> str:
        """H(z) by cases, its value at 0 the spec's convention for ReLU'(0)."""
        h0 = sp.nsimplify(at_zero)
        if h0 == 0:
            rows = ["1 & z > 0", r"0 & z \leq 0"]
        elif h0 == 1:
            rows = [r"1 & z \geq 0", "0 & z < 0"]
        else:
            rows = ["1 & z > 0", f"{self.pr(h0)} & z = 0", "0 & z < 0"]
        return r"H(z) = \begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def named_note(self, l: int) -> str:
        """'In general f'(z) = ..., so': the activation's derivative as the articles write it, with what f
        is first when the note names a generic f (the identity's f'(z) = 1), so that a reader can check it."""
        note = self.spec.activation(l).entry.derivative_note
        if not note.startswith("f'"):
            return f"In general ${note}$, so"
        return f"With $f(z) = {self.pr(self.spec.activation(l).apply(sp.Symbol('z')))}$, ${note}$ in general, so"

    def _one_path(self, l: int, i: str) -> tuple[str, str]:
        """(partials, values) of the path from W^l_{jk} through unit i of layer l + 1."""
        Ln = self.per_sample_loss()
        nxt = self.el("preact", l + 1, i)
        if self.spec.activation(l).vector_valued:
            # a softmax layer: from z_j the path runs through every a_m of the layer
            am, zj = self.el("act", l, "m"), self.el("preact", l, "j")
            m_sum = rf"\sum_{{m=1}}^{{{self.spec.layers[l]}}} "
            parts = [self.dfrac(Ln, nxt), self.dfrac(nxt, am), self.dfrac(am, zj),
                     self.dfrac(zj, self.el("weight", l, "jk"))]
            vals = [self.err(l + 1, i), self.el("weight", l + 1, i + "m"),
                    rf"{am}\left(\delta_{{mj}} - {self.el('act', l, 'j')}\right)", self.el("act", l - 1, "k")]
            return m_sum + " ".join(parts), m_sum + " ".join(vals)
        tail_p = [self.dfrac(self.el("act", l, "j"), self.el("preact", l, "j")),
                  self.dfrac(self.el("preact", l, "j"), self.el("weight", l, "jk"))]
        tail_v = [self.fprime(l, self.el("preact", l, "j")), self.el("act", l - 1, "k")]
        head_p = [self.dfrac(Ln, nxt), self.dfrac(nxt, self.el("act", l, "j"))]
        head_v = [self.err(l + 1, i), self.el("weight", l + 1, i + "j")]
        return " ".join(head_p + tail_p), " ".join(head_v + tail_v)

    def chain(self) -> Section:
        w, L = self.w, self.L
        sec = Section("The chain rule, path by path")
        Ln = self.per_sample_loss()
        sec.lines += w.para(
            f"The loss of a batch is a sum over samples (eq. {self.ref('loss')}), so we differentiate the "
            f"loss ${Ln}$ of one sample $n$ and drop the sample index inside this section. A weight "
            f"${self.el('weight', L, 'jk')}$ influences ${Ln}$ along every path from it to the loss; the "
            "chain rule multiplies the local derivatives along each path and adds the paths.")
        # output layer
        zj, aj = self.el("preact", L, "j"), self.el("act", L, "j")
        rule_L = next(r for r in self.d.rules if r.layer == L)
        Wjk = self.el("weight", L, "jk")
        dz = self.dfrac(zj, Wjk)
        if self.spec.activation(L).vector_valued:
            n = self.spec.layers[L]
            paths = [f"{self.dfrac(Ln, self.el('act', L, str(i)))} "
                     f"{self.dfrac(self.el('act', L, str(i)), zj)}" for i in range(1, n + 1)]
            body = " + ".join(paths) if n <= EXPAND_LIMIT else \
                rf"\sum_{{i=1}}^{{{n}}} {self.dfrac(Ln, self.el('act', L, 'i'))} " \
                rf"{self.dfrac(self.el('act', L, 'i'), zj)}"
            sec.lines += w.para(f"Output layer {L}: the softmax couples the outputs, so "
                                f"${zj}$ reaches ${Ln}$ through every output unit:")
            sec.lines += w.aligned([f"{self.dfrac(Ln, Wjk)} &= \\left({body}\\right) {dz}",
                                    f"&= {self.err(L, 'j')}\\, {self.el('act', L - 1, 'k')}"])
        else:
            sec.lines += w.para(f"Output layer {L}: there is a single path, through ${aj}$ and ${zj}$:")
            sec.lines += w.aligned([
                f"{self.dfrac(Ln, Wjk)} &= {self.dfrac(Ln, aj)} {self.dfrac(aj, zj)} {dz}",
                f"&= {self.err(L, 'j')}\\, {self.el('act', L - 1, 'k')}, \\qquad "
                + ("" if self.batch_delta else f"{self.el('delta', L, 'j')} = ")
                + f"{self.dfrac(Ln, zj)} = {self.dfrac(Ln, aj)}\\, {self.fprime(L, zj)}"])
        if self.batch_delta:
            # the profile's error term is the derivative of the mean loss: one sample's share, 1/N
            sec.lines += w.para(
                f"The factor ${self.dfrac(Ln, zj)}$ is the error term of unit $j$ for one sample"
                f"{self.aside('004', DELTA_ASIDE)}. The error term of the batch, "
                f"${self.el('delta', L, 'jn')}$, is the derivative of the mean loss ${self.sym('loss')}$, "
                f"so it is $\\frac{{1}}{{N}}$ times that of sample $n$; with the local derivatives above it is")
        else:
            sec.lines += w.para(
                f"The factor ${self.el('delta', L, 'j')} = {self.dfrac(Ln, zj)}$ is the error term of unit "
                f"$j${self.aside('004', DELTA_ASIDE)}; with the local derivatives above it is")
        sec.lines += self.tagged(f"elem_delta{L}")
        if rule_L.kind in ("output-simplified", "output-softmax-fused"):
            sec.lines += w.para("after cancelling the loss derivative against the activation derivative.")
        # hidden layers
        for l in range(L - 1, 0, -1):
            n = self.spec.layers[l + 1]
            zj, aj = self.el("preact", l, "j"), self.el("act", l, "j")
            Wjk = self.el("weight", l, "jk")
            sec.lines += w.para(
                f"Layer {l}: the weight ${Wjk}$ changes ${zj}$ and ${aj}$, and ${aj}$ feeds "
                + (f"all $n_{{{l + 1}}} = {n}$ units of layer {l + 1}; there is one path through each of them"
                   f"{self.aside('003')}, so the paths are added:" if n > 1 else
                   f"the single unit of layer {l + 1} ($n_{{{l + 1}}} = 1$), so there is one path:"))
            if self.spec.activation(l).vector_valued:
                sec.lines += w.para(f"Layer {l} is a softmax, so from ${zj}$ each of these paths splits again "
                                    f"through every unit ${self.el('act', l, 'm')}$ of layer {l}, with "
                                    f"${self.dfrac(self.el('act', l, 'm'), zj)} = {self.el('act', l, 'm')}"
                                    f"\\left(\\delta_{{mj}} - {aj}\\right)$ (the Kronecker $\\delta_{{mj}}$ is 1 "
                                    "for $m = j$ and 0 otherwise):")
            if n <= EXPAND_LIMIT:
                parts = [self._one_path(l, str(i)) for i in range(1, n + 1)]
                rows = [f"{self.dfrac(Ln, Wjk)} &= {parts[0][0]}"]
                rows += [f"&\\quad + {p[0]}" for p in parts[1:]]
                rows += [f"&= {parts[0][1]}"] + [f"&\\quad + {p[1]}" for p in parts[1:]]
            else:
                p, v = self._one_path(l, "i")
                rows = [f"{self.dfrac(Ln, Wjk)} &= \\sum_{{i=1}}^{{{n}}} {p}",
                        f"&= \\sum_{{i=1}}^{{{n}}} {v}"]
            rows.append(f"&= {self.err(l, 'j')}\\, {self.el('act', l - 1, 'k')}")
            sec.lines += w.aligned(rows)
            if self.batch_delta:
                sec.lines += w.para(
                    f"using ${self.dfrac(self.el('preact', l + 1, 'i'), aj)} = {self.el('weight', l + 1, 'ij')}$. "
                    f"The error term of layer {l} collects the paths; the error terms "
                    f"{self.ref(f'elem_delta{l + 1}')} of layer {l + 1} carry the $\\frac{{1}}{{N}}$ of the mean "
                    "loss into it:")
            else:
                sec.lines += w.para(
                    f"using ${self.dfrac(self.el('preact', l + 1, 'i'), aj)} = {self.el('weight', l + 1, 'ij')}$ "
                    f"and ${self.dfrac(Ln, self.el('preact', l + 1, 'i'))} = {self.el('delta', l + 1, 'i')}$ "
                    f"from {self.ref(f'elem_delta{l + 1}')}. The error term of layer {l} collects the paths:")
            sec.lines += self.tagged(f"elem_delta{l}")
        sec.lines += w.para(
            "Every weight gradient is the error term of its unit times the input along the weight, and "
            "a bias acts like a weight on a constant input $1$. Over the batch "
            + ("the samples' terms add up (the error terms already carry the $\\frac{1}{N}$ of the mean):"
               if self.batch_delta else "the per-sample gradients add up"
               + (", divided by $N$ for the mean:" if self.d.reduction != 1 else ":")))
        for l in range(L, 0, -1):
            sec.lines += self.tagged(f"elem_grad_W{l}") + self.tagged(f"elem_grad_b{l}")
        return sec

    def matrix_form(self) -> Section:
        w, L = self.w, self.L
        sec = Section("Matrix form and shapes")
        sec.lines += w.para(
            "Stacking the units and the samples turns the sums above into matrix products; "
            r"$\odot$ is the element-wise (Hadamard) product and ${}^{\top}$ the transpose.")
        for l in range(L, 0, -1):
            sec.lines += self.tagged(f"delta{l}")
        for l in range(L, 0, -1):
            sec.lines += self.tagged(f"grad_W{l}") + self.tagged(f"grad_b{l}")
        sy = self.d.symbols
        gw, d1, a0 = sy["dL_dW1"], sy["delta1"], sy["A0"]
        def under(tex, rows_, cols_):
            return rf"\underbrace{{{tex}}}_{{{self.pr(rows_)} \times {self.pr(cols_)}}}"

        n0, n1, N = gw.shape[1], gw.shape[0], self.d.batch
        if self.col():  # delta^1 is n_1 x N, x is n_0 x N
            rhs = under(self.pr(d1), n1, N) + r"\, " + under(wrap(self.pr(a0)) + r"^{\top}", N, n0)
        else:  # one sample per row: delta^1 is N x n_1, x is N x n_0
            rhs = under(wrap(self.pr(d1)) + r"^{\top}", n1, N) + r"\, " + under(self.pr(a0), N, n0)
        sec.lines += w.para("The shapes fit: for the first layer")
        r = r"\frac{1}{N}" if self.d.reduction != 1 and not self.batch_delta else ""
        sec.lines += w.eq(f"{under(self.pr(gw), n1, n0)} = {r}{rhs},")
        rows = []

        def row(key: str, meaning: str, name: str | None = None) -> None:
            sh = self.shape(sy[key])
            rows.append([f"${name or self.pr(sy[key])}$", meaning, f"${sh[0]}$", f"${sh[1]}$"])

        row("X", "inputs", self.sym("input"))
        for l in range(1, L + 1):
            row(f"W{l}", f"weights into layer {l}")
            row(f"dL_dW{l}", f"gradient with respect to the weights of layer {l}")
            row(f"b{l}", f"biases of layer {l}")
            row(f"dL_db{l}", f"gradient with respect to the biases of layer {l}")
            row(f"Z{l}", f"pre-activations of layer {l}")
            row(f"A{l}", f"activations of layer {l}")
            row(f"delta{l}", f"error terms of layer {l}")
        row("Y", "targets", self.sym("target"))
        if self.sym("output") != self.sym("act", L):
            row("Y", f"the prediction, ${self.sym('output')} = {self.sym('act', L)}$", self.sym("output"))
        sec.lines += w.para(
            "and every gradient has the shape of its parameter ("
            + ("" if self.source is None else f"{self.cite('004')}: " if self.source.key == "004"
               else f"as {self.cite('004')} notes; here ")
            + ", ".join(f"${self.pr(sy[f'dL_dW{l}'])}$ is ${self.shape(sy[f'dL_dW{l}'])[1]}$"
                        for l in range(1, L + 1)) + "). The table lists every shape.")
        sec.lines += w.table(["quantity", "meaning", "shape", "for this network"], rows,
                             "Shapes of the matrices", TALL_ROWS)
        return sec

    def initialisation(self) -> Section:
        w, s, L = self.w, self.spec, self.L
        sec = Section("The initial parameters")
        t = s.training
        schemes: dict = {}
        for l in range(1, L + 1):
            schemes.setdefault(s.activation(l).entry.init, []).append(l)
        sigma = r"\sigma_{l}^{2}"
        sec.lines += w.para(
            f"Training starts from the parameters that the generated code's {w.code('init_params')} returns: "
            "every bias is $0$, and every weight is drawn independently from a normal distribution with mean "
            "$0$ and a variance that depends on the activation of the layer the weight leads into:")

        def formula(sc, n_in="n_{l-1}", n_out="n_{l}"):
            return sc.variance_latex.format(n_in=n_in, n_out=n_out)

        law = (rf"{self.el('weight', 'l', 'jk')} \sim \mathcal{{N}}\left(0, {sigma}\right), \qquad "
               rf"{self.el('bias', 'l', 'j')} = 0, \qquad {sigma} = ")
        if len(schemes) == 1:
            law += formula(next(iter(schemes)))
        else:
            law += r"\begin{cases} " + r" \\ ".join(
                rf"{formula(sc)} & \text{{{sc.title.split(' (')[0]}: layer{'s' if len(ls) > 1 else ''} "
                rf"{', '.join(map(str, ls))}}}" for sc, ls in schemes.items()) + r" \end{cases}"
        sec.lines += w.eq(law + ".")
        for sc, ls in schemes.items():
            acts = list(dict.fromkeys(w.text(s.activation(l).entry.title) for l in ls))
            sec.lines += w.para(
                f"{w.text(sc.title)}, after {self.cite(sc.paper)}, for layer{'s' if len(ls) > 1 else ''} "
                f"{_and(map(str, ls))}, whose activation{'s are' if len(acts) > 1 else ' is'} {_and('the ' + a for a in acts)}: "
                f"{w.text(sc.reason)}.")
        rows = []
        for l in range(1, L + 1):
            sc = s.activation(l).entry.init
            n_in, n_out = s.layers[l - 1], s.layers[l]
            var = sp.Rational(sc.variance(n_in, n_out)).limit_denominator(10 ** 9)
            rows.append(rf"\sigma_{{{l}}}^{{2}} &= {formula(sc, n_in, n_out)} {equals(var)}, \qquad "
                        rf"\sigma_{{{l}}} {equals(sp.sqrt(var))}")
        sec.lines += w.para("For this network:")
        sec.lines += w.aligned(rows)
        order = f"${self.sym('weight', 1)}$" if L == 1 else (
            f"${self.sym('weight', 1)}$ first, then ${self.sym('weight', 2)}$" + (", and so on" if L > 2 else ""))
        sec.lines += w.para(
            f"{w.code('nnderive train')} draws them with numpy's {w.code('np.random.default_rng(seed)')}, seeded "
            f"with the spec's {w.code('[training] seed')} (here ${t.seed}$): standard normal numbers for {order}, "
            f"each matrix filled row by row, multiplied by $\\sigma_{{l}}$ in float64 and stored as {w.code(t.dtype)}. The "
            "same generator then shuffles the training data, so a seed gives the same run bit for bit.")
        return sec

    def references(self) -> Section:
        w = self.w
        sec = Section("References", numbered=False)
        items = []
        for i, key in enumerate(self.cited, start=1):
            src = SOURCES[key]
            ref = src.reference[0].upper() + src.reference[1:]
            items.append((f"[{i}]", f"{w.text(ref)}. Contributes {w.rich(src.contributes)}."))
        sec.lines += w.references(items)
        return sec

    def update(self) -> Section:
        w, L = self.w, self.L
        proc = learning_procedure(self.spec)  # the update rule and the schedule, read, not restated
        rule, t = proc.update, proc.schedule
        sec = Section("The update and the training algorithm")
        factor = self.pr(rule.factor)
        sec.lines += w.para("Gradient descent moves every parameter against its gradient, with learning "
                            r"rate $\alpha$:")
        syms = self.d.symbols
        rows = []
        for param, grad in rule.params:
            role = "weight" if param.startswith("W") else "bias"
            layer = int(param[1:])
            rows.append(f"{self.sym(role, layer)} &:= {self.sym(role, layer)} - {factor}\\, "
                        f"{self.pr(syms[grad])}")
        self.used_tags.append(self.tags["update"])
        sec.lines += w.aligned(rows, self.tags["update"])
        if rule.divides_by_batch:
            sec.lines += w.para(
                f"The loss {self.ref('loss')} sums over the batch, so its gradients are sums over the "
                f"$N$ samples of the batch; as in {self.cite('000')} the step divides them by $N$, "
                f"${self.sym('weight', 1)} := {self.sym('weight', 1)} - \\alpha \\frac{{1}}{{N}} "
                f"{self.pr(syms['dL_dW1'])}$, so every step follows the mean gradient and the step "
                "size does not grow with the batch size. This is the step the generated code and "
                "the trainer take.")
        else:
            sec.lines += w.para(
                f"The $\\frac{{1}}{{N}}$ that {self.cite('000')} writes in its update is already inside the loss "
                f"{self.ref('loss')}, so it appears in the gradients and not again here: every step "
                "follows the mean gradient over the batch.")
        sec.lines += w.para("All gradients are computed from the current parameters first and only then "
                            f"are the parameters updated, all at once{self.aside('004')}.")
        b = t.batching
        steps = [
            (0, f"initialise every ${self.sym('weight', 'l')}$ as in Section {self.init_section} "
                f"(normal, seed ${self.spec.training.seed}$) and every ${self.sym('bias', 'l')}$ to $0$"),
            (0, f"{w.bold('for')} epoch $e = 1, \\dots, {t.epochs}$ {w.bold('do')}"),
            (1, "shuffle the training set" if b.shuffle else "keep the training set in order"),
            (1, f"{w.bold('for')} each batch of {b.describe()} {w.bold('do')}"),
            (2, f"forward pass: evaluate {self.refs('forward_z1', f'forward_a{L}')}"),
            (2, f"loss: evaluate {self.ref('loss')}"),
            (2, f"backward pass: error term{'s' if L > 1 else ''} {self.refs(f'delta{L}', 'delta1')}, "
                f"gradients {self.refs(f'grad_W{L}', 'grad_b1')}"),
            (2, f"update every parameter by {self.ref('update')} with learning rate "
                f"$\\alpha = {number(t.learning_rate)}$"),
        ]
        steps += [(1, stop.words()) for stop in t.stops]
        sec.lines += w.algorithm("Training by gradient descent (the spec's settings)", steps)
        sec.lines += w.para("An epoch is one pass through the training data and an iteration one update, "
                            f"so an epoch has as many iterations as batches{self.aside('000')}.")
        return sec

    def verification(self) -> Section:
        w = self.w
        sec = Section("How these results were verified")
        v = self.d.verification
        summary = v.summary() if v is not None else "not verified"
        sec.lines += w.para(
            "Every equation in this document was derived symbolically by nnderive's chain-rule engine "
            "for arbitrary widths and batch size, and checked before it was printed: "
            f"{w.text(summary)}. Each activation's derivative was proved separately against "
            "SymPy's differentiation of its closed form.")
        return sec

    # -- the figure ------------------------------------------------------------------------

    def figure_layers(self) -> list[FigureLayer]:
        """What the network figure draws, whatever draws it (TikZ or SVG): per layer its title, its
        width and the label of every neuron shown (a wide layer: 1, 2, 3, then a gap, then n)."""
        out = []
        for l, n in enumerate(self.spec.layers):
            units = [str(i) for i in range(1, n + 1)] if n <= FIGURE_LIMIT else ["1", "2", "3", None, str(n)]
            title = "input" if l == 0 else ("output" if l == self.L else f"hidden {l}")
            out.append(FigureLayer(title, f"n_{{{l}}} = {n}", tuple(units), tuple(
                None if u is None else (self.el("act", l, u) if l else self.el("input", None, u)) for u in units)))
        return out

    def tikz(self) -> list[str]:
        out = [r"\begin{tikzpicture}[x=2.6cm, y=0.9cm, >=stealth,"
               r" neuron/.style={circle, draw, minimum size=7mm, inner sep=0pt, font=\scriptsize},"
               r" bias/.style={rectangle, draw, dashed, minimum size=5mm, font=\scriptsize}]"]
        shown: list[list[tuple[str, float]]] = []
        for l, fl in enumerate(self.figure_layers()):
            k = len(fl.units)
            ys = [(k - 1) / 2 - i for i in range(k)]
            layer = []
            for u, lab, y in zip(fl.indices, fl.units, ys):
                if lab is None:
                    out.append(rf"\node at ({l}, {y:.2f}) {{$\vdots$}};")
                    continue
                node = f"n{l}_{u}"
                out.append(rf"\node[neuron] ({node}) at ({l}, {y:.2f}) {{${lab}$}};")
                layer.append((node, y))
            shown.append(layer)
            top = max(ys)
            out.append(rf"\node[font=\footnotesize, align=center] at ({l}, {top + 1.6:.2f}) "
                       rf"{{{fl.title}\\${fl.size}$}};")
            if l < self.L:
                out.append(rf"\node[bias] (bias{l}) at ({l + 0.5:.2f}, {top + 0.9:.2f}) {{$+1$}};")
        for l in range(1, len(shown)):
            for a, _ in shown[l - 1]:
                for b, _ in shown[l]:
                    out.append(rf"\draw[->, gray] ({a}) -- ({b});")
            for b, _ in shown[l]:
                out.append(rf"\draw[->, dashed, gray] (bias{l - 1}) -- ({b});")
        out.append(r"\end{tikzpicture}")
        return out

    def svg(self, caption: str) -> str:
        return network_svg(self.figure_layers(), caption)
