"""Proof certificates: a second derive reuses the proof, --reverify redoes it, and nothing untrustworthy is believed."""

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import derive.pipeline as pipeline
import derive.verify as verify
from derive import certificate
from derive.engine import Equation, build
from derive.pipeline import derive
from derive.spec import build_spec
from nnderive.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPEC = build_spec([3, 4, 2], ["tanh", "softmax"], "cce", name="small")


@pytest.fixture
def proofs(monkeypatch):
    """Counts the proofs actually run (verify_derivation calls) by the pipeline."""
    calls = []
    real = pipeline.verify_derivation

    def counting(d, *a, **k):
        calls.append(d.spec.layers)
        return real(d, *a, **k)

    monkeypatch.setattr(pipeline, "verify_derivation", counting)
    return calls


def test_a_second_derive_reuses_the_certificate(proofs):
    first = derive(SPEC)
    assert not first.verification.cached and "proven now" in first.verification.provenance()
    second = derive(SPEC)
    assert len(proofs) == 1
    v = second.verification
    assert v.cached and "certificate from" in v.provenance() and "cached" in v.provenance()
    # the same proof, described the same way (documents that quote it stay byte-identical)
    assert v.summary() == first.verification.summary()
    assert (v.witnesses, v.entries, v.primitive_proofs) == (first.verification.witnesses,
                                                            first.verification.entries,
                                                            first.verification.primitive_proofs)
    derive(SPEC, reverify=True)
    assert len(proofs) == 2
    assert list(certificate.cache_dir().glob("proofs/.*")) == []  # atomic writes leave no temporaries


def test_the_name_and_training_settings_do_not_matter_but_everything_proven_does(proofs):
    derive(SPEC)
    derive(replace(SPEC, name="other", description="d", training=replace(SPEC.training, epochs=3)))
    assert len(proofs) == 1
    changes = [
        build_spec([3, 5, 2], ["tanh", "softmax"], "cce"),                                  # a width
        build_spec([3, 4, 2], ["sigmoid", "softmax"], "cce"),                               # an activation
        build_spec([3, 4, 2], ["tanh", "softmax"], "sparse_cce"),                           # the loss
        build_spec([3, 4, 2], ["tanh", "softmax"], "cce", conventions={"layout": "row"}),   # layout
    ]
    for s in changes:
        derive(s)
    derive(SPEC, layout="row")  # the derivation's own layout, not only the spec's
    assert len(proofs) == 1 + len(changes) + 1


@pytest.mark.parametrize("a, b", [
    ({"activations": [{"name": "leaky_relu", "slope": 0.1}, "linear"]},
     {"activations": [{"name": "leaky_relu", "slope": 0.2}, "linear"]}),
    ({"conventions": {"relu_prime_at_zero": 0.0}}, {"conventions": {"relu_prime_at_zero": 1.0}}),
    ({"conventions": {"gelu": "exact"}, "activations": ["gelu", "linear"]},
     {"conventions": {"gelu": "tanh"}, "activations": ["gelu", "linear"]}),
])
def test_the_key_covers_parameters_and_conventions(a, b):
    def key(kw):
        kw = {"activations": ["relu", "linear"], **kw}
        return certificate.certificate_key(build(build_spec([2, 3, 2], kw.pop("activations"), "mse", **kw),
                                                 "column"))
    assert key(a) != key(b)


def test_a_new_proof_version_or_proof_code_makes_old_certificates_foreign(proofs, monkeypatch):
    derive(SPEC)
    monkeypatch.setattr(verify, "PROOF_VERSION", verify.PROOF_VERSION + 1)
    derive(SPEC)
    monkeypatch.setattr(certificate, "_SOURCE_DIGEST", ["0" * 64])  # edited verify.py, say
    derive(SPEC)
    assert len(proofs) == 3


def _corrupt(path: Path, how: str) -> None:
    text = path.read_text()
    doc = json.loads(text)
    if how == "garbage":
        path.write_bytes(b"\x00\xff not json")
    elif how == "truncated":
        path.write_text(text[: len(text) // 2])
    elif how == "edited":  # a claim changed without redoing the checksum
        doc["verification"]["entries"] += 1
        path.write_text(json.dumps(doc))
    elif how == "not-an-object":
        path.write_text("[1, 2, 3]")
    elif how == "wrong-types":  # consistent checksum, nonsense inside
        doc["verification"]["entries"] = "many"
        body = {k: v for k, v in doc.items() if k != "checksum"}
        doc["checksum"] = certificate._sha(certificate._canonical(body))
        path.write_text(json.dumps(doc))
    elif how == "foreign":  # another network's certificate under this network's name
        other = build(build_spec([3, 4, 2], ["sigmoid", "softmax"], "cce"), "column")
        derive(other.spec)
        path.write_bytes(certificate.path_for(other).read_bytes())


@pytest.mark.parametrize("how", ["garbage", "truncated", "edited", "not-an-object", "wrong-types", "foreign"])
def test_a_corrupt_or_foreign_certificate_is_ignored_and_redone(how, proofs):
    derive(SPEC)
    path = certificate.path_for(build(SPEC, "column"))
    _corrupt(path, how)
    proven = len(proofs)
    d = derive(SPEC)
    assert not d.verification.cached and len(proofs) == proven + 1
    assert derive(SPEC).verification.cached  # and rewritten, good again
    assert len(proofs) == proven + 1


def test_a_certificate_never_vouches_for_other_equations():
    d = derive(SPEC)
    assert certificate.load(d) is not None
    # the same spec, key and file, but an engine that now builds a wrong equation
    wrong = replace(d, gradients=tuple(Equation(e.name, e.lhs, 2 * e.rhs) if e.name == "grad_W1" else e
                                       for e in d.gradients))
    assert certificate.certificate_key(wrong) == certificate.certificate_key(d)
    assert certificate.load(wrong) is None


def test_an_unwritable_cache_is_not_an_error(monkeypatch, tmp_path, proofs):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NNDERIVE_CACHE_DIR", str(blocker / "cache"))
    assert derive(SPEC).verification.entries > 0
    assert not derive(SPEC).verification.cached and len(proofs) == 2


def test_where_the_cache_lives(monkeypatch, tmp_path):
    monkeypatch.setenv("NNDERIVE_CACHE_DIR", str(tmp_path / "mine"))
    assert certificate.cache_dir() == tmp_path / "mine"
    if sys.platform in ("win32", "darwin"):
        return
    monkeypatch.delenv("NNDERIVE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert certificate.cache_dir() == tmp_path / "xdg" / "nnderive"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # invalid by the XDG spec: ignored
    assert certificate.cache_dir() == Path.home() / ".cache" / "nnderive"


def test_commands_say_whether_they_proved(capsys):
    spec = str(ROOT / "examples" / "article003_3_2_2.toml")
    assert main(["derive", spec]) == 0
    assert "proven now" in capsys.readouterr().out
    assert main(["derive", spec]) == 0
    assert "certificate from" in capsys.readouterr().out
    assert main(["derive", spec, "--reverify"]) == 0
    assert "proven now" in capsys.readouterr().out


def test_a_new_process_reuses_the_certificate():
    # the equations digest must not depend on the process (hash seeds, Dummy numbering)
    spec = str(ROOT / "examples" / "article004_4_2_3.toml")
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        r = subprocess.run([sys.executable, "-m", "nnderive", "derive", spec], capture_output=True, text=True,
                           env=env, check=False)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout.strip().splitlines()[-1])
    assert "proven now" in outs[0] and "certificate from" in outs[1], outs


def test_codegen_says_how_its_derivation_was_proven(tmp_path, capsys):
    spec = str(ROOT / "examples" / "article003_3_2_2.toml")
    out = tmp_path / "m.py"
    assert main(["codegen", spec, "-o", str(out)]) == 0
    assert "proven now" in capsys.readouterr().out
    out.unlink()
    assert main(["codegen", spec, "-o", str(out)]) == 0
    assert "certificate from" in capsys.readouterr().out
    assert main(["codegen", spec, "-o", str(out), "--reverify"]) == 0
    assert "proven now" in capsys.readouterr().out
