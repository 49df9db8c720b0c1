"""Shared test setup: a private proof-certificate cache for every test, and `cli` for the command line."""

from __future__ import annotations

import pytest

from codegen import modules
from nnderive.cli import main


@pytest.fixture(autouse=True)
def _private_certificate_cache(tmp_path_factory, monkeypatch):
    # a fresh folder per test: a certificate cached by one test never spares another its proof,
    # and commands run in subprocesses inherit the variable
    monkeypatch.setenv("NNDERIVE_CACHE_DIR", str(tmp_path_factory.mktemp("nnderive-cache")))


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run `nnderive ...` in tmp_path; returns (exit code, stdout, stderr).

    Nothing is written into the repository's generated/: every spec counts as a user's, whose
    module goes to ./generated/ under tmp_path.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(modules, "is_project_spec", lambda spec: False)

    def run(*argv):
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def pytest_collection_modifyitems(config, items):
    # The JAX tests run last: once jax is imported its threads exist, and the checker forks its
    # workers (derive.check.sandbox/pool); forking a multithreaded process can deadlock.
    items.sort(key=lambda item: item.path.name == "test_jax.py")
