"""Rebuild the shipped labelled comments from the public pxtextmining file.

The shipped copy is the public file with the few staff names that escaped the
original manual redaction replaced by ``[name redacted]``. The patterns that find
those names are data that identify people, so they are never committed: keep them
in a private file (one regular expression per line, ``#`` for comments) and pass
its path::

    python -m analysis.reference.build SOURCE.csv PATTERNS.txt

The output is written with a fixed gzip timestamp, so the same inputs give the
same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import re
from pathlib import Path

import pandas as pd

from analysis.reference import LABELLED_COMMENTS, NAME_MARKER, TEXT_COLUMN


def read_patterns(path: Path) -> list[re.Pattern]:
    """The private name patterns: one regular expression per non-blank, non-``#`` line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [re.compile(line) for line in lines if line.strip() and not line.startswith("#")]


def redact_names(text: str, patterns: list[re.Pattern]) -> str:
    """Replace every match of ``patterns`` in ``text`` with the name marker.

    >>> redact_names("Thanks Ann and Bob", [re.compile(r"\\bAnn\\b")])
    'Thanks [name redacted] and Bob'
    """
    for pattern in patterns:
        text = pattern.sub(NAME_MARKER, text)
    return text


def build(source: Path, patterns_file: Path, output: Path = LABELLED_COMMENTS) -> int:
    """Write the redacted copy of ``source`` to ``output``; return the number of rows changed."""
    patterns = read_patterns(patterns_file)
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    before = frame[TEXT_COLUMN].copy()
    frame[TEXT_COLUMN] = frame[TEXT_COLUMN].map(lambda text: redact_names(text, patterns))
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped:
        zipped.write(buffer.getvalue().encode("utf-8"))
    return int((before != frame[TEXT_COLUMN]).sum())


def main(argv: list[str] | None = None) -> None:
    """Build the shipped reference files from the source data (run by maintainers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="fft_comments_labelled_v6_train.csv")
    parser.add_argument("patterns", type=Path, help="private file of staff-name patterns")
    args = parser.parse_args(argv)
    changed = build(args.source, args.patterns)
    print(f"{changed} comments had names redacted; wrote {LABELLED_COMMENTS}")


if __name__ == "__main__":
    main()
