"""The `nnderive latex` pipeline: derivation -> document model of printed lines -> LaTeX or Markdown."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import jinja2

from ..engine import Derivation
from ..fileio import atomic_write_text
from .builder import Builder, Document, DocumentError, _resolve_profile
from .writers import WRITERS

TEMPLATE_DIR = Path(__file__).with_name("templates")
PDF_INSTALL = ("apt-get install --no-install-recommends texlive-latex-base texlive-latex-recommended"
               " texlive-pictures latexmk lmodern")

__all__ = ["DocumentError", "NoTeXError", "PDF_INSTALL", "build_document", "compile_pdf", "compile_advice",
           "markdown_math", "render", "write_atomic"]


class NoTeXError(DocumentError):
    """A PDF was asked for but there is no pdflatex: the .tex is written, the PDF is not."""

    exit_code = 4


def compile_advice(tex: Path) -> str:
    """How to turn a written .tex into its PDF on a machine with TeX."""
    tex = Path(tex)
    return (f"install TeX ({PDF_INSTALL}), then run `latexmk -pdf {tex.name}` (or `pdflatex {tex.name}` twice) "
            f"in {tex.parent.resolve()}")


def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, autoescape=False)


def build_document(d: Derivation, fmt: str = "tex", profile: str | None = None, example=None) -> Document:
    writer = WRITERS[fmt]()
    return Builder(d, writer, _resolve_profile(d.spec, profile), example).build()


def render(d: Derivation, fmt: str = "tex", profile: str | None = None, example=None) -> str:
    """The whole document as text, in "tex" or "md"."""
    if fmt not in WRITERS:
        raise DocumentError(f"unknown format '{fmt}' (choose tex or md)")
    doc = build_document(d, fmt, profile, example)
    return environment().get_template(WRITERS[fmt].template).render(doc=doc)


def markdown_math(text: str) -> list[dict]:
    """Every math block of a Markdown document: [{"tex": ..., "display": bool}], in order."""
    out = []
    pos = 0
    for m in re.finditer(r"\$\$\n?(.*?)\n?\$\$", text, re.S):
        out += _inline(text[pos:m.start()])
        out.append({"tex": m.group(1).strip(), "display": True})
        pos = m.end()
    return out + _inline(text[pos:])


def _inline(chunk: str) -> list[dict]:
    return [{"tex": m.group(1), "display": False}
            for m in re.finditer(r"(?<![\\$])\$([^$\n]+?)\$", chunk)]


def write_atomic(path: Path, text: str) -> None:
    """Write the document atomically; an OS error becomes a one-line DocumentError."""
    try:
        atomic_write_text(path, text)
    except OSError as e:
        raise DocumentError(f"{path}: cannot write: {e}") from None


def compile_pdf(tex: Path, timeout: float = 300) -> Path:
    """latexmk (or pdflatex twice) in a temporary build directory; only the PDF is moved next to the
    .tex file. On failure the LaTeX log is kept next to the .tex (as <name>.log) and named in the error."""
    tex = Path(tex).resolve()
    pdf = tex.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="nnderive-latex-") as tmp:
        build = Path(tmp)
        if shutil.which("latexmk") and shutil.which("pdflatex"):
            cmds = [["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "-quiet",
                     f"-outdir={build}", tex.name]]
        elif shutil.which("pdflatex"):
            cmds = [["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                     f"-output-directory={build}", tex.name]] * 2
        else:
            raise NoTeXError(f"pdflatex is not installed, so {tex} is written but no PDF was made from it; to "
                             f"compile it, {compile_advice(tex)}")
        for cmd in cmds:
            try:
                # cwd: the .tex file's directory, so relative \input and graphics paths still resolve
                r = subprocess.run(cmd, cwd=tex.parent, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise DocumentError(f"{tex}: {cmd[0]} did not finish within {timeout:g} s"
                                    f"{_keep_log(build, tex)}") from None
            if r.returncode != 0:
                log = build / tex.with_suffix(".log").name
                errs = [ln for ln in (log.read_text(errors="replace").splitlines() if log.exists() else [])
                        if ln.startswith("!")]
                raise DocumentError(f"{tex}: {cmd[0]} failed: {errs[0] if errs else r.stdout[-300:].strip()}"
                                    f"{_keep_log(build, tex)}")
        built = build / pdf.name
        if not built.exists():
            raise DocumentError(f"{tex}: {cmds[-1][0]} wrote no PDF{_keep_log(build, tex)}")
        try:
            shutil.move(str(built), str(pdf))
        except OSError as e:
            raise DocumentError(f"{pdf}: cannot write: {e}") from None
    stale = tex.with_suffix(".log")  # a log kept by an earlier failed build of this file
    try:
        if stale.is_file() and stale.read_bytes()[:16].startswith(b"This is pdfTeX"):
            stale.unlink()
    except OSError:
        pass
    return pdf


def _keep_log(build: Path, tex: Path) -> str:
    """Copy the failed run's log next to the .tex; the text naming it for the error message."""
    log = build / tex.with_suffix(".log").name
    if not log.exists():
        return ""
    kept = tex.with_suffix(".log")
    try:
        shutil.copyfile(log, kept)
    except OSError:
        return ""
    return f" (full log: {kept})"
