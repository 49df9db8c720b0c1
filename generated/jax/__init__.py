"""Emitted JAX modules of the example specs (nnderive codegen --backend jax); never edited by hand."""
