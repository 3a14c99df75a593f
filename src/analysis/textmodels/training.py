"""What the models learn from, and the model cache keyed by a hash of it.

The training data is the shipped labelled comments (:mod:`analysis.reference`) with
usable text, plus the partnership's manually corrected comments. The cache key is a
SHA-256 of the training rows, the settings and :data:`MODEL_VERSION`, so a model is
trained once per data version and reused by every report until any of them changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import joblib
import pandas as pd
import yaml

from analysis import reference
from analysis.config import CONFIG_DIR
from analysis.methods.themes import usable_text
from analysis.textmodels.features import model_frame
from analysis.textmodels.models import TextModel

log = logging.getLogger(__name__)

#: Bump when the model code changes in a way that changes predictions.
MODEL_VERSION = "6"
THEMES_CONFIG = CONFIG_DIR / "themes.yaml"


def load_settings(path: str | Path = THEMES_CONFIG) -> dict:
    """The theme configuration (``config/themes.yaml``)."""
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class TrainingSet:
    """Comments to learn from: ``frame`` (model input), labels, sentiment, respondent groups."""

    frame: pd.DataFrame
    subcategories: list[tuple[str, ...]]
    sentiment: pd.Series
    groups: pd.Series
    source: pd.Series

    def key(self, settings: dict) -> str:
        """SHA-256 of the rows, the model settings and the model version."""
        digest = hashlib.sha256()
        digest.update(MODEL_VERSION.encode())
        digest.update(json.dumps(settings["model"], sort_keys=True).encode())
        digest.update(json.dumps(settings["no_usable_text"]).encode())
        rows = self.frame[["text", "question", "rating"]].assign(
            labels=["|".join(s) for s in self.subcategories],
            sentiment=self.sentiment.fillna("").to_numpy(),
        )
        digest.update(pd.util.hash_pandas_object(rows, index=False).to_numpy().tobytes())
        return digest.hexdigest()


def training_set(settings: dict, corrected: pd.DataFrame | None = None) -> TrainingSet:
    """The reference comments with usable text, plus ``corrected`` partnership comments.

    ``corrected`` has ``comment_id``, ``text``, ``question``, ``rating``,
    ``subcategories`` (tuple or None) and ``sentiment`` (or None), as made by
    :func:`analysis.textmodels.corrections.corrected_comments`.
    """
    ref = reference.training_comments()
    ref = ref.loc[usable_text(ref["text"], settings["no_usable_text"])]
    ref = ref.assign(
        subcategories=ref["subcategories"].map(
            lambda s: tuple(x for x in s if x != reference.NO_USABLE_TEXT)
        ),
        source="reference",
        group=ref["respondent_id"],
    )
    parts = [ref]
    if corrected is not None and len(corrected):
        parts.append(
            corrected.assign(source="correction", group="correction:" + corrected["comment_id"])
        )
    rows = pd.concat(parts, ignore_index=True)
    return TrainingSet(
        frame=model_frame(rows["text"], rows["question"], rows["rating"]),
        subcategories=list(rows["subcategories"]),
        sentiment=rows["sentiment"].reset_index(drop=True),
        groups=rows["group"].reset_index(drop=True),
        source=rows["source"].reset_index(drop=True),
    )


def train(data: TrainingSet, settings: dict) -> TextModel:
    """Train the theme and sentiment models on ``data``; the model records the data's key."""
    model = TextModel(settings["model"]).fit(
        data.frame, data.subcategories, data.sentiment, groups=data.groups
    )
    model.key = data.key(settings)
    return model


def load_or_train(data: TrainingSet, settings: dict, cache_dir: Path) -> TextModel:
    """The cached models for this training data and settings, training them if not cached."""
    key = data.key(settings)
    path = Path(cache_dir) / f"text-models-{key[:20]}.joblib"
    if path.exists():
        log.info("using cached text models %s", path.name)
        return joblib.load(path)
    model = train(data, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    joblib.dump(model, tmp)
    tmp.replace(path)
    log.info("trained and cached text models %s", path.name)
    return model
