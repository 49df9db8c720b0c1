"""Code printers, one per backend: SymPy printer subclasses that spell the derivation in code."""
