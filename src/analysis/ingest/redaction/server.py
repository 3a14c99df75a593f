"""The redaction process's side (:mod:`analysis.ingest.redaction.process`): run the finders
for the process that started it, one request after another.

``python -m analysis.ingest.redaction.server`` loads the name model, then reads requests
(the arguments of :func:`~analysis.ingest.redaction.engine.find_in`, pickled) from its
standard input and writes each answer to its standard output until its input ends.
"""

from __future__ import annotations

import pickle
import sys
import traceback
from typing import BinaryIO

from analysis.ingest.redaction import name_model
from analysis.ingest.redaction.engine import detectors, find_in


def load() -> None:
    """Load the name model and the detectors (while the caller reads its file)."""
    name_model.unambiguous_first_names()
    name_model.unambiguous_surnames()
    detectors((), True)


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer each request read from ``requests`` with ``(True, found)``, or ``(False,
    traceback)`` if the finders failed, until the input ends."""
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        try:
            answer = (True, find_in(*request))
        except Exception:
            answer = (False, traceback.format_exc())
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write to the answers
    load()
    serve(requests, answers)
