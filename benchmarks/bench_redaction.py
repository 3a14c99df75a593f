"""Measure the redaction detector: recall per identifier class, and how often ordinary text changes.

Two sets, both committed under ``tests/ingest/data/redaction/``:

* ``cases.csv``: synthetic identifiers written the many ways people write them (made by
  ``make_cases.py`` there), each with the text that must disappear; plus ``ordinary_words``,
  sentences where names are ordinary words ("Will they ring?", "Thanks to Rose Ward") that
  must stay unchanged;
* real comments: a reproducible sample of the shipped labelled FFT comments
  (``analysis/reference/labelled_comments_v6.csv.gz``, pxtextmining, MIT licence) that must
  stay unchanged. Picked as follows: respondents outside the half whose words build the
  name model's ordinary vocabulary (:func:`analysis.ingest.redaction.name_model.in_vocabulary_half`),
  comments of at least 20 characters, not "Did not answer", without the public file's
  ``[name redacted]`` marker, and not listed in ``names_in_real_comments.csv`` (comments that
  name a person, seen by reading them; the reason is given there); then
  ``DataFrame.sample(n, random_state=SEED)``.

Recall counts identifiers: one is found when its text no longer appears in the redacted text.
"Exact" counts cases whose redacted text is the original with exactly the identifiers replaced
(nothing else taken). Run: ``.venv/bin/python benchmarks/bench_redaction.py [--show]``.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "ingest" / "data" / "redaction"
CASES = DATA / "cases.csv"
NAMED = DATA / "names_in_real_comments.csv"
SEP = " || "
SEED = 20251206
SAMPLE = 400
_MARKER = re.compile(r"\[(?:email|NHS number|phone|date of birth|postcode|name)\]")


def cases() -> pd.DataFrame:
    """The labelled synthetic cases."""
    return pd.read_csv(CASES, dtype=str, keep_default_na=False)


def ordinary_comments(n: int = SAMPLE) -> pd.DataFrame:
    """The sample of real comments that must stay unchanged (see the module's docstring)."""
    from analysis.ingest.redaction.name_model import in_vocabulary_half
    from analysis.reference import LABELLED_COMMENTS, NAME_MARKER, TEXT_COLUMN

    df = pd.read_csv(LABELLED_COMMENTS, dtype=str, keep_default_na=False)
    named = set(pd.read_csv(NAMED, dtype=str)["comment_id"])
    text = df[TEXT_COLUMN]
    keep = (
        ~df["Respondent ID"].map(in_vocabulary_half)
        & (text.str.len() >= 20)
        & (text.str.strip() != "Did not answer")
        & ~text.str.contains(NAME_MARKER, regex=False)
        & ~df["Comment ID"].isin(named)
    )
    pool = df.loc[keep, ["Comment ID", TEXT_COLUMN]]
    pool.columns = ["comment_id", "text"]
    return pool.sample(n, random_state=SEED).reset_index(drop=True)


def measure(show: bool = False) -> dict:
    """Recall per class, exact share, ordinary share changed, and the time taken."""
    from analysis.ingest.redaction import redact

    c = cases()
    start = time.perf_counter()
    redacted, _ = redact(c["text"].tolist())
    seconds = time.perf_counter() - start
    c["redacted"] = redacted
    result: dict = {"recall": {}, "exact": {}, "missed": []}
    labelled = c[c["class"] != "ordinary_words"]
    for kind, group in labelled.groupby("class", sort=True):
        found = total = exact = 0
        for row in group.itertuples():
            spans = row.identifiers.split(SEP)
            hits = [s not in row.redacted for s in spans]
            found += sum(hits)
            total += len(spans)
            expected = row.text
            for s in spans:
                expected = expected.replace(s, "[X]", 1)
            exact += _MARKER.sub("[X]", row.redacted) == expected
            if not all(hits):
                result["missed"].append((kind, row.text, row.redacted))
        result["recall"][kind] = found / total
        result["exact"][kind] = exact / len(group)
    words = c[c["class"] == "ordinary_words"]
    changed_words = words[words["text"] != words["redacted"]]
    result["ordinary_words_changed"] = len(changed_words) / len(words)
    real = ordinary_comments()
    out, _ = redact(real["text"].tolist())
    real["redacted"] = out
    changed = real[real["text"] != real["redacted"]]
    result["real_changed"] = len(changed) / len(real)
    result["real_n"] = len(real)
    result["cases_n"] = len(labelled)
    result["seconds_per_1000"] = 1000 * seconds / len(c)
    result["changed"] = list(changed_words[["text", "redacted"]].itertuples(index=False))
    result["changed"] += list(changed[["comment_id", "redacted"]].itertuples(index=False))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="store_true", help="print every miss and every change")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="accepted for make bench's smoke mode; the test set is small, so it runs in full",
    )
    args = parser.parse_args(argv)
    r = measure(args.show)
    print(
        f"{r['cases_n']} labelled cases; recall (identifiers gone) and exact (nothing else taken):"
    )
    for kind, recall in r["recall"].items():
        print(f"  {kind:15s} recall {recall:6.1%}   exact {r['exact'][kind]:6.1%}")
    print(f"ordinary-word sentences changed: {r['ordinary_words_changed']:.1%}")
    print(f"real ordinary comments changed: {r['real_changed']:.2%} of {r['real_n']}")
    print(f"time: {r['seconds_per_1000']:.1f} ms per 1,000 cases (after the model has loaded)")
    if args.show:
        for kind, text, redacted in r["missed"]:
            print(f"MISSED {kind}: {text!r} -> {redacted!r}")
        for text, redacted in r["changed"]:
            print(f"CHANGED: {text!r} -> {redacted!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
