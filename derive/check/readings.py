"""Spellings with two readings that the scalar decider checks under both: a Greek letter before parentheses."""

from __future__ import annotations

from .dialect import GREEK
from .syntax import Node
from .tree import iter_nodes


def _greek_name(n: Node) -> str | None:
    if n.kind == "postfix" and n.args[0].kind == "command":
        name = str(n.args[0].args[0]).lstrip("\\")
        return name if name in GREEK else None
    return None


def primed_greek(rel: Node, defs) -> set[str]:
    r"""Greek letters written with a prime (\psi'(x)): functions, whatever else the claim writes."""
    from .context import builtin_function

    out = {g for n in iter_nodes(rel) if (g := _greek_name(n)) and any(s[0] == "prime" for s in n.scripts)}
    return {g for g in out if builtin_function(g) is None and g not in defs.symbols and g not in defs.functions}


def applied_greek(rel: Node, defs) -> set[str]:
    """Letters that every occurrence writes before a parenthesised group (\\psi(x+y), \\zeta(s), p(x+y))
    and that nothing defines and no builtin function names: \\psi(x) is a function of x in most texts,
    \\lambda(a+b) a product. Read as a number only, \\psi(x+y) = \\psi(x) + \\psi(y) would 'hold' by the
    distributive law, so both readings are decided and a disagreement is reported as ambiguous. A letter
    also written alone (\\lambda a + \\lambda b) or inside its own parentheses (x(x+1), n(n+1)) is a number."""
    from .context import builtin_function
    from .tree import GENERIC_LETTERS

    applied: dict[str, bool] = {}
    for n in iter_nodes(rel):
        if n.kind != "postfix" or n.args[0].kind not in ("command", "letter"):
            continue
        name = _greek_name(n) if n.args[0].kind == "command" else str(n.args[0].args[0])
        if name and (n.scripts or (n.args[0].kind == "letter" and (len(name) != 1 or name in GENERIC_LETTERS
                                                                       or name == "e"))):
            applied[name] = False
        elif name:
            applied.setdefault(name, True)
    for n in iter_nodes(rel):
        if n.kind != "juxt":
            continue
        items = list(n.args)
        for k, it in enumerate(items):
            name = _greek_name(it) if it.kind == "postfix" and it.args[0].kind == "command" else (
                str(it.args[0].args[0]) if it.kind == "postfix" and it.args[0].kind == "letter" else None)
            if name not in applied or not applied[name]:
                continue
            nxt = items[k + 1] if k + 1 < len(items) else None
            followed = nxt is not None and nxt.kind == "postfix" and nxt.args[0].kind == "paren" and not nxt.scripts
            inside = followed and any(_name_of(m) == name for m in iter_nodes(nxt.args[0]))
            applied[name] = followed and not inside
    # an occurrence outside any product (x alone on one side) is a number too
    for n in iter_nodes(rel):
        if n.kind == "juxt" and len(n.args) == 1 and _name_of(n.args[0]) in applied:
            applied[_name_of(n.args[0])] = False
    return {g for g, ok in applied.items() if ok and builtin_function(g) is None
            and g not in defs.symbols and g not in defs.functions and g not in ("pi",)}


def _name_of(n: Node) -> str | None:
    if n.kind != "postfix":
        return None
    if n.args[0].kind == "command":
        return _greek_name(n)
    return str(n.args[0].args[0]) if n.args[0].kind == "letter" else None


def greek_reading(env, rel: Node, defs, reading: str) -> None:
    """Under the primary reading an applied Greek letter is an arbitrary function, under the alternative a
    number times the parentheses; the spot is recorded so that both are decided."""
    primed = primed_greek(rel, defs)
    env.function_letters = set(env.function_letters) | primed
    greek = applied_greek(rel, defs) - primed
    for g in sorted(greek):
        env.spots.append(f"\\{g}(\\ldots) is read as " + ("a function applied to its argument" if reading == "primary"
                                                            else f"the number \\{g} times the parentheses"))
    if reading == "primary":
        env.function_letters = set(env.function_letters) | greek


def two_reading_fix(spots) -> str:
    """What the author can write to say which reading is meant."""
    if any(s.startswith("\\lg") for s in spots):
        return "write \\log_2 or \\log_{10}"
    greek = next((s.split("(")[0] for s in spots if "(\\ldots) is read as" in s), None)
    if greek:
        return f"give the function with --given (e.g. '{greek}(x) = ...'), or write \\cdot for a product"
    return "add parentheses to say which is meant"
