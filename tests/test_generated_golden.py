"""generated/ must equal a fresh generation of every example spec, and each module must pass verification.

To accept new output after an intended change, rewrite generated/ with:
    NNDERIVE_UPDATE_GOLDEN=1 pytest tests/test_generated_golden.py
"""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path

import pytest

from codegen.emit import generate
from codegen.modules import default_path, load_module, write_module
from codegen.verify_generated import check_finite_differences, check_symbolic, sample_point
from derive.pipeline import derive
from derive.spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
UPDATE = os.environ.get("NNDERIVE_UPDATE_GOLDEN") == "1"


def _network_specs() -> list[Path]:
    # examples/ also holds worked-example value files; only files with a [network] table are specs
    return [p for p in sorted((ROOT / "examples").glob("*.toml"))
            if "network" in tomllib.loads(p.read_text(encoding="utf-8"))]


SPECS = _network_specs()
GENERATED = sorted(p for p in (ROOT / "generated").glob("*.py") if p.name != "__init__.py")


@pytest.mark.parametrize("spec_path", SPECS, ids=lambda p: p.stem)
def test_generated_is_current(spec_path, tmp_path):
    spec = load_spec(spec_path)
    fresh = write_module(generate(spec), tmp_path / f"{spec.name}.py").read_text(encoding="utf-8")
    golden = default_path(spec)
    old = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if old != fresh and UPDATE:
        write_module(generate(spec), golden)
        return
    diff = "".join(difflib.unified_diff(old.splitlines(keepends=True), fresh.splitlines(keepends=True),
                                        fromfile=str(golden), tofile="regenerated"))
    assert not diff, (f"{golden} is stale; rewrite it with NNDERIVE_UPDATE_GOLDEN=1 pytest"
                      f" tests/test_generated_golden.py\n{diff}")


def test_generated_holds_exactly_the_example_specs():
    assert {p.stem for p in GENERATED} == {load_spec(p).name for p in SPECS}


@pytest.mark.parametrize("module_path", GENERATED, ids=lambda p: p.stem)
def test_generated_module_passes_both_checks(module_path):
    module = load_module(module_path)
    spec = next(s for s in map(load_spec, SPECS) if s.name == module.SPEC_NAME)
    d = derive(spec, layout="row")
    rng = __import__("numpy").random.default_rng(12345)
    params, X, Ym, Y1 = sample_point(module, d, rng)
    n_sym, _ = check_symbolic(module, d, params, X, Ym, Y1)
    n_fd, _ = check_finite_differences(module, params, X, Ym, rng, spec.name)
    assert n_sym == sum(v.size for v in params.values()) and n_fd > 0
