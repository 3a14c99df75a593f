"""What a computed result depends on, as checksums: the code, the configuration, the data.

A result kept from one run to the next (the comments' themes, the logic models'
evaluations) is reused only while all three are unchanged:

* :func:`code_fingerprint`: every file of the ``analysis`` package (code, templates,
  reference data) and the versions of the libraries that compute;
* :func:`config_fingerprint`: the partnership's configuration file and every file under
  ``config/`` (logic models, themes, nations' rules);
* :func:`tables_fingerprint`: the name, size and modification time of every file under
  ``data/processed/`` but the hidden ones (caches, locks) and the trained models. Tables
  are written whole and never edited in place, so a file of the same size and time is the
  same file (as ``make`` and ``rsync`` judge, and as the clean step judges raw exports).

Each is quick: nothing is read but the package's own files (about 1.5 MB) and the
configuration; the data is only listed.

>>> len(code_fingerprint())
64
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from functools import lru_cache
from pathlib import Path

from analysis.config import CONFIG_DIR, Config

PACKAGE_DIR = Path(__file__).resolve().parent
#: Libraries whose version can change a computed figure.
LIBRARIES = ("numpy", "pandas", "scipy", "statsmodels", "scikit-learn", "pyarrow", "duckdb")
#: Folders of ``data/processed/`` that hold no data the reports read.
NOT_DATA = ("models",)


def _files(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A checksum of the ``analysis`` package's files and the computing libraries' versions.

    Computed once per process: the code a process runs is the code it loaded."""
    h = hashlib.sha256()
    for path in _files(PACKAGE_DIR):
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}=={importlib.metadata.version(name)}\0".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name} absent\0".encode())
    return h.hexdigest()


def config_fingerprint(cfg: Config) -> str:
    """A checksum of ``cfg``'s settings and file, and of every file under the project's
    ``config/`` (the logic models and the theme settings live there)."""
    h = hashlib.sha256(json.dumps(cfg.data, sort_keys=True, default=str).encode())
    paths = [Path(cfg.path)] if cfg.path else []
    paths += list(_files(CONFIG_DIR)) if CONFIG_DIR.is_dir() else []
    for path in paths:
        h.update(str(path).encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"(absent)")
    return h.hexdigest()


def tables_fingerprint(processed_dir: str | os.PathLike) -> str:
    """A checksum of the name, size and modification time of every data file under
    ``processed_dir`` (hidden files and folders, and the trained models, left out)."""
    root = Path(processed_dir)
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (here == root and d in NOT_DATA)
        )
        for name in sorted(files):
            if name.startswith("."):
                continue
            st = (here / name).stat()
            rel = (here / name).relative_to(root).as_posix()
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def file_checksum(path: str | os.PathLike) -> str:
    """The SHA-256 of a (small) file's bytes, or ``"absent"``."""
    path = Path(path)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "absent"
