"""Which columns are free text comes from the schemas, and the clean step redacts every one.

A text column is free text unless the schema declares it a label, so a text column added to
the contract is redacted until someone decides it cannot hold what people write.
"""

from __future__ import annotations

import pandera.pandas as pa
import pytest

from analysis.ingest.clean import clean
from analysis.ingest.schemas import FREE_TEXT, SCHEMAS, _text
from analysis.ingest.sources import FREE_TEXT as SOURCES_FREE_TEXT
from analysis.ingest.store import read_table


def test_what_people_write_is_free_text():
    assert FREE_TEXT["fft_comments"] == ["text"]
    assert FREE_TEXT["compliments"] == ["text"]
    assert FREE_TEXT["actions"] == ["you_said", "we_did"]
    assert FREE_TEXT["stories"] == ["title", "text"]
    assert FREE_TEXT["quarantine"] == ["value"]
    assert SOURCES_FREE_TEXT is FREE_TEXT  # one list, read by the conversion


def test_every_text_column_says_whether_it_is_free_text():
    for name, schema in SCHEMAS.items():
        for column, col in schema.columns.items():
            if str(col.dtype) == "str" and not any(c.name == "isin" for c in col.checks):
                assert "free_text" in (col.metadata or {}), f"{name}.{column}"


def test_a_new_text_column_is_free_text_unless_declared_a_label():
    assert isinstance(_text(), pa.Column) and _text().metadata == {"free_text": True}


@pytest.mark.parametrize(
    ("title", "story"),
    [
        ("Thanks to Kerry", "My DOB is 12/03/1956, call 07700 900123"),
        ("jo [at] example [dot] com", "NHS 943-476-5919, LE1  7rh, Dr. D'Souza"),
    ],
)
def test_every_free_text_column_of_a_source_is_redacted(partnership, title, story):
    spec = {
        "table": "stories",
        "files": "co/*.csv",
        "columns": {
            "story_id": "Story ID",
            "service_code": "Service",
            "published_date": "Published",
            "title": "Title",
            "text": "Story",
            "author_role": "Author role",
        },
    }
    csv = (
        f'Story ID,Service,Published,Title,Story,Author role\n1,A1,05/03/2024,{title},"{story}",x\n'
    )
    cfg = partnership({"co/stories.csv": csv}, sources={"careopinion": spec})
    clean(cfg)
    row = read_table("stories", cfg.processed_dir).iloc[0]
    for secret in ("Kerry", "1956", "07700", "jo ", "5919", "7rh", "Souza"):
        assert secret not in row["title"] and secret not in row["text"]
    assert "[" in row["title"] and "[" in row["text"]


def test_the_detector_and_its_name_lists_are_part_of_the_code_fingerprint(monkeypatch):
    # Converted files are cached under the code's fingerprint: a better detector must not
    # find yesterday's less redacted text in the cache.
    from pathlib import Path

    from analysis.ingest import manifest
    from analysis.ingest.redaction import names

    def fingerprint() -> str:  # computed afresh (a run computes it once, when it starts)
        manifest.code_fingerprint.cache_clear()
        return manifest.code_fingerprint()

    before = fingerprint()
    target, real = Path(names.__file__), Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: real(p) + (b"#" if p == target else b""))
    assert fingerprint() != before
    edited = manifest.code_fingerprint()
    monkeypatch.undo()
    assert manifest.code_fingerprint() == edited  # kept for the rest of the process
    monkeypatch.setattr("importlib.metadata.version", lambda name: "0.0-other")
    assert fingerprint() != before
    monkeypatch.undo()
    manifest.code_fingerprint.cache_clear()
