"""nnderive code generation: numpy printers, templates, emitted-module verification and the training runtime."""
