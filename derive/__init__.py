"""nnderive's symbolic core (spec, primitives, engine, proof), with the presentation and checker subpackages.

The core modules here import nothing from ``derive.present``, ``derive.check``, ``codegen``,
``training`` or ``nnderive``; those build on the core.
"""

__version__ = "0.1.0"
