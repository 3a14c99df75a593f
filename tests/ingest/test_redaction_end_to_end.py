"""Identifiers planted in a small demonstration partnership's exports never reach a Parquet table.

Each class, written oddly, is appended to FFT comments (every comment column), compliments and
"You said, We did" actions (both columns) of the raw exports; after the clean step, no table,
quarantine or cache file under ``processed/`` holds any of them, spelled as planted or as its
bare digits.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis import demo
from analysis.config import load_config, relocate
from analysis.ingest.clean import clean
from analysis.ingest.schemas import FREE_TEXT

PERIOD = {"start": "2024-01", "end": "2024-03"}
#: (appended sentence, the pieces of it that must not survive). Synthetic: 943 476 5919 has a
#: valid Modulus 11 check digit (worked in test_redaction.py); Ofcom drama numbers; example.com.
PLANTED = [
    ("my nhs no is 943.476.5919", ["943.476.5919"]),
    ("NHS 9 4 3 4 7 6 5 9 1 9 (mum's)", ["9 4 3 4 7 6 5 9 1 9"]),
    ("ring +44 (0)113 496 0471 after 6", ["+44 (0)113 496 0471"]),
    ("mob 07700-900-472", ["07700-900-472"]),
    ("write to jo.bloggs [at] example [dot] com", ["jo.bloggs", "example [dot] com"]),
    ("Email KERRY_OKAFOR@EXAMPLE.COM", ["KERRY_OKAFOR", "EXAMPLE.COM"]),
    ("we moved to le1  7rh last year", ["le1  7rh"]),
    ("d.o.b. 12th March 1956", ["12th March 1956"]),
    ("DOB:03/04/1947", ["03/04/1947"]),
    ("dr. Fairbairn-Lowther was kind", ["Fairbairn-Lowther"]),
    ("thanks to Siobhán and Callum", ["Siobhán", "Callum"]),
    ("a nurse called Bronwen sat with me", ["Bronwen"]),
    ("Mrs D'Souza on nights", ["D'Souza"]),
    ("Priya Mistry listened", ["Priya", "Mistry"]),
]
SECRETS = [s for _, pieces in PLANTED for s in pieces]
DIGITS = ["9434765919", "1134960471", "7700900472"]


def _plant(path, columns: list[str], encoding: str) -> int:
    """Append a planted sentence to every seventh text of each column; in a small file, append
    every planted sentence to every text."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    small = len(df) <= 200
    planted = 0
    for c, column in enumerate(columns):
        rows = [i for i in range(len(df)) if df.at[i, column].strip()]
        for k, i in enumerate(rows if small else rows[c::7]):
            chosen = PLANTED if small else [PLANTED[(k + c) % len(PLANTED)]]
            df.at[i, column] = " ".join([df.at[i, column], *(p[0] + "." for p in chosen)])
            planted += len(chosen)
    df.to_csv(path, index=False, encoding=encoding)
    return planted


@pytest.fixture(scope="module")
def cleaned(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    base = load_config()
    cfg = relocate(base, root, demo={**base.section("demo", {}), **PERIOD})
    demo.generate(cfg.raw_dir, seed=11, config=cfg, **PERIOD)
    sources = cfg.section("sources")
    planted = {}
    for name, spec in sources.items():
        columns = list((spec.get("comments") or {}).values()) or [
            spec["columns"][c] for c in FREE_TEXT.get(spec["table"], []) if c in spec["columns"]
        ]
        if not columns or spec.get("format", "csv") != "csv":
            continue
        files = sorted(cfg.raw_dir.glob(spec["files"]))
        for path in files:
            planted[name] = planted.get(name, 0) + _plant(
                path, columns, spec.get("encoding", "utf-8")
            )
    clean(cfg)
    return cfg, planted


def test_identifiers_were_planted_in_comments_compliments_and_actions(cleaned):
    _, planted = cleaned
    assert {"fft", "compliments", "actions"} <= set(planted)
    assert all(n >= len(PLANTED) for n in planted.values())


def test_no_planted_identifier_is_in_any_parquet_table(cleaned):
    cfg, _ = cleaned
    files = sorted(cfg.processed_dir.rglob("*.parquet"))
    assert files
    leaks = []
    for path in files:
        table = pq.read_table(path)
        for name in table.column_names:
            column = table.column(name)
            if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                if not pa.types.is_dictionary(column.type):
                    continue
                column = column.cast(pa.string())
            for value in column.drop_null().unique().to_pylist():
                bare = re.sub(r"\D", "", value)
                found = [s for s in SECRETS if s in value] + [d for d in DIGITS if d in bare]
                if found:
                    leaks.append((path.name, name, found))
    assert not leaks


def test_the_markers_show_where_identifiers_were(cleaned):
    cfg, _ = cleaned
    from analysis.ingest.store import read_table

    compliments = read_table("compliments", cfg.processed_dir)["text"].dropna()
    actions = read_table("actions", cfg.processed_dir)
    comments = read_table("fft_comments", cfg.processed_dir)["text"]
    for texts in (compliments, actions["you_said"], actions["we_did"], comments):
        assert texts.str.contains(r"\[(?:NHS number|phone|email|postcode|name)\]").any()
    assert load_config(cfg.path).processed_dir == cfg.processed_dir
