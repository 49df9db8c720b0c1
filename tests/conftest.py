"""Shared fixtures: `cli` runs the command line in a scratch folder."""

from __future__ import annotations

import pytest

from codegen import modules
from nnderive.cli import main


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
