"""Shape claims in words (`W_2 is 3\\times 2`, `b_1 \\text{ is a } 2 \\times 1 \\text{ vector}`, `X: m \\times n`) read as `\\in \\mathbb{R}^{m \\times n}`."""

from __future__ import annotations

import re

_IS = (r"(?:\\text\{\s*(?:is|has\s+shape|has\s+size|has\s+dimensions)(?:\s+an?)?\s*\}"
       r"|(?<![\\a-zA-Z])is(?:\s+an?)?(?![a-zA-Z])|:)")
_KIND = r"(?:\\text\{\s*(?:matrix|vector|column\s+vector)\s*\}|(?<![\\a-zA-Z])(?:matrix|vector)(?![a-zA-Z]))"
SHAPE_WORDS = re.compile(rf"^\s*(?P<q>.+?)\s*{_IS}\s*(?:\\text\{{\s*an?\s*\}})?\s*(?P<m>\d+)\s*(?:\\times|\u00d7|x)\s*"
                         rf"(?P<n>\d+)\s*{_KIND}?\s*\.?\s*$", re.S)


def shape_in_words(text: str) -> str | None:
    """The claim as ``QUANTITY \\in \\mathbb{R}^{m \\times n}`` when it states a shape in words, else None."""
    m = SHAPE_WORDS.match(text)
    if not m or "=" in m.group("q") or "\\in" in m.group("q"):
        return None
    return f"{m.group('q').strip()} \\in \\mathbb{{R}}^{{{m.group('m')} \\times {m.group('n')}}}"
