"""Spec validation: every bad spec gets one message naming file, key and problem; the CLI exits 2."""

import pytest

from derive.errors import SpecError
from derive.spec import build_spec, load_spec, spec_from_dict
from nnderive.cli import main

GOOD = """
[network]
layers = [3, 5, 2]
activations = ["sigmoid", "linear"]
loss = "half_sse"
"""

BAD = [
    # (toml text, words the message must contain)
    ("[network]\nlayers = [3, 2]\nactivations = ['sigmoid']\nloss = 'mse'\ncolour = 1\n", ["network.colour", "unknown key"]),
    ("[netwrk]\nlayers = [3, 2]\n", ["netwrk", "unknown key"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['swish2']\nloss = 'mse'\n", ["activations[0]", "swish2"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['sigmoid']\nloss = 'hinge'\n", ["network.loss", "hinge"]),
    ("[network]\nlayers = [3, 0]\nactivations = ['sigmoid']\nloss = 'mse'\n", ["layers[1]", ">= 1"]),
    ("[network]\nlayers = [3, 2, 2]\nactivations = ['sigmoid']\nloss = 'mse'\n", ["network.activations", "expected 2"]),
    ("[network]\nlayers = [3, 1]\nactivations = ['softmax']\nloss = 'mse'\n", ["activations[0]", "width >= 2"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['linear']\nloss = 'bce'\n", ["network.loss", "(0, 1)"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['sigmoid']\nloss = 'cce'\n", ["network.loss", "softmax"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['sign']\nloss = 'mse'\n", ["activations[0]", "not differentiable"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['binary_step']\nloss = 'mse'\n", ["binary_step", "refused"]),
    ("[network]\nlayers = [3, 2\n", ["malformed TOML"]),
    ("[network]\nlayers = [3, 2]\nactivations = ['sigmoid']\n", ["network.loss", "missing"]),
    ("[network]\nlayers = 3\nactivations = ['sigmoid']\nloss = 'mse'\n", ["network.layers"]),
    ("[network]\nlayers = [3, 2]\nactivations = [{name = 'leaky_relu', slop = 0.1}]\nloss = 'mse'\n",
     ["activations[0].slop", "slope"]),
    ("[network]\nname = 'x\"); import os'\nlayers = [3, 2]\nactivations = ['sigmoid']\nloss = 'mse'\n",
     ["network.name", "not a valid name"]),
    (GOOD + "[conventions]\nlayout = 'diagonal'\n", ["conventions.layout", "diagonal"]),
    (GOOD + "[training]\nepochs = 0\n", ["training.epochs", ">= 1"]),
    (GOOD + "[notation]\nprofile = 'article999'\n", ["notation.profile", "article999"]),
    # names and text that reach generated code are refused here, where the file is known
    ("[network]\nname = 'import'\nlayers = [3, 2]\nactivations = ['sigmoid']\nloss = 'mse'\n",
     ["network.name", "'import' is a Python keyword"]),
    ('[network]\ndescription = "two\\nlines"\nlayers = [3, 2]\nactivations = [\'sigmoid\']\nloss = \'mse\'\n',
     ["network.description", "one line", "'\\n'"]),
    (GOOD + "[training]\ntarget_loss = -1\n", ["training.target_loss", ">= 0"]),
    (GOOD + "[training]\nstandardize = 'no'\n", ["training.standardize", "true or false"]),
    (GOOD + "[training]\ninit = 'w.txt'\n", ["training.init", "not an .npz"]),
    (GOOD + "[data]\ntarget = 3\n", ["data.target", "column name"]),
    (GOOD + "[data]\ntarget = ['a', 'a']\n", ["data.target", "named twice"]),
]


@pytest.mark.parametrize("text, words", BAD)
def test_bad_spec_message_and_exit_code(tmp_path, capsys, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as err:
        load_spec(path)
    for w in words:
        assert w in str(err.value)
    assert str(path) in str(err.value)
    assert main(["derive", str(path)]) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1 and str(path) in captured.err


def test_missing_file_exits_2(tmp_path, capsys):
    assert main(["derive", str(tmp_path / "nope.toml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_toml_and_python_api_give_the_same_spec(tmp_path):
    path = tmp_path / "net.toml"
    path.write_text(GOOD + "[conventions]\nrelu_prime_at_zero = 0.5\n")
    from_file = load_spec(path)
    from_api = build_spec([3, 5, 2], ["sigmoid", "linear"], "half_sse", name="net",
                          conventions={"relu_prime_at_zero": 0.5}, source=str(path))
    assert from_file == from_api
    assert from_file.hash() == from_api.hash()


@pytest.mark.parametrize("loss, batch", [("half_sse", "sum"), ("sse", "sum"), ("mse", "mean"),
                                         ("half_mse", "mean")])
def test_loss_fixes_batch_convention(loss, batch):
    assert build_spec([2, 1], ["linear"], loss).conventions.batch == batch


def test_activation_parameters_default_and_override():
    s = spec_from_dict({"network": {"layers": [2, 3, 1], "loss": "mse",
                                    "activations": [{"name": "leaky_relu", "slope": 0.2}, "elu"]}})
    assert s.activations[0].param("slope") == 0.2
    assert s.activations[1].param("alpha") == 1.0


def test_shapes():
    assert build_spec([4, 2, 3], ["relu", "sigmoid"], "half_mse").shapes() == {
        "W1": (2, 4), "b1": (2,), "W2": (3, 2), "b2": (3,)}


@pytest.mark.parametrize("symbol, ok", [
    ("\\Theta^{(@)}", True), ("\\mathbf{w}^{@}", True), ("h_{@}", True), ("\\varepsilon^{@}", True),
    ("\\input{/etc/passwd}", False), ("\\write18{ls}", False), ("W^{@", False), ("$x$", False),
])
def test_notation_overrides_accept_symbols_and_refuse_commands(symbol, ok):
    doc = {"network": {"layers": [2, 1], "activations": ["linear"], "loss": "mse"},
           "notation": {"weight": symbol}}
    if ok:
        assert spec_from_dict(doc).notation.overrides == (("weight", symbol),)
    else:
        with pytest.raises(SpecError, match="notation.weight"):
            spec_from_dict(doc)
