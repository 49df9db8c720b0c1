"""The letter set of a network claim without a spec when a --given defines its cost.

The claim alone picks the letter set (network_letters.detect_notation); but ``\\delta^L = a^L - y`` reads in
nnderive's default letters as well as in Nielsen's, and only Nielsen's cost letter is the C of a given
``C = \\frac{1}{2}\\|y - a^L\\|^2``. Read in the default letters the given is ignored, and the conditions the
checker then names (sigmoid outputs with cross-entropy) contradict the cost the author defined. So when
the claim's own letter set does not see the given cost, the letter sets that read the claim AND see it
are preferred.
"""

from __future__ import annotations


def notation_with_given_cost(claim: str, givens, profile, candidates):
    """``profile``, or the best of ``candidates`` that reads the claim and sees the given cost."""
    from .generic_network import _given_cost
    from .network_letters import detect_notation
    from .syntax import LatexError, parse

    if profile is None or not givens or _given_cost(givens, profile) is not None:
        return profile
    seeing = [p for p in candidates if _given_cost(givens, p) is not None]
    if not seeing:
        return profile
    try:
        rel = parse(claim)
    except LatexError:
        return profile
    return detect_notation(rel, seeing) or profile
