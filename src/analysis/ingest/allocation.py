"""How the clean step's memory is allocated: settings it makes while it runs, and restores after.

Each is measured on the 2-core machine (Linux, glibc) with a new month of 2 million
responses at 60M (``benchmarks/bench_scale.py``; figures in ``benchmarks/README.md``):

* :func:`system_memory`: Arrow's buffers from the C library's allocator;
* :func:`small_pages`: NumPy's large arrays in 4 KB pages, not 2 MB huge pages;
* :func:`few_arenas`: the C library's memory shared by the step's threads in two arenas.
"""

from __future__ import annotations

import ctypes
import os
from contextlib import contextmanager

import pyarrow as pa

#: ``mallopt``'s parameter for the most arenas (glibc's ``malloc.h``).
M_ARENA_MAX = -8
#: Arenas while the step runs: the main thread's, and one that its other threads share.
STEP_ARENAS = 2


@contextmanager
def system_memory():
    """Arrow buffers from the C library's allocator while the step runs.

    The step allocates and frees many buffers of tens of megabytes; with
    pyarrow's default (mimalloc) a million-row export spent 2-3 s of system
    time returning and re-faulting that memory, against under 1 s with the
    C allocator (2 cores, Linux). Buffers remember their pool, so restoring
    the default afterwards is safe.
    """
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(previous)


@contextmanager
def small_pages():
    """NumPy's large arrays in the system's usual 4 KB pages while the step runs.

    NumPy asks for huge pages (2 MB) for its large arrays, and Linux then clears 2 MB at
    the first write to each. Many of the step's arrays are written only here and there
    (a count per row of each kind of identifier, nearly all zero), and the clearing of
    whole huge pages cost about 1 s of CPU for a month of 2 million responses; with small
    pages, a new month of 2 million at 60M was cleaned 0.4 s sooner (2 cores, Linux; the
    setting is NumPy's ``NUMPY_MADVISE_HUGEPAGE``). The previous setting is restored after.
    """
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # NumPy 1.x
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            _set_madvise_hugepage = None
    if _set_madvise_hugepage is None:
        yield
        return
    previous = _set_madvise_hugepage(False)
    try:
        yield
    finally:
        _set_madvise_hugepage(previous)


def _mallopt():
    """glibc's ``mallopt``, or ``None`` with another C library (or none found)."""
    try:
        return ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return None


@contextmanager
def few_arenas(arenas: int = STEP_ARENAS):
    """The step's threads allocating from at most ``arenas`` of glibc's arenas while it runs.

    glibc gives threads that allocate at once arenas of their own, up to eight per core
    (``mallopt(3)``, ``M_ARENA_MAX``; the ``MALLOC_ARENA_MAX`` setting), and memory freed
    in one arena serves only the threads using it. The step's threads (the converter's,
    Arrow's, the writers') free and allocate buffers of tens of megabytes, and the
    memory each arena kept raised the step's peak: a new month of 2 million at 60M peaked
    at 3.2 GB with two arenas, and at 3.4-3.9 GB without, no slower. The arenas made
    meanwhile stay; the limit is set back to glibc's default (eight per core) after. Left
    alone when the environment sets ``MALLOC_ARENA_MAX``.
    """
    mallopt = None if "MALLOC_ARENA_MAX" in os.environ else _mallopt()
    if mallopt is None:
        yield
        return
    mallopt(M_ARENA_MAX, arenas)
    try:
        yield
    finally:
        mallopt(M_ARENA_MAX, 8 * (os.cpu_count() or 1))
