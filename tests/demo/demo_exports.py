"""A plain reference reader for the demonstration exports, independent of the clean step.

It reads each source's files with pandas and the configuration's ``sources`` mapping
(``dd/mm/yyyy`` dates), so the tests check the raw files themselves.
"""

from __future__ import annotations

import pandas as pd


def read_export(cfg, raw, source: str, include_copies: bool = True) -> pd.DataFrame:
    """Every file of ``source`` as text, headers renamed to tidy columns, with its file name."""
    spec = cfg.sources[source]
    mapping = {v: k for k, v in {**spec["columns"], **spec.get("comments", {})}.items()}
    frames = []
    for path in sorted(raw.glob(spec["files"])):
        if not include_copies and "(1)" in path.name:
            continue
        if spec["format"] == "xlsx":
            df = pd.read_excel(
                path, sheet_name=spec["sheet"], header=spec["header_row"] - 1, dtype=str
            )
            df = df.fillna("")
        else:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=spec["encoding"])
        frames.append(df.rename(columns=mapping).assign(file=path.name))
    return pd.concat(frames, ignore_index=True)


def code_map(cfg) -> dict[str, str]:
    return {str(c["code"]): s["service_id"] for s in cfg.services for c in s["codes"]}


def uk_dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%d/%m/%Y", errors="coerce")
