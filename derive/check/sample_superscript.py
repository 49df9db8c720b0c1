"""The training pattern written as a superscript and summed by the cost (Hertz, Krogh & Palmer's V_j^\\mu, \\xi_k^\\mu).

Texts that train on a whole set write each unit quantity with the pattern as a superscript and the
cost as a sum over the patterns: E = \\frac{1}{2}\\sum_{\\mu i} [\\zeta_i^\\mu - O_i^\\mu]^2, and a
gradient as the sum of the patterns' terms, \\partial E/\\partial W_{ij} = -\\sum_\\mu \\delta_i^\\mu V_j^\\mu.
Such a claim is about every training set, one pattern included; and for one pattern it is the claim
read with the pattern dropped. Conversely, when the claim for one pattern holds, the summed claim
holds for every set (both sides are sums of the patterns' terms). So the claim is read for one
pattern -- but only in the two shapes where that argument is sound:

- a total: one side the derivative of the summed cost by a parameter (no pattern on it), or an
  increment of one (\\Delta W_{ij}), the other side a sum over the patterns that covers all of it
  (\\sum_\\mu followed by one product, after an optional sign and constant);
- a per-pattern identity: both sides written with the pattern, no sum over it anywhere.

Anything else (a pattern's term against the total, \\partial E/\\partial W = -\\delta^\\mu V^\\mu, the
classic missing sum) is left unread, never guessed.
"""

from __future__ import annotations

import re

_PAT = r"(?:\\mu|\\nu|[a-z])"


def _sample_letter(texts):
    """The letter written as a superscript of at least three quantities and summed over by a given, or None."""
    from collections import Counter

    seen = Counter()
    for t in texts:
        for m in re.finditer(r"[A-Za-z}]\s*\^\s*(?:\{\s*(" + _PAT + r")\s*\}|(" + _PAT + r")(?![A-Za-z]))", t):
            seen[m.group(1) or m.group(2)] += 1
    got = [s for s, n in seen.items() if n >= 3 and any(_sum_re(s).search(t) for t in texts)]
    return got[0] if len(got) == 1 else None


def _sum_re(s: str):
    """\\sum_\\mu, \\sum_{\\mu}, \\sum_{\\mu i} (with the rest of the group kept)."""
    e = re.escape(s)
    return re.compile(r"\\sum_(?:\{\s*" + e + r"\s*(?:,\s*)?([a-z]?)\s*\}|" + e + r"(?![A-Za-z]))")


def _strip_scripts(text: str, s: str) -> str:
    e = re.escape(s)
    return re.sub(r"\^\s*(?:\{\s*" + e + r"\s*\}|" + e + r"(?![A-Za-z]))", "", text)


def _has_sample(text: str, s: str) -> bool:
    return _strip_scripts(text, s) != text


def _top_level_sign_after(text: str) -> bool:
    """Whether the text has a + or - outside every bracket (the end of a sum's scope)."""
    depth = 0
    for k, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch in "+-" and depth == 0 and text[:k].strip():
            return True
    return False


def _drop_sum(side: str, s: str):
    """The side with its leading sum over the patterns dropped, when it is [sign][constant] \\sum_s PRODUCT
    covering the whole side, else None."""
    m = _sum_re(s).search(side)
    if not m or len(list(_sum_re(s).finditer(side))) != 1:
        return None
    before, after = side[:m.start()], side[m.end():]
    if sum(before.count(c) for c in "([{") != sum(before.count(c) for c in ")]}"):
        return None             # the sum inside a bracket ((\sum_\mu x^\mu)^2): not a sum of the patterns' terms
    constant = re.sub(r"\\frac\{\d+\}\{\d+\}", "", before)       # \frac{1}{2}: a number, kept
    if _has_sample(before, s) or _top_level_sign_after(after) or re.search(r"[+]", before) or \
            before.strip().count("-") > 1 or "\\frac" in constant or "_" in constant or "=" in before:
        return None
    rest = "\\sum_{" + m.group(1) + "} " if m.group(1) else ""
    return before + rest + after


def strip_sample_superscript(claim: str, givens):
    """(claim, givens, letter) read for one pattern; None when no pattern is written as a superscript and
    summed; False when one is but the claim's shape does not let it be read for one pattern soundly."""
    s = _sample_letter([claim, *givens])
    if s is None:
        return None
    got = _strip(claim, givens, s)
    return False if got is None else got


def _strip(claim: str, givens, s: str):
    cost = None
    new_givens = []
    for g in givens:
        lhs, eq, rhs = g.partition("=")
        if eq and _sum_re(s).search(rhs) and not _has_sample(lhs, s):
            dropped = _drop_sum(rhs, s)
            if dropped is None or cost is not None:
                return None
            cost = re.sub(r"\s*(?:\\left)?\s*[(\[].*$", "", lhs.strip()) or lhs.strip()
            new_givens.append(lhs + "=" + _strip_scripts(dropped, s))
        elif eq and _sum_re(s).search(rhs):
            return None             # a sum over the patterns inside a pattern's quantity
        else:
            new_givens.append(_strip_scripts(g, s))
    if cost is None:
        return None
    sides = claim.split("=")
    if len(sides) != 2:
        return None
    summed = [bool(_sum_re(s).search(x)) for x in sides]
    free = [_has_sample(x, s) for x in sides]
    if any(summed):
        if all(summed):
            return None
        k = summed.index(True)
        other = sides[1 - k].strip()
        total = re.match(r"^-?\s*\\frac\{\s*\\partial\s*" + re.escape(cost) + r"\s*\}\{\\partial\s*(?:[^{}]|\{[^{}]*\})+\}$", other) \
            or re.match(r"^\\Delta\s*\\?[A-Za-z]+", other)
        if not total or _has_sample(other, s):
            return None
        dropped = _drop_sum(sides[k], s)
        if dropped is None:
            return None
        sides[k] = dropped
    elif not all(free):
        return None                 # a pattern's term on one side only: no reading for one pattern
    out = "=".join(_strip_scripts(x, s) for x in sides)
    return out, new_givens, s
