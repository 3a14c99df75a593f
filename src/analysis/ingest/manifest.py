"""The run's record and its memory: checksums, fingerprints, the per-file cache, atomic JSON.

* The **fingerprint** of a run is a checksum of the code of the clean step, its
  parameters (the configuration's sources, services and redaction settings) and
  every input file's sha256. The same fingerprint as the last run's manifest
  means nothing changed, and the run does nothing.
* The **file cache** (``data/processed/.cache/``, Arrow IPC files, quick to write) keeps each file's validated,
  redacted rows under a key made of the file's checksum and everything that
  shapes its conversion, so a new month's export is the only file processed.

Example
-------
>>> fingerprint({"a": 1}, [("x.csv", "00")]) == fingerprint({"a": 1}, [("x.csv", "00")])
True
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import tempfile
from concurrent.futures import Executor, Future
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather

from analysis.ingest.convert import FileResult

INGEST_DIR = Path(__file__).resolve().parent
MANIFEST = "manifest.json"


def sha256_file(path: str | os.PathLike) -> str:
    """The SHA-256 of a file, read a mebibyte at a time."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def file_stat(path: str | os.PathLike) -> dict:
    """A file's size and modification time, recorded beside its checksum in the manifest."""
    st = os.stat(path)
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def known_checksums(previous: dict | None) -> dict[str, tuple[int, int, str]]:
    """The last run's inputs: relative name → (size, modification time, sha256)."""
    return {
        i["file"]: (i["size"], i["mtime_ns"], i["sha256"])
        for i in (previous or {}).get("inputs", [])
        if "size" in i and "mtime_ns" in i
    }


def checksum(path: Path, rel: str, known: dict[str, tuple[int, int, str]]) -> str:
    """The sha256 of ``path``: the last run's, when its size and modification time are unchanged.

    Raw exports are never edited in place, so a file of the same size and time is the same
    file (as ``make`` and ``rsync`` judge); the history is then not read again on every run.
    """
    st = path.stat()
    size, mtime, sha = known.get(rel, (None, None, None))
    if sha and size == st.st_size and mtime == st.st_mtime_ns:
        return sha
    return sha256_file(path)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A checksum of the clean step's own code (with the redaction package's) and of the name
    lists the detector reads from Faker: changing any of them invalidates the cache.

    Computed once per process: the code a run executes is the code it loaded, and a run of
    many batches must not see its own steps' code change when the files are edited meanwhile."""
    h = hashlib.sha256()
    for path in sorted(INGEST_DIR.rglob("*.py")):
        h.update(path.relative_to(INGEST_DIR).as_posix().encode())
        h.update(path.read_bytes())
    h.update(importlib.metadata.version("faker").encode())
    return h.hexdigest()[:16]


def _stable(obj) -> str:
    return json.dumps(obj, sort_keys=True, default=str)


def fingerprint(parameters: dict, inputs: list[tuple[str, str]]) -> str:
    """A checksum of the code, the parameters and the (file, sha256) inputs."""
    return hashlib.sha256(
        _stable([code_fingerprint(), parameters, sorted(inputs)]).encode()
    ).hexdigest()


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically (a temporary file renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, default=str)
    os.replace(tmp, path)


def read_manifest(processed_dir: Path) -> dict | None:
    """The last clean run's manifest, or None before the first run."""
    path = Path(processed_dir) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


class FileCache:
    """Converted files, keyed by their checksum and everything that shapes their conversion."""

    def __init__(self, processed_dir: Path):
        self.dir = Path(processed_dir) / ".cache"
        self.used: set[str] = set()

    @staticmethod
    def key(sha256: str, file: str, context: dict) -> str:
        return hashlib.sha256(
            _stable([code_fingerprint(), sha256, file, context]).encode()
        ).hexdigest()[:32]

    def get(self, key: str) -> FileResult | None:
        """The file kept under ``key``, or None (never kept, or only part of it left: a run
        killed while pruning; the file is then converted again)."""
        meta = self.dir / f"{key}.json"
        try:
            info = json.loads(meta.read_text(encoding="utf-8"))
            rows = pd.read_feather(self.dir / f"{key}.rows.arrow")
            quarantine = pd.read_feather(self.dir / f"{key}.quarantine.arrow")
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        self.used.add(key)
        return FileResult(
            file=info["file"],
            sha256=info["sha256"],
            encoding=info["encoding"],
            read=info["read"],
            rows=rows,
            quarantine=quarantine,
            redactions=info["redactions"],
            date_evidence=info["date_evidence"],
        )

    def put(self, key: str, result: FileResult, executor: Executor | None = None) -> Future | None:
        """Keep ``result`` under ``key``; with an ``executor``, the files are written in the background.

        The rows are turned into Arrow tables first, so the background work touches no pandas
        object the caller goes on using. The returned future must be waited for before the run
        ends (its ``result()`` raises what the writing raised).
        """
        tables = {
            part: pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
            for part, frame in (("rows", result.rows), ("quarantine", result.quarantine))
        }
        info = {
            "file": result.file,
            "sha256": result.sha256,
            "encoding": result.encoding,
            "read": result.read,
            "redactions": result.redactions,
            "date_evidence": result.date_evidence,
        }
        self.used.add(key)
        if executor is None:
            self._write(key, tables, info)
            return None
        return executor.submit(self._write, key, tables, info)

    def _write(self, key: str, tables: dict[str, pa.Table], info: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        for part, table in tables.items():
            fd, tmp = tempfile.mkstemp(dir=self.dir, suffix=".tmp")
            os.close(fd)
            feather.write_feather(table, tmp, compression="uncompressed")
            os.replace(tmp, self.dir / f"{key}.{part}.arrow")
        write_json(self.dir / f"{key}.json", info)

    def prune(self) -> None:
        """Forget files no longer among the inputs."""
        if not self.dir.exists():
            return
        stale = [
            p for p in self.dir.iterdir() if p.is_file() and p.name.split(".")[0] not in self.used
        ]
        for path in sorted(stale, key=lambda p: p.suffix != ".json"):  # the entry's marker first
            path.unlink(missing_ok=True)
