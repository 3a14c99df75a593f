"""Find and redact identifiers in free text: the one detector the clean step, the publish layer
and the publish gate share.

Kinds found, in the order they are applied, each replaced by a typed marker (one module each):

=================  ==================  ==================================================
kind               marker              what (module)
=================  ==================  ==================================================
``email``          ``[email]``         an e-mail address, also written ``jo [at] x [dot]
                                       com`` or ``jo at x dot com`` (:mod:`.email`)
``nhs_number``     ``[NHS number]``    ten digits with any separators and a valid Modulus
                                       11 check digit (:mod:`.nhs_number`)
``phone``          ``[phone]``         a UK telephone number, national, ``+44``, ``0044``,
                                       ``(0)`` or bracketed area code (:mod:`.phone`)
``date_of_birth``  ``[date of birth]`` a date in any usual form after DOB, D.O.B, date of
                                       birth, born (on) (:mod:`.date_of_birth`)
``postcode``       ``[postcode]``      a UK postcode in any case and spacing
                                       (:mod:`.postcode`)
``name``           ``[name]``          a name after a title, a role, thanks or "called"
                                       (:mod:`.names`)
``listed_name``    ``[name]``          a name of the name model without a cue
                                       (:mod:`.names`, :mod:`.name_model`)
``staff_name``     ``[name]``          a name from the staff-name list kept with the raw
                                       data (never committed), matched as a whole word
=================  ==================  ==================================================

Markers already in real data (``[name redacted]``, ``[Date Redacted]``) are left as they are,
and redacting redacted text changes nothing.

Entry points:

* :func:`redact` / :func:`redact_rows` for columns of text: quick vectorised tests
  (``pyarrow.compute``, RE2) pick the few texts that may hold an identifier, and only those
  go through the finders;
* :func:`redact_text` for one piece of text (report commentary, an approval);
* :func:`find_identifiers` for one document (a finished HTML page): what would be redacted,
  as ``(kind, match)`` pairs. A page holds service, ward and place names that the name model
  would mistake for people ("Rose Ward"), so by default it looks for cued names only; the
  free text on a page has been through the whole detector already.

Example
-------
>>> texts = ["Dr Patel rang 07700 900123 about 943-476-5919", "Lovely staff [name redacted]", None]
>>> redacted, counts = redact(texts)
>>> redacted
['Dr [name] rang [phone] about [NHS number]', 'Lovely staff [name redacted]', None]
>>> {k: v for k, v in counts.items() if v}
{'nhs_number': 1, 'phone': 1, 'name': 1}
>>> redact_text("Thanks to Kerry and Sam, my d.o.b. is 12th March 1956")
'Thanks to [name] and [name], my d.o.b. is [date of birth]'
>>> find_identifiers("Write to jo@example.org, le1 7rh")
[('email', 'jo@example.org'), ('postcode', 'le1 7rh')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from analysis.ingest.redaction.engine import (
    KINDS,
    MARKERS,
    candidates,
    detectors,
    find_in,
    find_spans,
    replace_spans,
)
from analysis.ingest.redaction.nhs_number import nhs_number_is_valid
from analysis.ingest.redaction.process import FinderProcess

if TYPE_CHECKING:  # pandas is imported where used: the redaction's process starts without it
    import pandas as pd

__all__ = [
    "KINDS",
    "MARKERS",
    "FinderProcess",
    "find_identifiers",
    "nhs_number_is_valid",
    "redact",
    "redact_array",
    "redact_rows",
    "redact_text",
    "warm_up",
]


def _as_array(texts) -> pa.Array:
    if isinstance(texts, pa.ChunkedArray):
        return texts.combine_chunks()
    if isinstance(texts, pa.Array):
        return texts
    import pandas as pd

    if isinstance(texts, pd.Series):
        return pa.array(texts.astype(object).where(texts.notna(), None).tolist(), pa.string())
    return pa.array(list(texts), pa.string())


def redact_rows(
    texts: pa.Array | pa.ChunkedArray,
    staff_names: Iterable[str] = (),
    name_model: bool = True,
    finders: FinderProcess | None = None,
) -> tuple[pa.Array, dict[str, np.ndarray]]:
    """Redact a pyarrow string array; returns it and, per kind, how many were replaced in each row.

    ``name_model=False`` leaves out names found without a cue (``listed_name``). With
    ``finders`` (a started :class:`~analysis.ingest.redaction.process.FinderProcess`), the
    finders run in that process, with the same results.
    """
    full = _as_array(texts)
    n = len(full)
    per_row = {kind: np.zeros(n, dtype=np.int64) for kind in KINDS}
    if n == 0:
        return full, per_row
    staff = tuple(staff_names)
    chosen = detectors(staff, name_model)
    masks = candidates(full, chosen)
    present = np.logical_or.reduce(list(masks.values()))
    if not present.any():
        return full, per_row
    rows = np.flatnonzero(present)
    subset = pc.take(full, pa.array(rows)).to_pylist()
    tries = np.zeros(len(rows), dtype=np.uint8)
    for k, d in enumerate(chosen):
        tries |= masks[d.kind][rows].astype(np.uint8) << k
    run = finders.find if finders is not None else find_in
    for i, text, kinds in run(subset, tries.tobytes(), staff, name_model):
        subset[i] = text
        for kind in kinds:
            per_row[kind][rows[i]] += 1
    return pc.replace_with_mask(full, pa.array(present), pa.array(subset, full.type)), per_row


def redact_array(
    texts: pa.Array, staff_names: Iterable[str] = ()
) -> tuple[pa.Array, dict[str, int]]:
    """Redact a pyarrow string array; returns the redacted array and counts per kind."""
    arr, per_row = redact_rows(texts, staff_names)
    return arr, {kind: int(v.sum()) for kind, v in per_row.items()}


def redact(texts: Sequence[str | None] | pd.Series | pa.Array, staff_names: Iterable[str] = ()):
    """Redact every identifier in ``texts``; returns ``(redacted, counts)``.

    ``redacted`` has the type of ``texts`` (a list, a pandas Series with the same
    index, or a pyarrow array); ``counts`` maps each kind to how many were replaced.
    """
    import pandas as pd

    arr, counts = redact_array(_as_array(texts), staff_names)
    if isinstance(texts, pd.Series):
        return pd.Series(arr.to_pylist(), index=texts.index, name=texts.name, dtype=object), counts
    if isinstance(texts, pa.Array | pa.ChunkedArray):
        return arr, counts
    return arr.to_pylist(), counts


def warm_up() -> None:
    """Load the name model now (Faker's lists, the ordinary words), e.g. on another thread
    while files are read, so that the first texts redacted do not wait for it."""
    redact_rows(pa.array(["Thanks to Kerry"], pa.string()))


def redact_text(text: str | None, staff_names: Iterable[str] = ()) -> str | None:
    """One piece of text (report commentary, an approval) with every identifier replaced."""
    if text is None:
        return None
    return replace_spans(text, find_spans(text, detectors(tuple(staff_names), True)))


def find_identifiers(
    text: str, staff_names: Iterable[str] = (), name_model: bool = False
) -> list[tuple[str, str]]:
    """Every identifier in ``text``, as ``(kind, match)`` pairs in the order they are applied.

    ``name_model=True`` also looks for names without a cue (see the module's docstring).
    """
    spans = find_spans(text, detectors(tuple(staff_names), name_model))
    return [(kind, text[a:b]) for a, b, kind in spans]
