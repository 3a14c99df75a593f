"""The finders in a second process, so that they do not wait for the interpreter's lock.

A column of comments is redacted in two parts (:mod:`analysis.ingest.redaction.engine`): the
quick tests over the whole column (``pyarrow.compute``, which runs without holding Python's
interpreter lock), then the finders, in Python, over the few texts that pass them (about
2-4% of a column of FFT comments). In one process the finders take the interpreter's lock
from the thread reading and checking the other columns; here they run in a process of their
own, on the other core: only the chosen texts go to it, and the texts it changed come back.
It runs the same code on the same texts, so it finds exactly what this process would
(``tests/ingest/test_redaction_process.py``).

The process is a fresh interpreter running :mod:`analysis.ingest.redaction.server`, which
answers requests on its standard input and output, started only for a large file, as it
is read: it loads the name model meanwhile. Unlike :mod:`multiprocessing`'s ``spawn``, it
never runs the caller's main script again.

>>> with FinderProcess() as finders:
...     finders.started
False
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path

from analysis.ingest.redaction.engine import Found, find_in

log = logging.getLogger(__name__)

#: From how many bytes a file's comments are worth a process (a start costs about a second
#: of CPU, on the other core): an export of about 50,000 responses.
MIN_FILE_BYTES = 10 * 2**20
#: From how many chosen texts the finders run in the process rather than in this one.
MIN_TEXTS = 2_000


class FinderProcess:
    """One process running :func:`~analysis.ingest.redaction.engine.find_in` for this one.

    Use it as a context manager (the process is stopped at the end); :meth:`start` starts
    it, :meth:`find` runs the finders there once started (here before, and for a few
    texts). Requests from several threads are answered one after another. If the process
    fails (ended by the system, say), the finders run here instead: the results do not
    depend on where they ran.
    """

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._lock = threading.Lock()
        self._asked = False  # whether the process was sent a request

    @property
    def started(self) -> bool:
        """Whether the process runs."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        """Start the process (if not yet); it loads the name model at once."""
        if self._proc is not None:
            return
        package = str(Path(__file__).resolve().parents[3])  # the folder holding `analysis`
        path = os.pathsep.join(p for p in (package, os.environ.get("PYTHONPATH")) if p)
        # The finders do no linear algebra: NumPy's BLAS threads would only spin at its
        # start (about 50 ms of CPU, while this process reads the file).
        env = {"OPENBLAS_NUM_THREADS": "1", **os.environ, "PYTHONPATH": path}
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "analysis.ingest.redaction.server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:  # no interpreter to start (embedded): the finders run here
            log.warning("the redaction process could not start (%s); the finders run here", exc)

    def find(
        self, texts: list[str], tries: bytes, staff_names: tuple[str, ...], use_name_model: bool
    ) -> list[Found]:
        """:func:`~analysis.ingest.redaction.engine.find_in`, in the process if it runs."""
        request = (texts, tries, staff_names, use_name_model)
        if len(texts) >= MIN_TEXTS and self.started:
            with self._lock:
                answer = self._ask(request)
            if answer is not None:
                return answer
        return find_in(*request)

    def _ask(self, request: tuple) -> list[Found] | None:
        self._asked = True
        try:
            pickle.dump(request, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self._proc.stdin.flush()
            ok, answer = pickle.load(self._proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            log.warning("the redaction process stopped (%s); the finders run here", exc)
            self._stop()
            return None
        if not ok:
            log.warning("the redaction process failed; the finders run here:\n%s", answer)
            return None
        return answer

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if not self._asked:  # started early and never needed: not waited for
            proc.kill()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            proc.wait(timeout=10)  # it ends at the end of its input
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop the process."""
        with self._lock:
            self._stop()

    def __enter__(self) -> FinderProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
