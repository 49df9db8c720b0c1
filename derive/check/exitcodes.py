"""One rule for the exit code of many verdicts (the lines of a document, the entries of a claims file, several files).

Each verdict has the exit code it has for a single claim (compare.EXIT_CODES: holds 0, fails 1, error 2,
undecided 4). Of several, the worst wins, in this order: 2 (something could not be read: the check is
incomplete and the input needs fixing) > 1 (a claim fails) > 4 (not decided) > 0. The same order holds
inside one document, inside one claims file and across files.
"""

from __future__ import annotations

SEVERITY = {0: 0, 4: 1, 1: 2, 2: 3}


def worst(codes) -> int:
    """The exit code of several: the most severe by SEVERITY (0 for none; an unknown code counts as 2)."""
    out = 0
    for c in codes:
        if SEVERITY.get(c, 3) > SEVERITY.get(out, 3):
            out = c
    return out
