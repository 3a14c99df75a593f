"""The clean step: raw exports named in the configuration → validated tidy tables.

Every input row ends in a tidy table or in the quarantine table with its file,
record and the rule it broke; the manifest records the counts so they can be
seen to add up, with the checksum of every input file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd

import analysis
from analysis.config import Config
from analysis.ingest.schemas import RATINGS
from analysis.ingest.store import write_table


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def services_table(cfg: Config) -> pd.DataFrame:
    cols = ["service_id", "service_name", "setting", "directorate"]
    df = pd.DataFrame([{c: s.get(c) for c in cols} for s in cfg.services])
    df["partnership"] = cfg.name
    return df


def service_codes_table(cfg: Config) -> pd.DataFrame:
    rows = [
        {
            "source": code.get("source", "all"),
            "code": str(code["code"]),
            "service_id": s["service_id"],
            "valid_from": code.get("valid_from"),
            "valid_to": code.get("valid_to"),
        }
        for s in cfg.services
        for code in s.get("codes", [])
    ]
    return pd.DataFrame(rows)


def _read_source(cfg: Config, name: str) -> tuple[pd.DataFrame, list[dict]]:
    spec = cfg.sources[name]
    files = sorted(cfg.raw_dir.glob(spec["files"]))
    if not files:
        raise FileNotFoundError(
            f"source {name!r}: no file matches {spec['files']!r} under {cfg.raw_dir}; "
            "check `files` in the configuration."
        )
    frames, inputs = [], []
    wanted = {**spec["columns"], **spec.get("comments", {})}
    for path in files:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        absent = [h for h in wanted.values() if h not in df.columns]
        if absent:
            raise ValueError(f"{path}: missing column(s) {absent}; fix the export or the mapping.")
        df = df.rename(columns={v: k for k, v in wanted.items()})[list(wanted)]
        df["source_file"] = path.relative_to(cfg.raw_dir).as_posix()
        df["source_record"] = range(1, len(df) + 1)
        frames.append(df)
        inputs.append(
            {
                "source": name,
                "file": df["source_file"].iat[0] if len(df) else path.name,
                "sha256": sha256(path),
                "rows": len(df),
            }
        )
    return pd.concat(frames, ignore_index=True), inputs


def _quarantine(
    df: pd.DataFrame, bad: pd.Series, source: str, column: str, rule: str, message: str
):
    rows = df.loc[bad]
    return pd.DataFrame(
        {
            "source": source,
            "source_file": rows["source_file"],
            "source_record": rows["source_record"],
            "source_line": rows["source_record"] + 1,
            "column": column,
            "value": rows[column].astype(str),
            "rule": rule,
            "message": message,
        }
    )


def clean(cfg: Config) -> dict:
    """Run the clean step for ``cfg`` and return the manifest it wrote."""
    out = cfg.processed_dir
    codes = service_codes_table(cfg)
    code_map = dict(zip(codes["code"], codes["service_id"], strict=True))
    quarantined, inputs, counts = [], [], {}

    fft, fft_inputs = _read_source(cfg, "fft")
    inputs += fft_inputs
    fft["service_id"] = fft["service_code"].map(code_map)
    fft["response_date"] = pd.to_datetime(fft["response_date"], format="%d/%m/%Y", errors="coerce")
    rules = [
        (
            "service_code",
            fft["service_id"].isna(),
            "unknown_service",
            "service code not in configuration",
        ),
        (
            "response_date",
            fft["response_date"].isna(),
            "unparseable_date",
            "date is not dd/mm/yyyy",
        ),
        ("rating", ~fft["rating"].isin(RATINGS), "unknown_rating", "rating not on the FFT scale"),
    ]
    bad = pd.Series(False, index=fft.index)
    for column, mask, rule, message in rules:
        new = mask & ~bad
        quarantined.append(_quarantine(fft, new, "fft", column, rule, message))
        bad |= mask
    kept = fft.loc[~bad].copy()
    kept["rating_scale"] = "six_point"
    kept["mode"] = kept["mode"].where(
        kept["mode"].isin(["SMS", "paper", "online", "kiosk", "telephone"]), "unknown"
    )
    for c in ("age_band", "sex", "ethnicity"):
        kept[c] = kept[c].replace("", None)
    response_cols = [
        "response_id",
        "service_id",
        "response_date",
        "rating",
        "rating_scale",
        "mode",
        "age_band",
        "sex",
        "ethnicity",
        "source_file",
        "source_record",
    ]
    write_table(kept[response_cols], "fft_responses", out)
    comment_frames = []
    for question in cfg.sources["fft"].get("comments", {}):
        has = kept[question].str.strip() != ""
        c = kept.loc[
            has, ["response_id", "service_id", "response_date", "source_file", "source_record"]
        ].copy()
        c["question"] = question
        c["text"] = kept.loc[has, question]
        c["comment_id"] = c["response_id"] + "-" + question
        comment_frames.append(c)
    comments = pd.concat(comment_frames, ignore_index=True)
    write_table(comments, "fft_comments", out)
    counts["fft"] = {"read": len(fft), "kept": int((~bad).sum()), "quarantined": int(bad.sum())}

    elig, elig_inputs = _read_source(cfg, "fft_eligible")
    inputs += elig_inputs
    elig["service_id"] = elig["service_code"].map(code_map)
    elig["month"] = pd.to_datetime(elig["month"], format="%d/%m/%Y", errors="coerce")
    elig["eligible"] = pd.to_numeric(elig["eligible"], errors="coerce")
    bad = elig["service_id"].isna() | elig["month"].isna() | elig["eligible"].isna()
    quarantined.append(
        _quarantine(
            elig,
            bad,
            "fft_eligible",
            "service_code",
            "invalid_row",
            "unknown service, bad month or non-numeric count",
        )
    )
    write_table(
        elig.loc[~bad, ["service_id", "month", "eligible", "source_file", "source_record"]],
        "fft_eligible",
        out,
    )
    counts["fft_eligible"] = {
        "read": len(elig),
        "kept": int((~bad).sum()),
        "quarantined": int(bad.sum()),
    }

    write_table(services_table(cfg), "services", out)
    write_table(codes, "service_codes", out)
    write_table(pd.concat(quarantined, ignore_index=True), "quarantine", out)
    manifest = {
        "code_version": analysis.__version__,
        "config": str(cfg.path),
        "inputs": inputs,
        "counts": counts,
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest
