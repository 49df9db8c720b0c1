"""Code generation: printers per backend, templates, emitted-module verification, where modules live."""
