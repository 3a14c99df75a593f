"""Benchmark the theme and sentiment models: training time, scores, and classifying 1,000,000 comments.

Prints: seconds to train both models on the shipped labelled comments; the grouped
cross-validated scores (the figures the tests hold the models to); and seconds to
classify 1,000,000 distinct comments (themes and sentiment), each two or three
sentences of real comments joined at random so that no two are alike.

    .venv/bin/python benchmarks/bench_themes.py [--comments N] [--no-evaluation] [--smoke]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from analysis.demo.comments import CommentBank
from analysis.reference import training_comments
from analysis.textmodels.classify import classify_frame
from analysis.textmodels.models import evaluate
from analysis.textmodels.training import load_settings, train, training_set


def distinct_comments(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """``n`` distinct comments and their questions, composed from real sentences."""
    bank = CommentBank(training_comments(), theme="Timeliness of care")
    rng = np.random.default_rng(seed)
    keys = sorted(bank.pools)
    texts = np.array([], dtype=object)
    for _ in range(100):
        batch = [bank.compose(rng, *keys[rng.integers(len(keys))], 20_000) for _ in range(25)]
        texts = np.unique(np.concatenate([texts, *batch]))
        if len(texts) >= n:
            break
    else:
        raise SystemExit(f"only {len(texts)} distinct comments could be composed")
    texts = texts[rng.permutation(len(texts))[:n]]
    questions = np.array(["what_was_good", "what_could_be_better", "what_matters"])[
        rng.integers(3, size=n)
    ]
    return texts, questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--no-evaluation", action="store_true", help="skip the cross-validation")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="1,000 comments, no cross-validation: checks the benchmark runs",
    )
    args = parser.parse_args()
    if args.smoke:
        args.comments, args.no_evaluation = 1_000, True
    print(f"cores available: {os.cpu_count()}")
    settings = load_settings()
    data = training_set(settings)
    start = time.perf_counter()
    model = train(data, settings)
    print(f"train both models on {len(data.frame):,} comments: {time.perf_counter() - start:.1f} s")
    if not args.no_evaluation:
        start = time.perf_counter()
        ev = settings["evaluation"]
        _, themes, sentiment = evaluate(data, settings)
        print(
            f"themes ({ev['folds']}-fold grouped CV): macro F1 {themes['macro_f1']:.3f} "
            f"over {themes['labels_in_macro']} sub-categories, micro F1 {themes['micro_f1']:.3f}"
        )
        print(
            f"sentiment: accuracy {sentiment['accuracy_5']:.3f}, macro F1 {sentiment['macro_f1_5']:.3f} "
            f"(3 classes: {sentiment['accuracy_3']:.3f} / {sentiment['macro_f1_3']:.3f}); "
            f"cross-validation took {time.perf_counter() - start:.1f} s"
        )
    texts, questions = distinct_comments(args.comments)
    print(f"{len(texts):,} distinct comments, {len(set(texts)):,} unique")
    start = time.perf_counter()
    themes, sentiment = classify_frame(model, texts, questions, [None] * len(texts))
    seconds = time.perf_counter() - start
    print(
        f"classify {len(texts):,} comments: {seconds:.1f} s "
        f"({len(texts) / seconds:,.0f} a second; {len(themes):,} theme rows, {len(sentiment):,} sentiments)"
    )


if __name__ == "__main__":
    main()
