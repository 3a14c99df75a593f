"""Classifying a partitioned store month by month: only the months whose comments changed.

When ``fft_comments`` is kept by month (``fft_comments/month=YYYY-MM/``),
``comment_themes`` and ``comment_sentiment`` are kept by the same months, and the
state file records, per month, a key made of what that month's themes were computed
from: the model (its training data and settings, so the partnership's corrections), the
keyword rules, and the month's comment and response files as written (their size and
modification time: the clean step rewrites only the months it changes). A new month is
then the only one read and classified; nothing hashes every comment of the history.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds

from analysis.config import Config
from analysis.ingest.store import (
    drop_month,
    partitions,
    table_path,
    write_month,
)
from analysis.textmodels.training import load_or_train, training_set

#: Beside the tables: per month, the key its themes were computed from, and its summary.
STATE_FILE = "comment_themes.months.json"
THEME_TABLES = ("comment_themes", "comment_sentiment")


def _file_key(files: list[Path]) -> list:
    return [(f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in files]


def _corrected_inputs(out: Path, corrections: pd.DataFrame) -> pd.DataFrame:
    """The comments named by corrections, with their response's rating (read by filter)."""
    columns = ["comment_id", "response_id", "text", "question"]
    if corrections.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*columns, "rating"]})
    comments = ds.dataset(table_path("fft_comments", out), partitioning="hive").to_table(
        filter=pc.field("comment_id").isin(list(corrections["comment_id"])), columns=columns
    )
    comments = comments.to_pandas()
    responses = ds.dataset(table_path("fft_responses", out), partitioning="hive")
    ratings = responses.to_table(
        filter=pc.field("response_id").isin(list(comments["response_id"])),
        columns=["response_id", "rating"],
    ).to_pandas()
    return comments.merge(ratings, on="response_id", how="left")


def _read_month(files: list[Path], columns: list[str]) -> pd.DataFrame:
    frames = [pd.read_parquet(f, columns=columns) for f in files]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def classify_months(cfg: Config, settings: dict, force: bool = False) -> dict:
    """Classify the months whose comments changed; write their themes and sentiment partitions.

    Returns the summary :func:`analysis.textmodels.classify.classify` returns, summed
    over every month, with ``months_classified`` (the months computed this time).
    """
    from analysis.methods.themes import apply_theme_corrections
    from analysis.textmodels.classify import (
        categories,
        corrected_comments,
        corrections_path,
        predict,
        read_corrections,
    )

    out = cfg.processed_dir
    corrections = read_corrections(corrections_path(cfg, settings))
    corrected = corrected_comments(corrections, _corrected_inputs(out, corrections))
    data = training_set(settings, corrected)
    base = json.dumps(
        [
            data.key(settings),
            {k: settings.get(k) for k in ("rules", "no_usable_text")},
            corrections.astype(str).to_dict("list"),
        ],
        sort_keys=True,
        default=str,
    )
    state_path = out / STATE_FILE
    state = {} if force or not state_path.exists() else json.loads(state_path.read_text())
    months = state.get("months", {})
    comments = partitions(table_path("fft_comments", out))
    responses = partitions(table_path("fft_responses", out))
    model, done = None, []
    for month, files in comments.items():
        key = hashlib.sha256(
            json.dumps(
                [base, _file_key(files), _file_key(responses.get(month, []))], default=str
            ).encode()
        ).hexdigest()
        present = all((out / t / f"month={month}").is_dir() for t in THEME_TABLES)
        if months.get(month, {}).get("key") == key and present:
            continue
        if model is None:
            model = load_or_train(data, settings, out / "models")
        inputs = _read_month(files, ["comment_id", "response_id", "text", "question"])
        ratings = _read_month(responses.get(month, []), ["response_id", "rating"])
        inputs = inputs.assign(
            rating=inputs["response_id"].map(ratings.set_index("response_id")["rating"])
        )
        themes, sentiment = predict(model, inputs, settings)
        here = corrected[corrected["comment_id"].isin(inputs["comment_id"])]
        themes = apply_theme_corrections(themes, here, categories())
        fixes = here.dropna(subset=["sentiment"]).set_index("comment_id")["sentiment"]
        fixed = sentiment["comment_id"].isin(fixes.index)
        sentiment.loc[fixed, "sentiment"] = sentiment.loc[fixed, "comment_id"].map(fixes)
        sentiment.loc[fixed, "score"] = np.nan
        write_month(themes, "comment_themes", out, month)
        write_month(sentiment, "comment_sentiment", out, month)
        months[month] = {
            "key": key,
            "comments": len(inputs),
            "usable": len(sentiment),
            "theme_rows": {k: int(v) for k, v in themes["origin"].value_counts().items()},
        }
        done.append(month)
    for month in set(months) - set(comments):  # months no longer in the comments
        for t in THEME_TABLES:
            drop_month(t, out, month)
        del months[month]
    model_key = model.key if model is not None else state.get("model_key")
    tmp = state_path.with_name(f"{state_path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"model_key": model_key, "months": months}, indent=2))
    tmp.replace(state_path)
    origins: dict[str, int] = {}
    for m in months.values():
        for k, v in m["theme_rows"].items():
            origins[k] = origins.get(k, 0) + v
    return {
        "comments": sum(m["comments"] for m in months.values()),
        "usable": sum(m["usable"] for m in months.values()),
        "theme_rows": origins,
        "corrections": len(corrected),
        "model_key": model_key,
        "months_classified": done,
    }
