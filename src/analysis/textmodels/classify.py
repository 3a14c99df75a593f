"""Classify a partnership's comments: themes and sentiment, keyword rules, manual corrections.

Reads ``fft_comments`` and ``fft_responses`` from ``data/processed/``, loads the
cached models for the current training data (training them once if needed), and
writes ``comment_themes`` and ``comment_sentiment``. Comments with no usable text
get one theme row, "Labelling not possible" (origin "rule"), and no sentiment.

Manual corrections are a CSV kept with the raw data (never in the code): columns
``comment_id``, ``subcategories`` (";"-separated v7 sub-categories, blank to leave the
themes alone) and ``sentiment`` (blank to leave it alone). They override the model for
those comments and join the next model's training data.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from analysis import reference
from analysis.config import Config
from analysis.ingest.schemas import SENTIMENTS
from analysis.ingest.store import read_table, table_path, write_table
from analysis.methods.themes import (
    apply_rules,
    apply_theme_corrections,
    compile_rules,
    split_sentences,
    usable_text,
)
from analysis.textmodels.features import model_frame
from analysis.textmodels.models import TextModel
from analysis.textmodels.training import load_or_train, load_settings, training_set

log = logging.getLogger(__name__)

CORRECTION_COLUMNS = ["comment_id", "subcategories", "sentiment"]


def categories() -> dict[str, str]:
    """v7 sub-category → category."""
    fw = reference.framework()
    return dict(zip(fw["subcategory"], fw["category"], strict=True))


def corrections_path(cfg: Config, settings: dict) -> Path:
    """Where the partnership's corrections live: ``themes.corrections`` in its config, else the default."""
    return cfg.raw_file(cfg.themes.corrections or settings["corrections"])


def read_corrections(path: Path) -> pd.DataFrame:
    """The recorded corrections (empty if there is no file), checked line by line.

    Returns ``comment_id``, ``subcategories`` (tuple, or None to leave themes alone)
    and ``sentiment`` (or None).
    """
    if not Path(path).exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CORRECTION_COLUMNS})
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CORRECTION_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; expected {CORRECTION_COLUMNS}")
    known = set(categories())
    subcats, sentiments = [], []
    for line, row in zip(range(2, len(raw) + 2), raw.itertuples(index=False), strict=True):
        subs = tuple(sorted(s.strip() for s in row.subcategories.split(";") if s.strip()))
        unknown = [s for s in subs if s not in known]
        if unknown:
            raise ValueError(
                f"{path}, line {line}: unknown sub-categories {unknown}; use the v7 framework's names"
            )
        sentiment = row.sentiment.strip().lower()
        if sentiment and sentiment not in SENTIMENTS:
            raise ValueError(
                f"{path}, line {line}: sentiment {row.sentiment!r} is not one of {SENTIMENTS}"
            )
        if not row.comment_id.strip():
            raise ValueError(f"{path}, line {line}: comment_id is blank")
        subcats.append(subs or None)
        sentiments.append(sentiment or None)
    return pd.DataFrame(
        {
            "comment_id": raw["comment_id"].str.strip(),
            "subcategories": subcats,
            "sentiment": sentiments,
        }
    )


def comment_inputs(comments: pd.DataFrame, responses: pd.DataFrame) -> pd.DataFrame:
    """Comments with their response's rating (the model reads text, question and rating)."""
    ratings = responses.set_index("response_id")["rating"]
    return comments.assign(rating=comments["response_id"].map(ratings))


def corrected_comments(corrections: pd.DataFrame, inputs: pd.DataFrame) -> pd.DataFrame:
    """The corrected comments as training rows (text, question, rating, labels, sentiment).

    Corrections of comments not in ``inputs`` (e.g. from a period not processed now)
    are skipped with a warning, not lost: they stay in the file for the next run.
    """
    found = corrections["comment_id"].isin(inputs["comment_id"])
    if (~found).any():
        log.warning(
            "%d correction(s) name comments not in fft_comments: skipped", int((~found).sum())
        )
    rows = corrections.loc[found].merge(
        inputs[["comment_id", "text", "question", "rating"]], on="comment_id", how="left"
    )
    rows["subcategories"] = rows["subcategories"].map(lambda s: s if s else ())
    return rows


def _classify_chunk(model: TextModel, texts, questions, ratings, offset: int):
    x = model.transform(model_frame(texts, questions, ratings))
    chosen, scores = model.themes(x)
    rows, columns = np.nonzero(chosen)
    classes, polarity = model.sentiment(x)
    return rows + offset, columns, scores[rows, columns], classes, polarity


def classify_frame(
    model: TextModel, texts, questions, ratings, chunk: int = 50_000, n_jobs: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Themes and sentiment of comments given as arrays (all assumed to have usable text).

    Returns ``themes`` (``row``, ``subcategory``, ``score``: one row per chosen
    sub-category, ``row`` the comment's position) and ``sentiment`` (``sentiment``,
    ``score``, one row per comment in order). Large inputs are split into chunks
    classified in parallel processes (``n_jobs``; default: up to 2, one for small inputs).
    """
    texts, questions, ratings = (
        a.to_numpy(dtype=object) if isinstance(a, pd.Series) else np.asarray(list(a), dtype=object)
        for a in (texts, questions, ratings)
    )
    starts = range(0, len(texts), chunk)
    if n_jobs is None:
        n_jobs = 1 if len(texts) <= chunk else min(2, os.cpu_count() or 1)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_classify_chunk)(
            model, texts[i : i + chunk], questions[i : i + chunk], ratings[i : i + chunk], i
        )
        for i in starts
    )
    if not parts:
        empty = pd.DataFrame({"row": [], "subcategory": [], "score": []})
        return empty, pd.DataFrame({"sentiment": [], "score": []})
    labels = np.array(model.labels, dtype=object)
    themes = pd.DataFrame(
        {
            "row": np.concatenate([p[0] for p in parts]),
            "subcategory": labels[np.concatenate([p[1] for p in parts])],
            "score": np.concatenate([p[2] for p in parts]),
        }
    )
    sentiment = pd.DataFrame(
        {
            "sentiment": np.concatenate([p[3] for p in parts]),
            "score": np.concatenate([p[4] for p in parts]),
        }
    )
    return themes, sentiment


def predict(
    model: TextModel, inputs: pd.DataFrame, settings: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Model themes (with rules applied) and sentiment of ``inputs``, before corrections."""
    cats = categories()
    usable = usable_text(inputs["text"], settings["no_usable_text"]).to_numpy()
    rows = inputs.loc[usable]
    found, feeling = classify_frame(model, rows["text"], rows["question"], rows["rating"])
    ids = rows["comment_id"].to_numpy()
    themes = pd.DataFrame(
        {
            "comment_id": ids[found["row"].to_numpy(dtype=int)],
            "category": found["subcategory"].map(cats).to_numpy(),
            "subcategory": found["subcategory"].to_numpy(),
            "origin": "model",
            "score": found["score"].to_numpy(),
        }
    )
    themes = apply_rules(themes, rows, compile_rules(settings.get("rules") or [], cats), cats)
    no_text = inputs.loc[~usable, "comment_id"]
    themes = pd.concat(
        [
            themes,
            pd.DataFrame(
                {
                    "comment_id": no_text,
                    "category": cats[reference.NO_USABLE_TEXT],
                    "subcategory": reference.NO_USABLE_TEXT,
                    "origin": "rule",
                    "score": np.nan,
                }
            ),
        ],
        ignore_index=True,
    )
    sentiment = feeling.assign(comment_id=ids)[["comment_id", "sentiment", "score"]]
    return themes, sentiment


def partnership_model(
    cfg: Config, settings: dict, inputs: pd.DataFrame | None = None
) -> tuple[TextModel, pd.DataFrame]:
    """The cached model for the shipped comments plus this partnership's corrections, and the
    corrections. Without ``inputs``, only the corrected comments are read (by filter)."""
    corrections = read_corrections(corrections_path(cfg, settings))
    if inputs is None:
        from analysis.textmodels.monthly import _corrected_inputs

        inputs = _corrected_inputs(cfg.processed_dir, corrections)
    corrected = corrected_comments(corrections, inputs)
    model = load_or_train(training_set(settings, corrected), settings, cfg.processed_dir / "models")
    return model, corrected


#: Beside the tables: what they were computed from, so an unchanged input is not classified twice.
STATE_FILE = "comment_themes.state.json"


def _inputs_key(processed: Path, corrections: pd.DataFrame, data_key: str, settings: dict) -> str:
    """What the tables are computed from: the model's training data, the rules, the
    corrections, and the comment and response tables as written (their size and
    modification time: the clean step replaces a table only when it changes it), so that
    checking an unchanged store reads no comment."""
    digest = hashlib.sha256(data_key.encode())
    digest.update(
        json.dumps(
            {k: settings.get(k) for k in ("rules", "no_usable_text")}, sort_keys=True
        ).encode()
    )
    for name in ("fft_comments", "fft_responses"):
        stat = table_path(name, processed).stat()
        digest.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(
        pd.util.hash_pandas_object(corrections.astype(str), index=False).to_numpy().tobytes()
    )
    return digest.hexdigest()


def classify(cfg: Config, settings: dict | None = None, force: bool = False) -> dict:
    """Classify the partnership's comments and write ``comment_themes`` and ``comment_sentiment``.

    Returns a summary: comments, usable comments, theme rows by origin, corrections
    applied, and the model key. When the comments, corrections, rules and model are
    those the tables were last written from, nothing is recomputed (unless ``force``):
    every monthly report can call this without reclassifying years of comments. When the
    comments are kept by month, only the months whose comments changed are classified
    (:mod:`analysis.textmodels.monthly`).
    """
    settings = settings or load_settings()
    if table_path("fft_comments", cfg.processed_dir).is_dir():  # kept by month: by month
        from analysis.textmodels.monthly import classify_months

        return classify_months(cfg, settings, force)
    from analysis.textmodels.monthly import _corrected_inputs

    corrections = read_corrections(corrections_path(cfg, settings))
    corrected = corrected_comments(corrections, _corrected_inputs(cfg.processed_dir, corrections))
    data = training_set(settings, corrected)
    key = _inputs_key(cfg.processed_dir, corrections, data.key(settings), settings)
    state = cfg.processed_dir / STATE_FILE
    tables = [table_path(n, cfg.processed_dir) for n in ("comment_themes", "comment_sentiment")]
    if not force and state.exists() and all(t.exists() for t in tables):
        saved = json.loads(state.read_text(encoding="utf-8"))
        if saved.get("inputs_key") == key:
            return saved["summary"]
    inputs = comment_inputs(
        read_table("fft_comments", cfg.processed_dir),
        read_table("fft_responses", cfg.processed_dir),
    )
    model = load_or_train(data, settings, cfg.processed_dir / "models")
    themes, sentiment = predict(model, inputs, settings)
    themes = apply_theme_corrections(themes, corrected, categories())
    fixes = corrected.dropna(subset=["sentiment"]).set_index("comment_id")["sentiment"]
    fixed = sentiment["comment_id"].isin(fixes.index)
    sentiment.loc[fixed, "sentiment"] = sentiment.loc[fixed, "comment_id"].map(fixes)
    sentiment.loc[fixed, "score"] = np.nan
    write_table(themes, "comment_themes", cfg.processed_dir)
    write_table(sentiment, "comment_sentiment", cfg.processed_dir)
    summary = {
        "comments": len(inputs),
        "usable": len(sentiment),
        "theme_rows": {k: int(v) for k, v in themes["origin"].value_counts().items()},
        "corrections": len(corrected),
        "model_key": model.key,
    }
    tmp = state.with_name(f"{state.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"inputs_key": key, "summary": summary}, indent=2), encoding="utf-8")
    tmp.replace(state)
    return summary


def sentence_scores(model: TextModel, inputs: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Themes and sentiment of each sentence of each usable comment.

    One row per sentence: ``comment_id``, ``sentence_no`` (from 1), ``sentence``,
    ``subcategories`` (tuple), ``sentiment`` and ``polarity``. Sentences are read with
    their comment's question and rating, as the model was trained.
    """
    rows = inputs.loc[usable_text(inputs["text"], settings["no_usable_text"])]
    parts = [
        (cid, i, s, q, r)
        for cid, text, q, r in zip(
            rows["comment_id"], rows["text"], rows["question"], rows["rating"], strict=True
        )
        for i, s in enumerate(split_sentences(text), start=1)
    ]
    out = pd.DataFrame(
        parts, columns=["comment_id", "sentence_no", "sentence", "question", "rating"]
    )
    if out.empty:
        return out.assign(subcategories=[], sentiment=[], polarity=[])
    found, feeling = classify_frame(model, out["sentence"], out["question"], out["rating"])
    grouped = found.groupby("row")["subcategory"].agg(tuple)
    out["subcategories"] = [grouped.get(i, ()) for i in range(len(out))]
    out["sentiment"], out["polarity"] = feeling["sentiment"].to_numpy(), feeling["score"].to_numpy()
    return out.drop(columns=["question", "rating"])
