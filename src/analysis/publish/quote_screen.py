"""The quote screen's configuration, and what it keeps out of the shipped real comments.

``config/quotes.yaml`` holds the settings of :class:`analysis.methods.quotes.Screen`.
Run ``python -m analysis.publish.quote_screen`` to list every shipped labelled comment
(``src/analysis/reference``) the screen rejects, with its reasons, and a count per
reason: the way to review a change to the screen.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import yaml
from pydantic import ValidationError

from analysis.config import CONFIG_DIR, ConfigError
from analysis.methods.quotes import Rejection, Screen, ScreenSettings, screened

QUOTES_CONFIG = CONFIG_DIR / "quotes.yaml"


@functools.cache
def load_screen(path: str | Path = QUOTES_CONFIG) -> Screen:
    """The screen configured in ``path`` (``config/quotes.yaml``); a bad file raises ConfigError."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return Screen(ScreenSettings(**data))
    except FileNotFoundError:
        raise ConfigError(f"{path} not found: the quote screen needs it") from None
    except (yaml.YAMLError, ValidationError, TypeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def shipped_candidates() -> pd.DataFrame:
    """The shipped labelled comments as quote candidates (text, rating, sentiment, question)."""
    from analysis.reference import training_comments

    c = training_comments()
    return c.assign(service_id=c["trust"])[
        ["comment_id", "text", "service_id", "rating", "sentiment", "question"]
    ]


def rejections(screen: Screen | None = None) -> list[Rejection]:
    """Every shipped comment the screen keeps out, with its reasons."""
    _, rejected = screened(shipped_candidates(), screen or load_screen())
    return rejected


def main() -> int:
    """Print each rejected shipped comment with its reasons, then a count per reason."""
    rejected = rejections()
    for r in rejected:
        print(f"{r.comment_id}\t{', '.join(r.reasons)}\t{r.text[:120]!r}")
    counts = Counter(reason for r in rejected for reason in r.reasons)
    print(f"\n{len(rejected)} of {len(shipped_candidates())} comments rejected:", file=sys.stderr)
    for reason, n in counts.most_common():
        print(f"  {reason}: {n}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
