"""The network specification: TOML file and Python API, validated into one frozen NetworkSpec."""

from __future__ import annotations

import hashlib
import json
import keyword
import math
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .errors import SpecError
from .primitives import (
    ACTIVATIONS,
    LOSSES,
    REFUSED_ACTIVATIONS,
    ActivationEntry,
    LossEntry,
    activation_entry,
    loss_entry,
)

NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")

LAYOUTS = ("column", "row")
GELU_VARIANTS = ("exact", "tanh")
NOTATION_PROFILES = ("default", "article000", "article003", "article004")
NOTATION_KEYS = (
    "weight", "bias", "preact", "act", "input", "target", "output", "loss", "delta", "activation",
)
DATA_SOURCES_BUILTIN = ("digits", "diabetes")
GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi"
         " pi rho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma"
         " Upsilon Phi Psi Omega").split()
# Notation overrides reach LaTeX documents: only commands that typeset a symbol are accepted, so a
# spec can never make pdflatex read or write files (\input, \write18, \openout, ...).
SAFE_LATEX_COMMANDS = frozenset(GREEK + (
    "mathbf mathrm mathit mathsf mathcal mathbb mathfrak boldsymbol bm vec hat tilde bar dot ddot"
    " check breve widehat widetilde overline underline ell partial nabla prime top intercal").split())


@dataclass(frozen=True)
class Conventions:
    """Choices the engine, checker, LaTeX and generated code must agree on.

    layout: "column" (one sample per column, z = W a + b, the articles' convention) or "row"
        (one sample per row, Z = A W^T + b, batch-first numpy arrays). Gradients of W^l always
        have W^l's shape (n_l, n_{l-1}) in either layout.
    batch: "sum" or "mean": how the loss combines the per-sample losses (fixed by the loss).
    relu_prime_at_zero: the value used for ReLU'(0) (article 004: 0).
    gelu: which GELU the name "gelu" means: "exact" x*Phi(x), or "tanh" (the approximation).
    """

    layout: str = "column"
    batch: str = "sum"
    relu_prime_at_zero: float = 0.0
    gelu: str = "exact"


@dataclass(frozen=True)
class Activation:
    """One layer's activation, resolved: the registry entry with its parameters and conventions.

    ``name`` and ``params`` are what the spec says (and what its hash covers); ``entry`` is the
    primitive actually used (``gelu`` under ``conventions.gelu = "tanh"`` is ``gelu_tanh``) and
    ``relu_prime_at_zero`` the spec's ReLU'(0). NetworkSpec fills both in from its conventions,
    so no stage looks the name up again.
    """

    name: str
    params: tuple[tuple[str, float], ...] = ()
    entry: ActivationEntry = field(default=None, compare=False, repr=False)  # type: ignore[assignment]
    relu_prime_at_zero: float = field(default=0.0, compare=False, repr=False)

    def __post_init__(self):
        if self.entry is None:
            object.__setattr__(self, "entry", activation_entry(self.name))

    def param(self, key: str) -> float:
        return dict(self.params)[key]

    def resolved(self, conventions: Conventions) -> Activation:
        """This activation under the spec's conventions (GELU variant, ReLU'(0))."""
        name = "gelu_tanh" if self.name == "gelu" and conventions.gelu == "tanh" else self.name
        return Activation(self.name, self.params, activation_entry(name), conventions.relu_prime_at_zero)

    @property
    def vector_valued(self) -> bool:
        return self.entry.vector_valued

    def apply(self, z):
        """f(z) for a scalar SymPy expression z (element-wise activations only)."""
        return self.entry.apply(z, dict(self.params), self.relu_prime_at_zero)


@dataclass(frozen=True)
class Notation:
    """A notation profile name plus the user's overrides (LaTeX spellings of the main symbols)."""

    profile: str = "default"
    overrides: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Training:
    """Training settings: gradient-descent flavour, schedule, stopping and data split."""

    epochs: int = 30
    batch_size: int = 32  # 0 means the whole training split (batch gradient descent)
    learning_rate: float = 0.1
    seed: int = 0
    tolerance: float = 0.0  # early stop when max |update| < tolerance (article 000's tau)
    loss_tolerance: float = 0.0  # early stop when |loss change| < loss_tolerance
    target_loss: float = 0.0  # early stop when the training loss <= target_loss (article 003)
    test_fraction: float = 0.2
    dtype: str = "float64"
    shuffle: bool = True
    # standardize features (and the targets of an unbounded output) with the training split's
    # statistics; MNIST pixels are scaled to [0, 1] instead (article 004). False: data as given
    standardize: bool = True
    init: str = ""  # start from the parameters in this .npz (relative to the spec's folder)


@dataclass(frozen=True)
class Data:
    """Where training data comes from: a bundled set, a CSV/.npz file or an MNIST IDX folder."""

    source: str = ""
    target: tuple[str, ...] = ()  # CSV target column name(s): several for several outputs
    features: tuple[str, ...] = ()  # CSV feature column names (empty: all but the targets)


@dataclass(frozen=True)
class NetworkSpec:
    """A validated feed-forward network: widths, activations, loss and shared conventions."""

    name: str
    layers: tuple[int, ...]
    activations: tuple[Activation, ...]
    loss: str
    conventions: Conventions = field(default_factory=Conventions)
    notation: Notation = field(default_factory=Notation)
    training: Training = field(default_factory=Training)
    data: Data = field(default_factory=Data)
    description: str = ""
    source: str = "<api>"
    # the loss's registry entry, resolved from ``loss`` at construction
    loss_entry: LossEntry = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        # resolve every name once (also after dataclasses.replace, which constructs anew)
        object.__setattr__(self, "activations",
                           tuple(a.resolved(self.conventions) for a in self.activations))
        object.__setattr__(self, "loss_entry", loss_entry(self.loss))

    def activation(self, layer: int) -> Activation:
        """The activation of layer ``layer`` (1 = the first non-input layer)."""
        return self.activations[layer - 1]

    @property
    def depth(self) -> int:
        return len(self.layers) - 1

    @property
    def n_inputs(self) -> int:
        return self.layers[0]

    @property
    def n_outputs(self) -> int:
        return self.layers[-1]

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Parameter names and shapes, W^l: (n_l, n_{l-1}), b^l: (n_l,)."""
        out: dict[str, tuple[int, ...]] = {}
        for l in range(1, len(self.layers)):
            out[f"W{l}"] = (self.layers[l], self.layers[l - 1])
            out[f"b{l}"] = (self.layers[l],)
        return out

    def with_widths(self, layers: tuple[int, ...]) -> NetworkSpec:
        """The same network with other widths (used for witness instances)."""
        return replace(self, layers=tuple(layers))

    def canonical(self) -> dict[str, Any]:
        """A plain, ordered description used for hashing and headers."""
        return {
            "name": self.name,
            "layers": list(self.layers),
            "activations": [[a.name, [list(p) for p in a.params]] for a in self.activations],
            "loss": self.loss,
            "conventions": [self.conventions.layout, self.conventions.batch,
                            self.conventions.relu_prime_at_zero, self.conventions.gelu],
        }

    def hash(self) -> str:
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# Validation


def _fail(source: str, key: str, problem: str) -> SpecError:
    return SpecError(f"{source}: key '{key}': {problem}")


def _check_keys(source: str, prefix: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for k in table:
        if k not in allowed:
            where = f"{prefix}.{k}" if prefix else k
            raise _fail(source, where, f"unknown key (allowed: {', '.join(allowed)})")


def _as_int(source: str, key: str, v: Any, lo: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _fail(source, key, f"expected an integer, got {v!r}")
    if lo is not None and v < lo:
        raise _fail(source, key, f"must be >= {lo}, got {v}")
    return v


def _as_float(source: str, key: str, v: Any, lo: float | None = None, hi: float | None = None,
              open_lo: bool = False) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _fail(source, key, f"expected a number, got {v!r}")
    x = float(v)
    if not math.isfinite(x):
        raise _fail(source, key, f"must be finite, got {v!r}")
    if lo is not None and (x < lo or (open_lo and x == lo)):
        raise _fail(source, key, f"must be {'>' if open_lo else '>='} {lo}, got {v}")
    if hi is not None and x > hi:
        raise _fail(source, key, f"must be <= {hi}, got {v}")
    return x


def _as_str(source: str, key: str, v: Any, choices: tuple[str, ...] | None = None) -> str:
    if not isinstance(v, str):
        raise _fail(source, key, f"expected a string, got {v!r}")
    if choices is not None and v not in choices:
        raise _fail(source, key, f"unknown value {v!r} (choose one of: {', '.join(choices)})")
    return v


def _activation(source: str, key: str, v: Any) -> Activation:
    if isinstance(v, str):
        name, given = v, {}
    elif isinstance(v, Mapping):
        if "name" not in v:
            raise _fail(source, key, "an activation table needs a 'name'")
        name = _as_str(source, f"{key}.name", v["name"])
        given = {k: x for k, x in v.items() if k != "name"}
    else:
        raise _fail(source, key, f"expected an activation name, got {v!r}")
    if name in REFUSED_ACTIVATIONS:
        raise _fail(source, key, f"activation '{name}' is refused: {REFUSED_ACTIVATIONS[name]}")
    if name not in ACTIVATIONS:
        raise _fail(source, key, f"unknown activation '{name}' (known: {', '.join(sorted(ACTIVATIONS))})")
    entry = activation_entry(name)
    params = []
    for pk in given:
        if pk not in entry.params:
            allowed = ", ".join(entry.params) or "none"
            raise _fail(source, f"{key}.{pk}", f"unknown parameter for '{name}' (allowed: {allowed})")
    for pk, default in entry.params.items():
        params.append((pk, _as_float(source, f"{key}.{pk}", given.get(pk, default))))
    return Activation(name, tuple(params))


def build_spec(
    layers: list[int] | tuple[int, ...],
    activations: list[Any] | tuple[Any, ...],
    loss: str,
    *,
    name: str = "network",
    description: str = "",
    conventions: Mapping[str, Any] | Conventions | None = None,
    notation: Mapping[str, Any] | Notation | None = None,
    training: Mapping[str, Any] | Training | None = None,
    data: Mapping[str, Any] | Data | None = None,
    source: str = "<api>",
) -> NetworkSpec:
    """Validate the parts of a network and return a NetworkSpec (the Python API)."""
    s = source
    name = _as_str(s, "network.name", name)
    if not NAME_RE.match(name):
        raise _fail(s, "network.name", f"{name!r} is not a valid name (a letter, then letters, digits or _;"
                    " at most 64 characters)")
    if keyword.iskeyword(name):
        raise _fail(s, "network.name", f"{name!r} is a Python keyword; the name becomes the generated"
                    " module's name, so choose another")
    if not isinstance(description, str) or len(description) > 2000:
        raise _fail(s, "network.description", "must be plain text of at most 2000 characters")
    bad = next((c for c in description if unicodedata.category(c)[0] == "C"
                or unicodedata.category(c) in ("Zl", "Zp")), None)
    if bad is not None:
        raise _fail(s, "network.description", f"must be one line of plain text (it becomes a comment"
                    f" in the generated code); found {bad!r}")
    if not isinstance(layers, (list, tuple)) or len(layers) < 2:
        raise _fail(s, "network.layers", "expected a list of at least 2 widths (input, ..., output)")
    widths = tuple(_as_int(s, f"network.layers[{i}]", w, lo=1) for i, w in enumerate(layers))
    if not isinstance(activations, (list, tuple)):
        raise _fail(s, "network.activations", "expected a list of activation names")
    if len(activations) != len(widths) - 1:
        raise _fail(s, "network.activations", f"expected {len(widths) - 1} activations (one per non-input"
                    f" layer), got {len(activations)}")
    acts = tuple(_activation(s, f"network.activations[{i}]", a) for i, a in enumerate(activations))
    loss = _as_str(s, "network.loss", loss)
    if loss not in LOSSES:
        raise _fail(s, "network.loss", f"unknown loss '{loss}' (known: {', '.join(sorted(LOSSES))})")
    for i, a in enumerate(acts):
        if activation_entry(a.name).vector_valued and widths[i + 1] < 2:
            raise _fail(s, f"network.activations[{i}]", f"'{a.name}' needs a layer of width >= 2,"
                        f" layer {i + 1} has width {widths[i + 1]}")
    lentry = loss_entry(loss)
    out_act = activation_entry(acts[-1].name)
    if lentry.needs_probabilities and not out_act.output_in_unit_interval:
        raise _fail(s, "network.loss", f"'{loss}' needs outputs in (0, 1), but the output activation"
                    f" '{acts[-1].name}' does not produce them (use sigmoid or softmax)")
    if lentry.needs_distribution and not out_act.vector_valued:
        raise _fail(s, "network.loss", f"'{loss}' needs a probability distribution over the outputs;"
                    f" use softmax on the output layer, not '{acts[-1].name}'")
    if lentry.min_outputs > widths[-1]:
        raise _fail(s, "network.loss", f"'{loss}' needs at least {lentry.min_outputs} outputs,"
                    f" got {widths[-1]}")

    conv = _conventions(s, conventions, lentry.batch)
    nota = _notation(s, notation)
    trn = _training(s, training)
    dat = _data(s, data)
    return NetworkSpec(name=name, layers=widths, activations=acts, loss=loss, conventions=conv,
                       notation=nota, training=trn, data=dat, description=description, source=source)


def _conventions(s: str, c: Any, batch: str) -> Conventions:
    if isinstance(c, Conventions):
        return replace(c, batch=batch)
    c = dict(c or {})
    _check_keys(s, "conventions", c, ("layout", "relu_prime_at_zero", "gelu"))
    return Conventions(
        layout=_as_str(s, "conventions.layout", c.get("layout", "column"), LAYOUTS),
        batch=batch,
        relu_prime_at_zero=_as_float(s, "conventions.relu_prime_at_zero", c.get("relu_prime_at_zero", 0.0),
                                     0.0, 1.0),
        gelu=_as_str(s, "conventions.gelu", c.get("gelu", "exact"), GELU_VARIANTS),
    )


def _notation(s: str, n: Any) -> Notation:
    if isinstance(n, Notation):
        return n
    n = dict(n or {})
    _check_keys(s, "notation", n, ("profile",) + NOTATION_KEYS)
    profile = _as_str(s, "notation.profile", n.pop("profile", "default"), NOTATION_PROFILES)
    over = []
    for k in sorted(n):
        v = _as_str(s, f"notation.{k}", n[k])
        if not v or len(v) > 64 or not re.fullmatch(r"[A-Za-z0-9\\{}_^@()\[\],.+\-' ]+", v):
            raise _fail(s, f"notation.{k}", f"{v!r} is not an accepted LaTeX symbol (letters, digits,"
                        " backslash commands, braces, brackets, parentheses, _ ^ , . + - ', and @ for the layer number;"
                        " at most 64 characters)")
        bad = sorted(set(re.findall(r"\\([A-Za-z]+)", v)) - SAFE_LATEX_COMMANDS)
        if bad:
            raise _fail(s, f"notation.{k}", f"\\{bad[0]} is not allowed in a symbol (allowed commands: Greek"
                        " letters and font or accent commands such as \\mathbf, \\vec, \\hat)")
        if not _balanced(v):
            raise _fail(s, f"notation.{k}", f"{v!r} has unbalanced braces")
        over.append((k, v))
    return Notation(profile, tuple(over))


def _balanced(text: str) -> bool:
    depth = 0
    for c in text:
        depth += {"{": 1, "}": -1}.get(c, 0)
        if depth < 0:
            return False
    return depth == 0


def _training(s: str, t: Any) -> Training:
    if isinstance(t, Training):
        return t
    t = dict(t or {})
    _check_keys(s, "training", t, tuple(Training.__dataclass_fields__))
    d = Training()
    return Training(
        epochs=_as_int(s, "training.epochs", t.get("epochs", d.epochs), lo=1),
        batch_size=_as_int(s, "training.batch_size", t.get("batch_size", d.batch_size), lo=0),
        learning_rate=_as_float(s, "training.learning_rate", t.get("learning_rate", d.learning_rate), 0.0,
                                open_lo=True),
        seed=_as_int(s, "training.seed", t.get("seed", d.seed), lo=0),
        tolerance=_as_float(s, "training.tolerance", t.get("tolerance", d.tolerance), 0.0),
        loss_tolerance=_as_float(s, "training.loss_tolerance", t.get("loss_tolerance", d.loss_tolerance), 0.0),
        target_loss=_as_float(s, "training.target_loss", t.get("target_loss", d.target_loss), 0.0),
        test_fraction=_as_float(s, "training.test_fraction", t.get("test_fraction", d.test_fraction), 0.0, 0.9),
        dtype=_as_str(s, "training.dtype", t.get("dtype", d.dtype), ("float64", "float32")),
        shuffle=_as_bool(s, "training.shuffle", t.get("shuffle", d.shuffle)),
        standardize=_as_bool(s, "training.standardize", t.get("standardize", d.standardize)),
        init=_init_path(s, t.get("init", d.init)),
    )


def _init_path(s: str, v: Any) -> str:
    v = _as_str(s, "training.init", v)
    if v and Path(v).suffix.lower() != ".npz":
        raise _fail(s, "training.init", f"{v!r} is not an .npz parameter file (W1, b1, W2, ...)")
    return v


def _as_bool(s: str, key: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise _fail(s, key, f"expected true or false, got {v!r}")
    return v


def _data(s: str, d: Any) -> Data:
    if isinstance(d, Data):
        return d
    d = dict(d or {})
    _check_keys(s, "data", d, ("source", "target", "features"))
    feats = d.get("features", [])
    if not isinstance(feats, list) or not all(isinstance(f, str) for f in feats):
        raise _fail(s, "data.features", "expected a list of column names")
    target = d.get("target", [])
    target = [target] if isinstance(target, str) and target else [] if target == "" else target
    if not isinstance(target, list) or not all(isinstance(t, str) and t for t in target):
        raise _fail(s, "data.target", "expected a column name or a list of column names")
    if len(set(target)) != len(target):
        raise _fail(s, "data.target", f"a column is named twice in {target}")
    return Data(source=_as_str(s, "data.source", d.get("source", "")), target=tuple(target),
                features=tuple(feats))


def spec_from_dict(doc: Mapping[str, Any], source: str = "<dict>") -> NetworkSpec:
    """Validate a parsed TOML document (top-level tables) into a NetworkSpec."""
    _check_keys(source, "", doc, ("network", "conventions", "notation", "training", "data"))
    if "network" not in doc or not isinstance(doc["network"], Mapping):
        raise _fail(source, "network", "missing [network] table")
    net = dict(doc["network"])
    _check_keys(source, "network", net, ("name", "description", "layers", "activations", "loss"))
    for k in ("layers", "activations", "loss"):
        if k not in net:
            raise _fail(source, f"network.{k}", "missing required key")
    for k in ("conventions", "notation", "training", "data"):
        if k in doc and not isinstance(doc[k], Mapping):
            raise _fail(source, k, "expected a table")
    default_name = Path(source).stem if source.endswith(".toml") else "network"
    default_name = re.sub(r"[^A-Za-z0-9_]", "_", default_name)
    if not default_name[:1].isalpha():
        default_name = "net_" + default_name
    return build_spec(net["layers"], net["activations"], net["loss"],
                      name=net.get("name", default_name), description=net.get("description", ""),
                      conventions=doc.get("conventions"), notation=doc.get("notation"),
                      training=doc.get("training"), data=doc.get("data"), source=source)


def load_spec(path: str | Path) -> NetworkSpec:
    """Read and validate a TOML spec file; every problem is a SpecError naming file and key."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{p}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(f"{p}: cannot read: {e}") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{p}: malformed TOML: {e}") from None
    return spec_from_dict(doc, source=str(p))
