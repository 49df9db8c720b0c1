"""Named probability densities a claim may call: the normal density \\mathcal{N}(x | \\mu, \\sigma^2).

Texts write the normal density as a function of its point and its two parameters, with a bar or a
semicolon between them (Bishop's and Wikipedia's \\mathcal{N}(x | \\mu, \\sigma^2), Kingma & Welling's
\\mathcal{N}(z; \\mu, \\sigma^2)); the second parameter is the VARIANCE. Only the calligraphic N with all
three arguments is a density value: \\mathcal{N}(\\mu, \\sigma^2) names a distribution (no number), and a
plain N stays a symbol (a sample count).
"""

from __future__ import annotations

import sympy as sp

from .tree import juxt_items


def _is_calligraphic(post, letter: str) -> bool:
    """True if the postfix's base is \\mathcal{letter} (or \\cal letter, read as \\mathcal by the reader)."""
    if post.kind != "postfix":
        return False
    b = post.args[0]
    if b.kind != "decor" or str(b.args[0]) != "\\mathcal":
        return False
    inner = b.args[1]
    if not hasattr(inner, "kind"):
        return str(inner) == letter
    items = juxt_items(inner)
    return len(items) == 1 and items[0].kind == "postfix" and not items[0].scripts \
        and items[0].args[0].kind == "letter" and str(items[0].args[0].args[0]) == letter


def normal_density(x, mean, variance):
    """N(x | mean, variance): exp(-(x - mean)^2 / (2 variance)) / sqrt(2 pi variance)."""
    return sp.exp(-(x - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


def density_head(post, err):
    """(callable, name, needs_argument) for \\mathcal{N} written as a function, else None.

    ``err(message)`` builds the reader's error for a call with the wrong number of arguments."""
    if not _is_calligraphic(post, "N") or post.scripts:
        return None

    def normal(*args):
        if len(args) != 3 or any(hasattr(a, "shape") for a in args):
            raise err("\\mathcal{N} is read as the normal density of a number: write \\mathcal{N}(x | \\mu, "
                      "\\sigma^2) (a point, the mean and the variance)")
        return normal_density(*args)

    normal.multi = True
    return (normal, "normal density", True)
