"""Warnings name a file without the machine's folders.

Python prints a warning with the absolute path of the file that raised it
(``/home/ana/project/src/analysis/…/spc.py:80: ShortGroupWarning: …``, or a kernel's
``/tmp/ipykernel_5598/3122562145.py:1`` for a notebook cell). Executed notebooks are
published with a period's reports, and the publish gate refuses a machine path in any of
them, so the package shows a warning's file relative to the project (or to the installed
packages' folder), else by its name alone.

>>> import warnings
>>> warnings.formatwarning("careful", UserWarning, "/tmp/ipykernel_1/123.py", 1)
'123.py:1: UserWarning: careful\\n'
"""

from __future__ import annotations

import sysconfig
import warnings
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]
_ORIGINAL = warnings.formatwarning


def public_filename(filename: str) -> str:
    """``filename`` relative to the project or the installed packages, else its name."""
    path = Path(filename)
    for base in (_ROOT, Path(sysconfig.get_paths()["purelib"])):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except (ValueError, OSError):
            continue
    return path.name


def formatwarning(message, category, filename, lineno, line=None) -> str:
    """Python's warning format, with the file named relative to the project."""
    return _ORIGINAL(message, category, public_filename(str(filename)), lineno, line)


def install() -> None:
    """Show every warning's file by :func:`public_filename` (idempotent)."""
    warnings.formatwarning = formatwarning
