"""The document model every writer fills: sections of already-printed lines, and the document's error."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import NNDeriveError

TALL_ROWS = 1.6  # \arraystretch of tables whose cells hold fractions (gradients), so rows do not overlap


class DocumentError(NNDeriveError):
    """The document cannot be written or compiled."""


@dataclass
class Section:
    title: str
    lines: list[str] = field(default_factory=list)
    numbered: bool = True  # False: the references, after the numbered sections


@dataclass
class Document:
    """Everything the templates substitute: strings and lists of already-printed lines."""

    title: str
    subtitle: str
    intro: list[str]
    sections: list[Section]
    format: str = "tex"
    files: dict[str, str] = field(default_factory=dict)  # name -> text of files it refers to (figures)
    front: tuple[tuple[str, str], ...] = ()  # (key, value) of the nnderive front matter: the spec, the notation


# ---------------------------------------------------------------------------------------------
# Building the document


def _and(items) -> str:
    """"1", "1 and 3", "1, 2 and 3"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
