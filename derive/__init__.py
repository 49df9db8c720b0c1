"""nnderive's symbolic side: specs, primitives, the chain-rule engine, proofs, LaTeX and the checker."""

__version__ = "0.1.0"
