"""The house by stage: imports point down the layers, no circles, small files, a docstring each."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("derive", "codegen", "training", "nnderive")
# Layers, lowest first: a module may import its own layer or any lower one, never a higher one.
LAYERS = (
    ("core", lambda m: m == "derive" or (m.count(".") == 1 and m.startswith("derive.")
                                          and m not in ("derive.present", "derive.check"))),
    ("present", lambda m: m.startswith("derive.present")),
    ("check", lambda m: m.startswith("derive.check")),
    ("codegen", lambda m: m.startswith("codegen")),
    ("training", lambda m: m.startswith("training")),
    ("cli", lambda m: m.startswith("nnderive")),
)


def modules() -> dict[str, Path]:
    out = {}
    for pkg in PACKAGES:
        for f in sorted((ROOT / pkg).rglob("*.py")):
            rel = f.relative_to(ROOT).with_suffix("")
            parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
            out[".".join(parts)] = f
    return out


MODULES = modules()


def layer(module: str) -> int:
    for i, (_, test) in enumerate(LAYERS):
        if test(module):
            return i
    raise AssertionError(f"{module} is in no layer")


def imports(module: str, path: Path) -> set[str]:
    """Every project module that module imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            while n and n not in MODULES:
                n = n.rpartition(".")[0]
            if n and n != module:
                found.add(n)
    return found


GRAPH = {m: imports(m, p) for m, p in MODULES.items()}


def test_every_package_is_found():
    assert {"derive.engine", "derive.check.syntax", "derive.present.builder", "codegen.emit",
            "training.loop", "nnderive.cli"} <= set(MODULES)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module):
    up = sorted(t for t in GRAPH[module] if layer(t) > layer(module)
                and not (module == "derive" or t == "derive"))
    assert up == [], f"{module} ({LAYERS[layer(module)][0]}) imports a higher layer: {up}"


def test_nothing_imports_the_command_line():
    users = sorted(m for m, targets in GRAPH.items() if not m.startswith("nnderive")
                   and any(t.startswith("nnderive") for t in targets))
    assert users == []


def test_no_import_circles():
    # Tarjan's strongly connected components over module -> imported module; an edge into a
    # package's __init__ (its face, which only re-exports) does not count
    faces = {m for m, p in MODULES.items() if p.name == "__init__.py"}
    graph = {m: {t for t in ts if t not in faces} for m, ts in GRAPH.items()}
    index, low, stack, on, comps = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    circles = [sorted(c) for c in comps if len(c) > 1]
    assert circles == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_small_rooms_with_a_docstring(module):
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    limit = 600 if module.startswith("derive.check") else 800
    assert len(text.splitlines()) <= limit, f"{path.relative_to(ROOT)} has over {limit} lines"
    doc = ast.get_docstring(ast.parse(text))
    assert doc and doc.strip(), f"{path.relative_to(ROOT)} has no opening docstring"


def test_no_invalid_escape_sequences():
    """A docstring with TeX in it (\\psi, \\Delta) is a raw string: an invalid escape is a SyntaxWarning
    today and an error in a later Python (this test catches those; a valid one, \\theta, is a tab)."""
    import warnings

    bad = []
    for name, path in modules().items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                compile(path.read_text(encoding="utf-8"), str(path), "exec")
            except SyntaxError as e:
                bad.append(f"{name}: {e.msg}")
    assert not bad, bad
