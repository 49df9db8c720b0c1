"""Shared test setup: every test gets its own empty proof-certificate cache, never the user's."""

import pytest


@pytest.fixture(autouse=True)
def _private_certificate_cache(tmp_path_factory, monkeypatch):
    # a fresh folder per test: a certificate cached by one test never spares another its proof,
    # and commands run in subprocesses inherit the variable
    monkeypatch.setenv("NNDERIVE_CACHE_DIR", str(tmp_path_factory.mktemp("nnderive-cache")))
