"""Fixtures for the clean step: a tiny partnership written into a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analysis.config import load_config

SERVICES = [
    {"service_id": "S1", "service_name": "Ward One", "setting": "acute", "codes": [{"code": "A1"}]},
    {
        "service_id": "S2",
        "service_name": "Team Two",
        "setting": "community health",
        # Renamed on 1 April 2024: the old code stops, the new one starts.
        "codes": [
            {"code": "B1", "valid_to": "2024-03-31"},
            {"code": "B2", "valid_from": "2024-04-01"},
        ],
    },
]
FFT = {
    "table": "fft_responses",
    "files": "fft/*.csv",
    "columns": {
        "response_id": "ID",
        "service_code": "Ward",
        "response_date": "Date",
        "rating": "Rating",
    },
    "comments": {"what_was_good": "Good", "what_could_be_better": "Better"},
}
HEADER = "ID,Ward,Date,Rating,Good,Better\n"


@pytest.fixture
def partnership(tmp_path):
    """Factory: ``make(files, sources=..., **top_level)`` writes the raw files and a configuration."""

    def make(files: dict[str, str | bytes], sources: dict | None = None, **top) -> object:
        raw = tmp_path / "raw"
        for name, content in files.items():
            path = raw / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                content = content.encode("utf-8")
            path.write_bytes(content)
        data = {
            "partnership": "Test partnership",
            "nation": "england",
            "raw_dir": str(raw),
            "processed_dir": str(tmp_path / "processed"),
            "reports_dir": str(tmp_path / "reports"),
            "allowed_roots": [str(tmp_path)],
            "services": SERVICES,
            "sources": sources if sources is not None else {"fft": FFT},
            **top,
        }
        path = tmp_path / "partnership.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return load_config(path)

    return make


def fft_csv(*rows: str) -> str:
    """A small FFT export: the header then ``rows`` (already comma-separated)."""
    return HEADER + "".join(r + "\n" for r in rows)


def raw_path(cfg, name: str) -> Path:
    return cfg.raw_dir / name
