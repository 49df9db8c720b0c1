"""The `nnderive latex` pipeline: derivation -> document model of printed lines -> LaTeX or Markdown."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2

from ..engine import Derivation
from ..fileio import atomic_write_text
from .builder import Builder, Document, DocumentError, _resolve_profile
from .writers import WRITERS

TEMPLATE_DIR = Path(__file__).with_name("templates")
PDF_INSTALL = ("apt-get install --no-install-recommends texlive-latex-base texlive-latex-recommended"
               " texlive-pictures latexmk lmodern")

__all__ = ["DocumentError", "NoTeXError", "PDF_INSTALL", "RenderedDocument", "build_document", "compile_pdf",
           "compile_advice", "document", "figure_file", "markdown_math", "render", "write_atomic"]


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


def figure_file(d: Derivation, document: Path | str | None = None) -> str:
    """The name of the figure file written beside a Markdown document: <document>-network.svg, or
    <network name>-network.svg when the document has no file name yet."""
    stem = Path(document).stem if document else d.spec.name
    return f"{stem}-network.svg"


def build_document(d: Derivation, fmt: str = "tex", profile: str | None = None, example=None,
                   figure_name: str | None = None) -> Document:
    writer = WRITERS[fmt](figure_name or figure_file(d))
    return Builder(d, writer, _resolve_profile(d.spec, profile), example).build()


@dataclass(frozen=True)
class RenderedDocument:
    """A whole document: its text, its format and the files it refers to (the Markdown figure).

    In a notebook it shows itself: Markdown as Markdown (the figure inlined, as a notebook cell has
    no folder to put it in), LaTeX as its source."""

    text: str
    format: str
    files: tuple[tuple[str, str], ...] = ()  # (name beside the document, text)

    def __str__(self) -> str:
        return self.text

    def write(self, path: Path | str) -> list[Path]:
        """Write the figure files beside path, then the document (each atomically): the paths written."""
        path = Path(path)
        written = []
        for name, text in self.files:
            write_atomic(path.parent / name, text)
            written.append(path.parent / name)
        write_atomic(path, self.text)
        return written + [path]

    def _repr_pretty_(self, p, cycle) -> None:  # IPython's plain text: what it is, not all of it
        files = f"; beside it: {', '.join(n for n, _ in self.files)}" if self.files else ""
        p.text(f"<{self.format} document, {len(self.text.splitlines())} lines{files}>")

    def _repr_markdown_(self) -> str:
        if self.format != "md":
            return "```latex\n" + self.text + "```\n"
        text = self.text
        if text.startswith("---\n"):        # the front matter is for files and the checker, not for a cell
            text = text[text.index("\n---\n", 3) + 5:]
        for name, svg in self.files:
            uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
            text = text.replace(f"]({quote(name)})", f"]({uri})")
        return text


def document(d: Derivation, fmt: str = "md", profile: str | None = None, example=None,
             path: Path | str | None = None) -> RenderedDocument:
    """The whole document of a derivation, in "tex" or "md"; path: where it will be written (it names
    the figure file written beside a Markdown document)."""
    if fmt not in WRITERS:
        raise DocumentError(f"unknown format '{fmt}' (choose tex or md)")
    doc = build_document(d, fmt, profile, example, figure_file(d, path))
    doc.front = front_matter(d, profile, path)
    text = environment().get_template(WRITERS[fmt].template).render(doc=doc)
    return RenderedDocument(text, fmt, tuple(doc.files.items()))


def spec_reference(source: str, document: Path | str | None = None) -> str | None:
    """How a document refers to the spec file it was made from, so that `nnderive check --doc` finds it:
    relative to the document's folder (to the working folder when the document has no path yet) when the
    two share a folder below the root, else absolute; None for a spec that is no file."""
    spec = Path(source)
    if source.startswith("<") or not spec.is_file():
        return None
    spec = spec.resolve()
    base = Path(document).resolve().parent if document is not None else Path.cwd().resolve()
    try:
        shared = Path(os.path.commonpath([spec, base]))
    except ValueError:                   # another drive (Windows)
        return spec.as_posix()
    if shared == Path(shared.anchor):    # nothing in common but the root: the absolute path says more
        return spec.as_posix()
    return Path(os.path.relpath(spec, base)).as_posix()


def front_matter(d: Derivation, profile: str | None = None, document: Path | str | None = None):
    """The nnderive keys a document states (the spec it derives, the notation it is written in), read back
    by `nnderive check --doc` (derive.check.docread.front_matter)."""
    ref = spec_reference(d.spec.source, document)
    name = _resolve_profile(d.spec, profile).name.removesuffix("+custom")
    return ((("spec", _quoted(ref)),) if ref is not None else ()) + (("notation", name),)


def _quoted(value: str) -> str:
    # a plain YAML scalar unless the path has characters YAML would read otherwise
    return value if re.fullmatch(r"[\w./+-]+", value) else '"' + value.replace('"', '\\"') + '"'


def render(d: Derivation, fmt: str = "tex", profile: str | None = None, example=None) -> str:
    """The whole document as text, in "tex" or "md" (a Markdown one refers to figure_file(d))."""
    return document(d, fmt, profile, example).text


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
