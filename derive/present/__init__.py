"""The presentation of a derivation: LaTeX/Markdown documents, worked examples, text summaries, notation."""

from .. import engine as _engine


# A Derivation in a notebook shows its equations once presentation is loaded (see derive.engine.DISPLAY);
# the renderers are imported when first used, so importing derive.present stays cheap.
def _markdown(d) -> str:
    from .display import derivation_markdown

    return derivation_markdown(d)


def _latex(d) -> str:
    from .display import derivation_latex

    return derivation_latex(d)


_engine.DISPLAY.setdefault("markdown", _markdown)
_engine.DISPLAY.setdefault("latex", _latex)
