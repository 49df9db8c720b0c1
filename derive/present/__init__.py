"""The presentation of a derivation: LaTeX/Markdown documents, worked examples, text summaries, notation."""
