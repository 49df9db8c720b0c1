"""Several statements on one line: claims, the conditions they are stated under, and what is only text.

Authors put several relations on one line (CS231n: ``dW = X^T dout, \\quad db = \\sum dout``) and
state conditions after a claim (``\\sqrt{x^2} = x, \\quad x > 0``, ``\\text{for } x \\ne 0``). The
line is cut at its top-level separators (``,`` ``;`` ``\\quad`` ``\\qquad`` ``\\hspace{...}``
``\\text{and}`` ``\\rightarrow`` ``\\Rightarrow`` ``\\implies`` ``\\\\``); each piece with an equation is
a claim of its own; a piece after ``\\text{for}``/``where``/``if``, or an inequality or ``\\in``
after a claim, is a condition of the claim before it; a piece without a relation is a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dialect import COMPARISONS, SEPARATOR_COMMANDS, TEXT_COMMANDS
from .tokens import tokenize
from .updates import update_rule

QUALIFIER_WORDS = ("for", "where", "if", "when", "with", "since", "as", "provided", "given", "assuming",
                   "on", "because", "by", "at")
# the qualifiers whose equality is a condition ("where", "with" introduce a definition instead)
CONDITION_WORDS = ("for", "since", "if", "when", "provided", "given", "assuming", "as", "at")
JOINING_WORDS = ("and", "also", "hence", "so", "thus", "then", "or", "i.e.", "ie", ",", "", "while")
EQUATION_OPS = ("=", ":=", "approx", "equiv", "leftarrow", "gets", "coloneqq", "propto")


@dataclass
class Statement:
    """One piece of a line: its text, whether it is a claim, and the conditions stated after it."""

    text: str
    claim: bool
    conditions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    update: bool = False      # w \\rightarrow w - \\eta g: an update rule, not an identity
    why: str = ""             # why it is an update rule (updates.update_rule), in words


def _top_relations(text: str) -> list[str]:
    """The relation symbols of text outside brackets ('=', 'le', 'in', ...)."""
    out, depth = [], 0
    toks = tokenize(text)
    for k, t in enumerate(toks):
        if t.kind == "char" and t.text in "({[":
            depth += 1
        elif t.kind == "char" and t.text in ")}]":
            depth -= 1
        elif t.kind == "cs" and t.text in ("left", "begin"):
            depth += 1
        elif t.kind == "cs" and t.text in ("right", "end"):
            depth -= 1
        elif depth == 0:
            if t.kind == "char" and t.text in "=<>":
                if t.text == "=" and k and toks[k - 1].kind == "char" and toks[k - 1].text == ":":
                    out[-1:] = [":="]
                    continue
                out.append(t.text)
            elif t.kind == "char" and t.text == ":" and k + 1 < len(toks) and toks[k + 1].text == "=":
                out.append(":")
            elif t.kind == "cs" and (t.text in COMPARISONS or t.text in EQUATION_OPS or t.text == "in"):
                out.append(t.text)
    return out


_SPACES = ("quad", "qquad", "hspace", "hspace*")
_RELATION_CS = set(COMPARISONS) | {"approx", "equiv", "coloneqq", "propto"}


def _beside_relation(toks, k: int) -> bool:
    """Whether the token before or after toks[k] (past a \\hspace's braces) is a relation symbol."""
    def rel(t):
        return (t.kind == "char" and t.text in "=<>") or (t.kind == "cs" and t.text in _RELATION_CS)
    j = k + 1
    if toks[k].text.startswith("hspace") and j < len(toks) and toks[j].is_char("{"):
        while j < len(toks) and not toks[j].is_char("}"):
            j += 1
        j += 1
    return (k > 0 and rel(toks[k - 1])) or (j < len(toks) and rel(toks[j]))


def _text_body(text: str, start: int) -> tuple[str, int]:
    """The body of a {...} group starting at start (the index of '{'), and the index after it."""
    depth, j = 0, start
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1:j], j + 1
        j += 1
    return text[start + 1:], len(text)


def split_statements(text: str) -> list[Statement]:
    """The statements of one line of LaTeX (already stripped of $...$ and the like)."""
    toks = tokenize(text)
    pieces: list[tuple[str, str]] = []     # (joining word before the piece, text)
    depth, env, start, word = 0, 0, 0, ""
    k = 0
    while k < len(toks):
        t = toks[k]
        cut = None
        if t.kind == "char" and t.text in "({[":
            depth += 1
        elif t.kind == "char" and t.text in ")}]":
            depth -= 1
        elif t.kind == "cs" and t.text == "left":
            depth += 1
        elif t.kind == "cs" and t.text == "right":
            depth -= 1
        elif t.kind == "cs" and t.text == "begin":
            env += 1
        elif t.kind == "cs" and t.text == "end":
            env -= 1
        elif depth == 0 and env == 0 and t.kind == "cs" and t.text in _SPACES and _beside_relation(toks, k):
            pass        # x + 1 \\quad = \\quad 1 + x: spacing around the relation, not a separator
        elif depth == 0 and env == 0:
            if t.kind == "char" and t.text in ",;":
                cut = (t.start, t.end, ",")
            elif t.kind == "cs" and t.text in ("hspace", "hspace*", "vspace"):
                brace = text.find("{", t.end)
                _, after = _text_body(text, brace) if brace >= 0 else ("", t.end)
                cut = (t.start, after, "")
            elif t.kind == "cs" and t.text in SEPARATOR_COMMANDS or (t.kind == "cs" and t.text in ("to", "\\")):
                arrow = t.text in ("rightarrow", "to", "longrightarrow", "mapsto")
                cut = (t.start, t.end, "->" if arrow else "")
            elif t.kind == "cs" and t.text in TEXT_COMMANDS:
                brace = text.find("{", t.end)
                if brace >= 0 and not text[t.end:brace].strip():
                    body, after = _text_body(text, brace)
                    w = " ".join(body.replace(",", " , ").split()).lower()
                    first = w.split(" ")[0] if w else ""
                    if w in JOINING_WORDS or first in QUALIFIER_WORDS or first in ("and", "or"):
                        cut = (t.start, after, w)
        if cut is not None:
            pieces.append((word, text[start:cut[0]]))
            word, start = cut[2], cut[1]
            while k + 1 < len(toks) and toks[k + 1].start < cut[1]:
                k += 1
        k += 1
    pieces.append((word, text[start:]))
    return _classify(pieces)


def _classify(pieces) -> list[Statement]:
    out: list[Statement] = []
    qualifying = False
    pending: list[str] = []           # \\forall x > 0, ...: conditions written before the claim
    previous = ""
    for word, piece in pieces:
        body = piece.strip()
        if body.startswith("\\forall"):
            cond = body[len("\\forall"):].strip()
            if _top_relations(cond) and not any(r in EQUATION_OPS for r in _top_relations(cond)):
                pending.append(cond)
            previous = body
            continue
        first = word.split(" ")[0] if word else ""
        if first in QUALIFIER_WORDS:
            qualifying = True
            rest = word[len(first):].strip(" ,")
            body = (rest + " " + body).strip() if rest and rest not in ("all",) else body
        elif word in ("and", "or", "also", "hence", "so", "thus", "then", "while"):
            qualifying = False
        if not body:
            continue
        rels = _top_relations(body)
        eq = any(r in EQUATION_OPS for r in rels)
        if not rels and word == "" and not out:
            previous = body
        if out and any(s.claim for s in out) and (qualifying or not eq):
            last = next(s for s in reversed(out) if s.claim)
            if rels and (not eq or qualifying and first in CONDITION_WORDS and set(rels) == {"="}):
                # x > 0, or an equality stated as a condition (since \sum_k y_k = 1): the claim holds under it
                last.conditions.append(body)
            else:
                last.notes.append(f"the qualifier {((word + ' ') if word else '') + body!r} is not checked")
            continue
        if qualifying and not out:
            qualifying = False
        st = Statement(body, claim=bool(rels), conditions=pending)
        pending = []
        # w_k \\rightarrow w_k' = w_k - \\eta g: the symbol before the arrow is being updated
        if word == "->" and previous and not _top_relations(previous) and eq:
            st.update = True
        elif word == "->" and previous and not _top_relations(previous) and not rels \
                and _uses_symbol(body, previous):
            # w^l \\rightarrow w^l - \\frac{\\eta}{m} \\sum_x ...: Nielsen's update rule, written without '='
            st = Statement(previous + " \\rightarrow " + body, claim=True, update=True,
                           why=f"an update rule: {previous} \\rightarrow ... gives {previous} a new value (a"
                               " training step, not an identity)")
            if out and out[-1].text == previous and not out[-1].claim:
                out.pop()
        elif eq:
            why = update_rule(body)
            if why:
                st.update, st.why = True, why
        out.append(st)
        previous = body
    if not out:
        out.append(Statement("", claim=False))
    return out


def _uses_symbol(body: str, name: str) -> bool:
    """Whether ``body`` spells the symbol ``name`` (w^l in w^l - \\eta g), by its tokens."""
    want = [t.text for t in tokenize(name.strip())]
    got = [t.text for t in tokenize(body)]
    return bool(want) and any(got[k:k + len(want)] == want for k in range(len(got) - len(want) + 1))


_POINT = re.compile(r"^\s*((?:\\[A-Za-z]+|[A-Za-z])(?:_\{?[A-Za-z0-9]+\}?)?)\s*=\s*(-?\s*\d+(?:\.\d+)?(?:/\d+)?)\s*$")


def point_values(conditions, givens):
    """(at, the other conditions, the givens): conditions that only give a letter a number (z = 0.5)
    become --at values; a given defining that letter (z = w^\\top x + b) yields to the worked value."""
    at, rest = [], []
    for c in conditions:
        m = _POINT.match(c)
        if m and m.group(1) not in (a.split("=")[0] for a in at):
            at.append(f"{m.group(1)}={m.group(2).replace(' ', '')}")
        else:
            rest.append(c)
    if not at:
        return (), tuple(conditions), givens
    names = {a.split("=")[0] for a in at}
    kept = [g for g in givens if _given_name(g) not in names]
    return tuple(at), tuple(rest), type(givens)(kept) if isinstance(givens, tuple) else kept


def _given_name(g: str) -> str | None:
    m = re.match(r"^\s*((?:\\[A-Za-z]+|[A-Za-z])(?:_\{?[A-Za-z0-9]+\}?)?)\s*(=|:=)", g)
    return m.group(1) if m else None
