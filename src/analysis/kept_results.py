"""Results computed once and kept beside the data they came from, for every notebook to read.

A month's notebooks run in separate kernels (:mod:`analysis.kernels`), and two of them
need the same expensive result (the logic models' evaluations: the indicators notebook
and the report page). :func:`kept` computes it once, under a lock, so a second notebook
asking meanwhile waits and reads it; a later run over the same data, code and
configuration reads it too. The result is named by a checksum of everything it was
computed from (``facts``, e.g. :mod:`analysis.freshness`' fingerprints and the month):
different facts, a different file, so a stale result is never read. The files live in
``data/processed/.results/`` (disposable, like the rest of ``data/processed``); a newer
result replaces older ones of the same name.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from analysis import freshness
from analysis.config import Config

log = logging.getLogger(__name__)

T = TypeVar("T")
#: The folder under ``data/processed/`` (hidden: not a table).
FOLDER = ".results"


def key_of(facts: dict) -> str:
    """The checksum naming a result computed from ``facts`` (JSON-able values)."""
    return hashlib.sha256(json.dumps(facts, sort_keys=True, default=str).encode()).hexdigest()


def kept(processed_dir: str | os.PathLike, name: str, facts: dict, compute: Callable[[], T]) -> T:
    """``compute()``, or the result kept for ``name`` and ``facts`` when there is one.

    ``name`` says what the result is (a file name: e.g. ``evaluations-2025-02``); only
    one process computes it at a time, and one that finds it being computed waits.
    A result that cannot be read (cut short, or from other library versions) is
    computed again.
    """
    folder = Path(processed_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{key_of(facts)[:32]}.pickle"
    found = _read(path)
    if found is not None:
        return found[0]
    with open(folder / f"{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        found = _read(path)  # computed by another process while this one waited
        if found is not None:
            return found[0]
        result = compute()
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # whole or not at all
        for older in folder.glob(f"{name}-{'?' * 32}.pickle"):
            if older != path:
                older.unlink(missing_ok=True)
    return result


def kept_for_data(cfg: Config, name: str, compute: Callable[[], T], **facts) -> T:
    """:func:`kept`, for a result computed from ``cfg``'s processed data, its configuration
    and the code (:mod:`analysis.freshness`), and ``facts`` (put the month in ``name``)."""
    facts |= {
        "code": freshness.code_fingerprint(),
        "config": freshness.config_fingerprint(cfg),
        "tables": freshness.tables_fingerprint(cfg.processed_dir),
    }
    return kept(cfg.processed_dir, name, facts, compute)


def _read(path: Path) -> tuple | None:
    try:
        with open(path, "rb") as f:
            return (pickle.load(f),)
    except FileNotFoundError:
        return None
    except Exception as exc:  # cut short, or pickled by other library versions
        log.info("kept result %s unreadable (%s): computed again", path.name, exc)
        return None
