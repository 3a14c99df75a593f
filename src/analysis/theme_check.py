"""The comments' themes brought up to date before a report, quickly when nothing changed.

:func:`analysis.textmodels.classify.classify` knows whether its tables are up to date
only by reading every comment and response to build its key (seconds for years of
comments). A monthly report calls it on every run although the data rarely changed, so
:func:`themes_up_to_date` first compares a quick key with the one recorded when
``classify`` last confirmed (or rewrote) the themes. The key is made of
(:mod:`analysis.freshness`):

* the processed tables' names, sizes and times (the comments, the responses, the theme
  tables, ``classify``'s own state and the clean step's manifest among them): any new or
  changed comment or rating, or a theme table rewritten, changes it;
* the manual corrections file's bytes, and the theme settings (``config/themes.yaml``:
  rules, what counts as no usable text, the model's settings);
* the ``analysis`` package's files (the model's code and the labelled comments it learns
  from) and the libraries' versions.

Any difference, and ``classify`` does its full check (and classifies what changed).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from analysis.config import Config
from analysis.freshness import code_fingerprint, file_checksum, tables_fingerprint
from analysis.kept_results import key_of

#: Beside the tables (hidden: not data): the quick key when ``classify`` last confirmed them.
STAMP = ".comment_themes.checked.json"


def quick_key(cfg: Config, settings: dict) -> str:
    """The quick key of the themes' inputs (nothing read but the corrections and code)."""
    from analysis.textmodels.classify import corrections_path

    corrections = corrections_path(cfg, settings)
    facts = {
        "code": code_fingerprint(),
        "settings": settings,
        "corrections": [str(corrections), file_checksum(corrections)],
        "tables": tables_fingerprint(cfg.processed_dir),
    }
    return key_of(facts)


def themes_up_to_date(cfg: Config, settings: dict | None = None) -> dict:
    """Make sure ``comment_themes`` and ``comment_sentiment`` are up to date; returns the
    summary :func:`~analysis.textmodels.classify.classify` gave when it last checked them.

    When the quick key is the one recorded, nothing is read; otherwise ``classify`` runs
    (its own full check, then only what changed) and the new quick key is recorded.
    """
    from analysis.textmodels.training import load_settings

    settings = settings or load_settings()
    stamp = Path(cfg.processed_dir) / STAMP
    try:
        saved = json.loads(stamp.read_text(encoding="utf-8"))
        if saved["key"] == quick_key(cfg, settings):
            return saved["summary"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    from analysis.textmodels.classify import classify

    summary = classify(cfg, settings)
    record = {"key": quick_key(cfg, settings), "summary": summary}  # what classify left
    tmp = stamp.with_name(f"{stamp.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, indent=2), encoding="utf-8")
    tmp.replace(stamp)
    return summary
