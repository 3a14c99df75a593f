"""All-or-nothing runs: one run per data folder, outputs staged and swapped in whole.

* :func:`data_lock` lets one run at a time use a partnership's data folder. A second
  ``clean``, ``themes``, ``report`` or ``backfill`` on the same data waits for the first,
  saying which run it waits for (pid, command, start time); ``wait=False`` stops at once
  with :class:`Busy`. The lock is the operating system's (``flock``): a killed run
  releases it, so there is never a stale lock to delete by hand.
* :func:`staged` builds a period's reports in a ``.staging-*`` folder beside the final
  one and swaps the whole folder in only when it is complete: a run killed at any moment
  leaves the previous complete report or the new complete one, never a mix. The swap is
  one atomic ``renameat2(RENAME_EXCHANGE)`` where the file system allows it, else two
  renames that :func:`recover` completes after a kill.
* :func:`recover` (run at the start of every locked run) deletes what killed runs left
  behind: staging folders, swapped-out previous reports, half-written tables' temporary
  folders, and the socket folders of their kernels.

Example
-------
>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> with staged(root / "2025-03") as tmp:
...     _ = (tmp / "index.html").write_text("new")
>>> (root / "2025-03" / "index.html").read_text()
'new'
>>> sorted(p.name for p in root.iterdir())
['2025-03']
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import fcntl
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.config import Config

log = logging.getLogger(__name__)

STAGING = ".staging-"
PREVIOUS = ".previous-"
LOCK_FILE = ".analysis.lock"
_RENAME_EXCHANGE = 2


class Busy(RuntimeError):
    """Another run holds the data folder's lock (not bad input: try again when it ends)."""


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return "another run"
    return f"run {info.get('command', '?')!r} (pid {info.get('pid', '?')}, started {info.get('started', '?')})"


@contextmanager
def data_lock(
    processed_dir: Path, command: str, wait: bool = True, timeout: float = 3600, say=print
) -> Iterator[None]:
    """Hold the lock of ``processed_dir`` for the duration of the block.

    Waits up to ``timeout`` seconds for another run to finish (saying so once), or, with
    ``wait=False``, raises :class:`Busy` at once.
    """
    processed_dir.mkdir(parents=True, exist_ok=True)
    path = processed_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(path)
            if not wait:
                raise Busy(
                    f"{holder} is using {processed_dir}; wait for it to finish, then run again"
                ) from None
            say(f"waiting for {holder} to finish with {processed_dir} …")
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise Busy(
                            f"{holder} still holds {processed_dir} after {timeout:.0f} s; "
                            "check that it is still running, then run again"
                        ) from None
                    time.sleep(0.5)
        info = {
            "pid": os.getpid(),
            "command": command,
            "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


@contextmanager
def locked_run(cfg: Config, command: str, wait: bool = True) -> Iterator[None]:
    """Hold the data folder's lock (:func:`data_lock`) and clean up what killed runs left
    behind (:func:`recover`): how ``clean``, ``themes``, ``report`` and ``backfill`` start.

    Kept apart from :mod:`analysis.pipeline`, so that ``clean`` does not import the
    report's machinery (nbconvert, the publish layer) before it starts: its imports took
    1.0 s with them, 0.7 s without (2 cores).
    """
    from analysis.ingest.schemas import SCHEMAS

    with data_lock(cfg.processed_dir, command, wait=wait, say=_say):
        for line in recover(cfg.reports_dir, cfg.processed_dir, SCHEMAS):
            log.info("recovered: %s", line)
        yield


def _say(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)
    log.info(message)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap the paths ``a`` and ``b`` (Linux ``renameat2``); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _carry_nested(previous: Path, staging: Path) -> None:
    """Hard-link the previous folder's nested reports (scope folders) into the new one.

    A period's folder holds the whole partnership's report and, in sub-folders with their
    own ``run.json``, the reports of single settings or services; replacing the period's
    report keeps those. Links, not copies: files are never rewritten in place, only
    replaced by whole folders.
    """
    for child in previous.iterdir():
        if child.is_dir() and (child / "run.json").exists() and not (staging / child.name).exists():
            shutil.copytree(child, staging / child.name, copy_function=os.link)


def swap_in(staging: Path, final: Path) -> None:
    """Make the complete folder ``staging`` the folder ``final``, replacing any previous one."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if not final.exists():
        os.rename(staging, final)
        return
    _carry_nested(final, staging)
    if _exchange(staging, final):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous report
        return
    aside = final.parent / f"{PREVIOUS}{final.name}-{os.getpid()}"
    os.rename(final, aside)
    os.rename(staging, final)
    shutil.rmtree(aside, ignore_errors=True)


def staging_folder(final: Path) -> Path:
    """A new, empty staging folder for ``final``, on the same file system (renames are atomic)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=final.parent, prefix=f"{STAGING}{final.name}-"))


@contextmanager
def staged(final: Path) -> Iterator[Path]:
    """Yield a staging folder; on success swap it in as ``final``, on failure delete it."""
    staging = staging_folder(final)
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    swap_in(staging, final)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(reports_dir: Path, processed_dir: Path, table_names=()) -> list[str]:
    """Clean up after killed runs; returns what was done (one line each).

    Call it holding :func:`data_lock`: then no other run's staging folder can be live.
    """
    done = _recover_reports(reports_dir) if reports_dir.exists() else []
    if processed_dir.exists():
        done += _recover_processed(processed_dir, table_names)
    _remove_dead_kernel_sockets()
    return done


def _recover_reports(reports_dir: Path) -> list[str]:
    """Finish a swap killed between its two renames; remove staging folders."""
    done: list[str] = []
    for folder in [reports_dir, *(p for p in reports_dir.glob("*") if p.is_dir())]:
        for leftover in list(folder.glob(f"{PREVIOUS}*")):
            final = folder / leftover.name[len(PREVIOUS) :].rsplit("-", 1)[0]
            if not final.exists():  # killed between the two renames of a swap
                os.rename(leftover, final)
                done.append(f"restored {final}")
            else:
                shutil.rmtree(leftover, ignore_errors=True)
                done.append(f"removed {leftover}")
        for leftover in list(folder.glob(f"{STAGING}*")):
            shutil.rmtree(leftover, ignore_errors=True)
            done.append(f"removed {leftover}")
    return done


def _recover_processed(processed_dir: Path, table_names) -> list[str]:
    """Remove a killed clean step's staging folder; put back a table whose write was killed."""
    done: list[str] = []
    for leftover in list(processed_dir.glob(f"{STAGING}*")):
        shutil.rmtree(leftover, ignore_errors=True)
        done.append(f"removed {leftover}")
    for name in table_names:  # a table write killed half-way (see ingest.store)
        for leftover in list(processed_dir.glob(f".{name}-*")):
            if "-previous-" in leftover.name:
                for part in leftover.iterdir():
                    target = processed_dir / part.name
                    if not target.exists():
                        os.rename(part, target)
                        done.append(f"restored {target}")
            shutil.rmtree(leftover, ignore_errors=True)
            done.append(f"removed {leftover}")
    return done


def _remove_dead_kernel_sockets() -> None:
    """Remove the socket folders of kernels whose run has died (named with its pid)."""
    for sockets in Path(tempfile.gettempdir()).glob("analysis-kernel-*"):
        pid = sockets.name.split("-")[2]
        if pid.isdigit() and not _pid_alive(int(pid)):
            shutil.rmtree(sockets, ignore_errors=True)
