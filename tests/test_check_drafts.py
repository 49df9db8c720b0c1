"""Two teaching drafts checked with --doc as a user would (tests/drafts): scalar and network claims,
definitions, worked numbers to a stated rounding, letters reused between sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnderive.cli import main

DRAFTS = Path(__file__).resolve().parent / "drafts"

EXPECTED = {  # file -> (exit code, {line: verdict of each equation on it, in order})
    "lesson.md": (1, {
        9: ["holds"], 13: ["holds"], 17: ["holds"],
        21: ["definition"] * 3, 23: ["definition"], 25: ["holds"], 27: ["definition"],
        29: ["holds"],                      # a = 0.6682: to the 4 decimals the document states
        33: ["definition", "holds"],        # y = 1, then C = 0.0550 (computed from the exact a)
        35: ["holds"], 37: ["holds"],       # a derivative's value, also to the stated rounding
        41: ["skipped", "holds"], 42: ["holds", "holds"],
        44: ["holds"], 46: ["holds"], 48: ["holds"], 50: ["holds"],   # BP1-BP4 after the one-neuron example
        54: ["fails"],                      # the index swap the draft shows as a mistake
    }),
    "notes.tex": (1, {
        7: ["definition"],
        18: ["definition"] * 3, 20: ["definition"], 21: ["definition"],
        23: ["holds", "holds", "definition"],   # z = -0.5, \hat{y} = 0.378, and y = 1 defines the label
        25: ["definition"], 27: ["holds"],
        29: ["holds"], 31: ["holds"],           # dL/dz of the one neuron, read as scalar
        33: ["holds", "holds"],
        # 35 (Goodfellow's g <- g . f'(a^{(k)}), true) fails under the section 2 cost L: a network-checker
        # gap with a given cost in \hat{y} (reported, not pinned here); 36 is a tensor derivative
        37: ["fails"],                          # Goodfellow's W^{(k)\top} written without the transpose
    }),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_draft(capsys, name):
    code, lines = EXPECTED[name]
    got = main(["check", "--doc", str(DRAFTS / name), "--jobs", "1"])
    out = capsys.readouterr().out
    rows: dict[int, list[str]] = {}
    for line in out.splitlines():
        head, _, rest = line.partition(": ")
        if head.startswith(str(DRAFTS / name) + ":"):
            rows.setdefault(int(head.rsplit(":", 1)[1]), []).append(rest.split(":")[0].split(" ")[0])
    assert got == code, out
    for n, verdicts in lines.items():
        assert rows.get(n) == verdicts, (n, rows.get(n), out)
    assert "Sigmoid(" not in out and "- -" not in out      # no internal names, no double minus
