"""Modules emitted by `nnderive codegen` from the example specs; regenerate them, never edit them by hand."""
