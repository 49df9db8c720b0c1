"""One exit-code rule (exitcodes.py): a line, a claims-file entry or a file that cannot be read 2 > fails 1 > undecided 4 > 0."""

from __future__ import annotations

import pytest

from derive.check.exitcodes import worst
from nnderive.cli import main


@pytest.mark.parametrize("codes, code", [
    ([], 0), ([0, 0], 0), ([0, 4], 4), ([4, 1], 1), ([1, 4, 0], 1), ([1, 2], 2), ([2, 1], 2), ([4, 2, 1, 0], 2),
])
def test_worst(codes, code):
    assert worst(codes) == code


GOOD, BAD, UNREAD = r"\frac{d}{dx} x^2 = 2x", r"\frac{d}{dx} x^2 = 3x", r"\frac{d}{dx} x^2 = 2x +"

DOCS = [  # (display equations of one document, exit code)
    ([GOOD], 0),
    ([GOOD, BAD], 1),
    ([GOOD, UNREAD], 2),
    ([BAD, UNREAD], 2),                # inside one document as across files: 2 beats 1
    ([UNREAD, BAD], 2),
    ([r"\frac{d}{dx} \frac{1}{x - x} = 0", BAD], 1),
    ([r"\frac{d}{dx} \frac{1}{x - x} = 0", GOOD], 4),
]


@pytest.mark.parametrize("lines, code", DOCS)
def test_doc_exit_code(tmp_path, capsys, lines, code):
    p = tmp_path / "d.md"
    p.write_text("\n\n".join(f"$${t}$$" for t in lines) + "\n", encoding="utf-8")
    assert main(["check", "--doc", str(p), "--jobs", "1"]) == code
    assert "Traceback" not in capsys.readouterr().err


def test_docs_across_files_same_rule(tmp_path, capsys):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(f"$${BAD}$$\n", encoding="utf-8")
    b.write_text(f"$${UNREAD}$$\n", encoding="utf-8")
    assert main(["check", "--doc", str(a), str(b), "--jobs", "1"]) == 2
    assert main(["check", "--doc", str(a), "--jobs", "1"]) == 1


FILES = [  # (printed claims of one claims file, exit code, words on stderr)
    ([GOOD], 0, []),
    ([GOOD, BAD], 1, ["fails"]),
    ([GOOD, UNREAD], 2, ["c.toml: entry 2: cannot read the claim at line 1, column 23"]),
    ([UNREAD, BAD], 2, ["c.toml: entry 1: cannot read the claim", "fails"]),
    ([r"\frac{d}{dx} \frac{1}{x - x} = 0"], 4, []),
]


@pytest.mark.parametrize("claims, code, words", FILES)
def test_file_exit_code(tmp_path, capsys, claims, code, words):
    p = tmp_path / "c.toml"
    p.write_text("".join(f"[[claim]]\nprinted = '{c}'\n\n" for c in claims), encoding="utf-8")
    assert main(["check", "--file", str(p), "--jobs", "1"]) == code
    cap = capsys.readouterr()
    assert "Traceback" not in cap.err
    for w in words:
        assert w in cap.err, (w, cap.err)
    if code == 2:   # the report says error, not not-checkable, for the unreadable entry
        assert "| error |" in cap.out and "not-checkable" not in cap.out
