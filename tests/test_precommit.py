"""The pre-commit hooks nnderive offers: a valid manifest, and each hook's command run as pre-commit runs it."""

import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def hooks() -> list[dict]:
    try:
        from pre_commit.clientlib import load_manifest
    except ImportError:  # without pre-commit: the same required keys, read with PyYAML
        yaml = pytest.importorskip("yaml")
        found = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
        for h in found:
            assert {"id", "name", "entry", "language"} <= set(h), h
        return found
    return load_manifest(str(MANIFEST))  # pre-commit's own schema: raises on an invalid manifest


HOOKS = {h["id"]: h for h in hooks()}


def test_the_manifest_offers_the_check_on_documents():
    assert set(HOOKS) == {"nnderive-check", "nnderive-check-fails"}
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    for h in HOOKS.values():
        assert h["language"] == "python"  # pre-commit installs this repository, which provides:
        assert shlex.split(h["entry"])[0] in scripts
        assert h["entry"].startswith("nnderive check") and h["entry"].endswith("--doc")
        for name, picked in [("notes.md", True), ("a/b/paper.tex", True), ("nb.ipynb", True), ("site.qmd", True),
                             ("README.markdown", True), ("net.toml", False), ("run.py", False), ("md", False)]:
            assert bool(re.search(h["files"], name)) == picked, (h["id"], name)


def run_hook(hook_id: str, files: list[Path], args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """The hook's command as pre-commit builds it: entry, then the hook's args, then the file names;
    `nnderive` is this checkout's (python -m nnderive), not the one on PATH."""
    entry = shlex.split(HOOKS[hook_id]["entry"])
    cmd = [sys.executable, "-m", "nnderive", *entry[1:], *args, *map(str, files)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


DOCS = {
    "holds.md": "# Notes\n\n$$\n\\frac{d}{dx} x^3 = 3x^2\n$$\n",
    "fails.tex": "\\documentclass{article}\n\\begin{document}\n\\[ \\frac{d}{dx} x^2 = x^2 \\]\n\\end{document}\n",
    "undecided.qmd": "---\ntitle: t\n---\n\n$$ \\ln xy = \\ln x + \\ln y $$\n\n$$ \\sigma(z) $$\n",
    "badspec.md": "---\nnnderive:\n  spec: missing.toml\n---\n\n$$ x = x $$\n",
}


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    d = tmp_path_factory.mktemp("docs")
    for name, text in DOCS.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize("hook, names, code", [
    ("nnderive-check", ["holds.md"], 0),
    ("nnderive-check", ["holds.md", "fails.tex"], 1),
    ("nnderive-check", ["holds.md", "undecided.qmd"], 4),  # a claim it cannot decide stops the commit
    ("nnderive-check-fails", ["holds.md", "undecided.qmd"], 0),  # ... unless the author says so
    ("nnderive-check-fails", ["fails.tex", "undecided.qmd"], 1),
    ("nnderive-check", ["badspec.md", "fails.tex"], 2),  # an error beats a failing claim; both reported
])
def test_each_hook_runs_its_command_and_exits_as_ci_reads(docs, hook, names, code):
    r = run_hook(hook, [docs / n for n in names])
    assert r.returncode == code, r.stdout + r.stderr
    said = r.stdout + r.stderr
    for n in names:
        assert str(docs / n) in said  # every file is reported, even after one fails or cannot be read
    if "badspec.md" in names:
        assert r.stderr.strip().splitlines() == [
            f"nnderive: error: {docs / 'badspec.md'}: {docs / 'missing.toml'}: file not found"]


def test_hook_args_come_between_the_entry_and_the_files(docs, tmp_path):
    # `args: [--spec, net.toml]` in the author's config: pre-commit puts them after --doc
    doc = tmp_path / "net.md"
    doc.write_text("$$ \\frac{\\partial \\ell}{\\partial \\vec{z}^{2}} = \\vec{y}^{2} - \\vec{y}^{true} $$\n",
                   encoding="utf-8")
    r = run_hook("nnderive-check", [doc], ("--spec", str(ROOT / "examples" / "article000_3_5_2.toml")))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith(f"{doc}:1: holds")


@pytest.mark.parametrize("argv, words", [
    (["check", "x = x", "--doc", str(ROOT / "README.md")], "give exactly one of: a CLAIM, --file FILE, --doc FILE ('x = x' is not a file)"),
    (["check", "--doc"], "--doc needs at least one FILE"),
    (["check", "x = x", "y = y"], "give the claim as one argument, in quotes: 'x = x y = y'"),
])
def test_doc_and_claim_arguments_stay_apart(capsys, argv, words):
    from nnderive.cli import main

    assert main(argv) == 2
    assert capsys.readouterr().err.strip() == f"nnderive: error: {words}"
