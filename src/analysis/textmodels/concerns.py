"""Concerns inside positively rated responses, read sentence by sentence once per month and kept.

A comment from someone who rated the service Very good or Good can still carry a
negative sentence ("The staff were lovely. The waiting room was filthy."), which the
comment's overall sentiment and the rating hide. Every sentence of those comments is
classified with the partnership's theme model (:func:`analysis.textmodels.classify.
sentence_scores`), and the negative and very negative sentences are kept in
``processed/comment_concerns/month=YYYY-MM.parquet``, beside a key of what they were
computed from: the month's classification (the partitioned store's per-month key, or the
single-file store's inputs key, :mod:`analysis.textmodels.monthly` and
:mod:`analysis.textmodels.classify`). A month is scored the first time it is asked for
after its comments, the model, the rules or the corrections changed, and read afterwards:
a monthly report does not score hundreds of thousands of sentences again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from analysis.config import Config
from analysis.ingest.schemas import POSITIVE_RATINGS
from analysis.query import Queries

#: The folder of the kept months, under the processed data.
CONCERNS_DIR = "comment_concerns"
NEGATIVE = ("negative", "very negative")
COLUMNS = ["comment_id", "sentence_no", "sentence", "subcategories", "sentiment", "polarity"]


def concerns(model, inputs: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """The negative sentences of the positively rated ``inputs`` (comments with ``rating``).

    One row per sentence: ``comment_id``, ``sentence_no``, ``sentence``, ``subcategories``
    (tuple), ``sentiment`` and ``polarity``, as :func:`sentence_scores` gives them.
    """
    from analysis.textmodels.classify import sentence_scores

    positive = inputs.loc[inputs["rating"].isin(POSITIVE_RATINGS)]
    scored = sentence_scores(model, positive, settings)
    if scored.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    return scored.loc[scored["sentiment"].isin(NEGATIVE), COLUMNS].reset_index(drop=True)


def _classified_key(cfg: Config, month: str) -> str | None:
    """What the month's themes were computed from (None: not classified yet)."""
    from analysis.textmodels import classify, monthly

    per_month = cfg.processed_dir / monthly.STATE_FILE
    if per_month.exists():
        months = json.loads(per_month.read_text(encoding="utf-8")).get("months", {})
        return months.get(month, {}).get("key")
    whole = cfg.processed_dir / classify.STATE_FILE
    if whole.exists():
        return json.loads(whole.read_text(encoding="utf-8")).get("inputs_key")
    return None


def _paths(cfg: Config, month: str) -> tuple[Path, Path]:
    folder = cfg.processed_dir / CONCERNS_DIR
    return folder / f"month={month}.parquet", folder / f"month={month}.json"


def month_concerns(cfg: Config, months, settings: dict | None = None) -> pd.DataFrame:
    """The concerns in positively rated responses of ``months`` (a month or several), every
    service: read where kept and current, else scored now and kept (one month at a time).

    Classify first (:func:`analysis.textmodels.classify.classify`): the key is the
    classification's, so a month whose comments are not yet classified is an error.
    """
    from analysis.textmodels.training import load_settings

    settings = settings or load_settings()
    months = [pd.Period(months, "M")] if isinstance(months, str | pd.Period) else months
    frames, model = [], None
    for period in months:
        month = str(pd.Period(period, "M"))
        key = _classified_key(cfg, month)
        if key is None:
            raise ValueError(
                f"the comments of {month} are not classified yet: run `python -m analysis themes`"
                " (or a report, which classifies new comments) first"
            )
        table, state = _paths(cfg, month)
        if table.exists() and state.exists() and _kept_key(state) == key:
            frames.append(pd.read_parquet(table))
            continue
        if model is None:
            from analysis.textmodels.classify import partnership_model

            model, _ = partnership_model(cfg, settings)
        found = concerns(model, _month_inputs(cfg, month), settings)
        _keep(found, table, state, key)
        frames.append(found)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)
    out["subcategories"] = out["subcategories"].map(tuple)
    return out


def _kept_key(state: Path) -> str | None:
    return json.loads(state.read_text(encoding="utf-8")).get("key")


def _month_inputs(cfg: Config, month: str) -> pd.DataFrame:
    """The month's comments with their response's rating (only that month is read)."""
    queries = Queries.for_config(cfg)
    span = (pd.Period(month, "M"), pd.Period(month, "M"))
    comments = queries.rows(
        "fft_comments", span, columns=["comment_id", "response_id", "text", "question"]
    )
    ratings = queries.rows("fft_responses", span, columns=["response_id", "rating"])
    return comments.assign(
        rating=comments["response_id"].map(ratings.set_index("response_id")["rating"])
    )


def _keep(found: pd.DataFrame, table: Path, state: Path, key: str) -> None:
    """Write the month's concerns, then its key (each renamed into place)."""
    table.parent.mkdir(parents=True, exist_ok=True)
    tmp = table.with_name(f"{table.name}.{os.getpid()}.tmp")
    found.assign(subcategories=found["subcategories"].map(list)).to_parquet(tmp, index=False)
    tmp.replace(table)
    tmp = state.with_name(f"{state.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"key": key, "sentences": len(found)}), encoding="utf-8")
    tmp.replace(state)
