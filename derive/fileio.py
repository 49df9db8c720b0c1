"""Atomic file writes shared by every command that writes a file (code, documents, reports, parameters)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# os.open applies the process umask to this, so files come out like open(path, "w") makes them.
FILE_MODE = 0o666


def atomic_write(path: str | Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call write(f) on a temporary binary file next to path, then os.replace it onto path.

    Readers see the old file or the complete new one, never half a file; on any error the
    temporary file is removed and path is untouched. The file gets mode 0o666 minus the umask,
    like any newly created file (tempfile.mkstemp would leave it at 0o600). Missing parent
    folders are created.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = p.parent / f".{p.name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, FILE_MODE)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"{p.parent}: no unused temporary file name for {p.name}")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return p


def atomic_write_text(path: str | Path, text: str) -> Path:
    """atomic_write for UTF-8 text with '\\n' line endings."""
    return atomic_write(path, lambda f: f.write(text.encode("utf-8")))
