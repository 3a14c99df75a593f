"""The demonstration partnership: synthetic raw exports with effects planted on purpose.

``generate`` writes, under ``raw_dir``, the exports a partnership would send (every file
is described by a ``sources:`` entry of the configuration) and ``truth.json`` beside them.
The same seed and period give byte-identical files; nothing depends on today's date.
The services, their parameters, the defect rates and the planted effects come from the
configuration's ``demo:`` section (``config/partnerships/demo.yaml``, ``scotland_demo.yaml``).
Comments are real labelled NHS comments (see :mod:`analysis.demo.comments` and
``analysis/reference/README.md`` for their source, MIT licence and redaction).

Example
-------
>>> import tempfile
>>> raw = tempfile.mkdtemp()
>>> files = generate(raw, seed=1, start="2024-01", end="2024-01", scale=200)
>>> read_truth(raw)["fft"]["responses"]
200

Files written (paths under ``raw_dir``)
---------------------------------------
``fft/fft_responses_YYYY-MM.csv``  one FFT export per month (none while collection paused);
``fft_eligible/fft_eligible.csv``; ``service_population/service_population.csv``;
``complaints/complaints_export.csv`` (Windows-1252); ``compliments/compliments_YYYY-YY.csv``
(Windows-1252, one per financial year); ``actions/you_said_we_did.csv``;
``surveys/survey_results.xlsx`` (title row above the header); ``measures/measures.csv``;
``nhse_fft/FFT_<collection>_YYYY-MM.csv`` (NHS England's national FFT files, synthetic: see
:mod:`analysis.demo.national`; only when a source reads ``fft_published``); ``truth.json``.

truth.json
----------
Keys other steps' tests read (dates ``YYYY-MM-DD``, months ``YYYY-MM``, shares 0-1,
sizes in percentage points):

``generator``        seed, start, end, scale, nation.
``fft``              ``paused`` [first, last month] or null, ``six_point_from`` month,
                     ``responses`` (distinct responses, before duplicate rows), ``comments``.
``step``             ``service_id``, ``measure`` ("percent_positive"), ``baseline``
                     (planted positive share before the drop, outside winter),
                     ``drop_date``, ``drop_pp`` (negative), ``recovery_date``, ``recovery_pp``,
                     ``action_id`` and ``action_date`` of the "We did" action behind the recovery,
                     ``observed`` positive share (from the generated rows) before, during, after.
``rising_theme``     ``subcategory`` and ``category`` (v7 framework names), ``question``,
                     ``start_month``, ``full_month`` (ramp complete), ``from_share``, ``to_share``
                     (planted share of that question's comments), ``size_pp``.
``under_represented`` ``group_type``, ``group``, ``expected_share`` (share of the service
                     population), ``actual_share`` (share of FFT responses with that
                     demographic answered), ``response_propensity`` (planted: how often the
                     group answers relative to others).
``late_acknowledgements`` ``service_id``, ``start``, ``end``, ``rule``, ``complaints``
                     (received in the run), ``late`` (of them, acknowledged late), and
                     ``late_elsewhere`` (late ones outside the run, partnership-wide).
``outlier``          ``service_id``, ``positive_share`` planted, ``peer_range`` of the others.
``complaints``       ``rule`` (the acknowledgement rule), ``received``, ``late_acknowledgements``
                     (partnership-wide), ``acknowledged_on_deadline_across_bank_holiday``
                     (complaints received the working day before a bank holiday and
                     acknowledged on the last day allowed: on time, though a week may pass).
``measures``         ``collaborative_care_planning`` and ``experts_by_experience_recruited``:
                     value at each financial-year end (``YYYY-03-31``) in the period.
``defects``          every planted defect with its count, exact in the monthly FFT files
                     (the second copy of ``month_exported_twice`` repeats that month):
                     ``blank_ratings``; ``unknown_service_codes`` {code: rows};
                     ``unparseable_dates``; ``ambiguous_dates`` {``count``, ``response_ids``}
                     (written mm/dd/yyyy where that is still a valid date); ``duplicate_rows``
                     (extra exact copies); ``month_exported_twice`` {``month``, ``files``,
                     ``rows``}; ``personal_details`` {``nhs_number``, ``phone``, ``email``,
                     ``titled_name``}; ``service_code_change`` [{``service_id``, ``old_code``,
                     ``new_code``, ``from``}].
``national``         the synthetic national files (or null): ``providers`` per collection
                     and ``england_percent_positive`` {collection: {month: %}}.
``files``            every file written: rows and encoding.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import Config, load_config
from analysis.demo import defects
from analysis.demo.activity import generate_actions, generate_measures, generate_surveys
from analysis.demo.comments import CommentBank
from analysis.demo.complaints import generate_complaints, generate_compliments
from analysis.demo.fft import generate_fft
from analysis.demo.national import generate_national
from analysis.demo.partnership import load_partnership
from analysis.demo.truth import fft_truth
from analysis.demo.writers import export_frame, write_csv, write_xlsx
from analysis.reference import training_comments

__all__ = ["generate", "read_truth"]

ACTION_DATES = ("heard_date", "action_date", "published_date")
SURVEY_TITLE = "Staff, service user and carer survey results (share answering positively)"
COMPLAINT_DATES = ("received_date", "acknowledged_date", "responded_date", "closed_date")


def generate(
    raw_dir: str | os.PathLike,
    seed: int = 20190401,
    start: str = "2019-04",
    end: str = "2025-03",
    config: Config | None = None,
    scale: int | None = None,
) -> list[Path]:
    """Write the demonstration exports and ``truth.json`` under ``raw_dir``; return the files.

    ``scale`` writes exactly that many FFT responses over the period, with comments
    composed from sentences so that almost all are distinct (for benchmarks).
    """
    cfg = config or load_config()
    part = load_partnership(cfg, start, end)
    if not part.fft_months:
        raise ValueError(
            f"demonstration period {start} to {end} lies wholly within the FFT collection pause "
            f"({part.paused[0]} to {part.paused[1]}); choose a period with FFT months."
        )
    raw = Path(raw_dir)
    rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
    fft_rng, complaint_rng, compliment_rng, action_rng, survey_rng, measure_rng, defect_rng = rngs[
        :7
    ]
    national_rng = rngs[7]
    planted = cfg.demo.planted.as_dict()  # load_partnership checked there is a demo section
    theme = planted.get("rising_theme", {}).get("subcategory", "Timeliness of care")
    bank = CommentBank(training_comments(), theme)

    fft = generate_fft(part, fft_rng, bank, scale)
    written: dict[Path, dict] = {}

    def record(path: Path, rows: int, encoding: str = "utf-8"):
        written[path] = {"rows": rows, "encoding": encoding}

    defect_truth = _write_fft(cfg, fft.responses, raw, defect_rng, record)
    for name, df, dates in [
        ("fft_eligible", fft.eligible, ("month",)),
        ("service_population", fft.population, ("period_start", "period_end")),
    ]:
        spec = cfg.sources[name]
        out = export_frame(df, spec, dates=dates)
        enc = spec.get("encoding", "utf-8")
        record(write_csv(out, raw / Path(spec["files"]), enc), len(out), enc)

    complaints, complaints_truth = generate_complaints(part, complaint_rng, planted)
    spec = cfg.sources["complaints"]
    out = export_frame(complaints, spec, dates=COMPLAINT_DATES)
    enc = spec.get("encoding", "utf-8")
    record(write_csv(out, raw / spec["files"], enc), len(out), enc)

    compliments = generate_compliments(part, compliment_rng, bank)
    spec = cfg.sources["compliments"]
    enc = spec.get("encoding", "utf-8")
    year = (compliments["received_date"].dt.to_period("M") - 3).dt.year
    for fy, rows in compliments.groupby(year, sort=True):
        out = export_frame(rows, spec, dates=("received_date",))
        path = raw / "compliments" / f"compliments_{fy}-{(fy + 1) % 100:02d}.csv"
        record(write_csv(out, path, enc), len(out), enc)

    actions, action_truth = generate_actions(part, action_rng, planted)
    spec = cfg.sources["actions"]
    out = export_frame(actions, spec, dates=ACTION_DATES)
    enc = spec.get("encoding", "utf-8")
    record(write_csv(out, raw / spec["files"], enc), len(out), enc)

    spec = cfg.sources["surveys"]
    out = export_frame(generate_surveys(part, survey_rng), spec, as_text=False)
    path = write_xlsx(out, raw / spec["files"], spec["sheet"], SURVEY_TITLE, spec["header_row"])
    record(path, len(out), "xlsx")

    measures, measure_truth = generate_measures(part, measure_rng)
    spec = cfg.sources["measures"]
    out = export_frame(measures, spec, dates=("period_start", "period_end"))
    enc = spec.get("encoding", "utf-8")
    record(write_csv(out, raw / spec["files"], enc), len(out), enc)

    national_truth = _write_national(cfg, part, raw, national_rng, record)

    truth = {
        "generator": {
            "seed": seed,
            "start": str(part.months[0]),
            "end": str(part.months[-1]),
            "scale": scale,
            "nation": cfg.nation,
        },
        **fft_truth(part, fft, planted),
        **complaints_truth,
        "measures": measure_truth,
        "national": national_truth,
        "defects": {**defect_truth, "service_code_change": _code_changes(part)},
        "files": {p.relative_to(raw).as_posix(): info for p, info in sorted(written.items())},
    }
    if "step" in truth:
        truth["step"].update(action_truth)
    truth_path = raw / "truth.json"
    truth_path.write_text(json.dumps(truth, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return sorted(written) + [truth_path]


def _write_fft(cfg: Config, responses: pd.DataFrame, raw: Path, rng, record) -> dict:
    """Write one FFT export per month with the configured defects; return what was planted."""
    spec = cfg.sources["fft"]
    rates = cfg.demo.defects
    cols, comment_cols = spec["columns"], list(spec.get("comments", {}).values())
    enc = spec.get("encoding", "utf-8")
    twice = rates.month_exported_twice
    truth = {
        "blank_ratings": 0,
        "unknown_service_codes": {},
        "unparseable_dates": 0,
        "ambiguous_dates": {"count": 0, "response_ids": []},
        "duplicate_rows": 0,
        "month_exported_twice": None,
        "personal_details": dict.fromkeys(["nhs_number", "phone", "email", "titled_name"], 0),
    }
    monthly = responses["response_date"].dt.to_period("M")
    for m, month_rows in responses.groupby(monthly, sort=True):
        out = export_frame(month_rows, spec, dates=("response_date",))
        touched = defects.blank_values(out, cols["rating"], rng, rates.blank_ratings)
        truth["blank_ratings"] += int(touched.sum())
        unknown = rates.unknown_service_codes
        changed, found = defects.unknown_codes(
            out, cols["service_code"], rng, unknown.rate, list(unknown.codes)
        )
        touched |= changed
        for code, k in found.items():
            truth["unknown_service_codes"][code] = truth["unknown_service_codes"].get(code, 0) + k
        changed, broken, swapped = defects.bad_dates(
            out,
            cols["response_date"],
            rng,
            rates.unparseable_dates,
            rates.ambiguous_dates,
        )
        touched |= changed
        truth["unparseable_dates"] += broken
        truth["ambiguous_dates"]["count"] += len(swapped)
        truth["ambiguous_dates"]["response_ids"] += out[cols["response_id"]].iloc[swapped].tolist()
        changed, found = defects.plant_personal_details(
            out, comment_cols, rng, rates.personal_details
        )
        touched |= changed
        for kind, k in found.items():
            truth["personal_details"][kind] += k
        out, repeated = defects.duplicate_rows(out, rng, rates.duplicate_rows, ~touched)
        truth["duplicate_rows"] += repeated
        path = write_csv(out, raw / "fft" / f"fft_responses_{m}.csv", enc)
        record(path, len(out), enc)
        if str(m) == twice:
            again = write_csv(out, raw / "fft" / f"fft_responses_{m} (1).csv", enc)
            record(again, len(out), enc)
            truth["month_exported_twice"] = {
                "month": str(m),
                "files": [path.name, again.name],
                "rows": len(out),
            }
    truth["unknown_service_codes"] = dict(sorted(truth["unknown_service_codes"].items()))
    return truth


def _write_national(cfg: Config, part, raw: Path, rng, record) -> dict | None:
    """NHS England's monthly FFT files (synthetic), when a source reads them."""
    wanted = [
        spec["files"] for spec in cfg.sources.values() if spec.get("table") == "fft_published"
    ]
    if not wanted:
        return None
    tables = generate_national(part.fft_months, rng)
    england = {}
    for (stem, m), df in tables.items():
        path = raw / "nhse_fft" / f"FFT_{stem}_{m}.csv"
        record(write_csv(df.astype(str), path), len(df), "utf-8")
        row = df.iloc[0]
        england.setdefault(stem, {})[str(m)] = round(float(row["Prop_Pos"]) * 100, 2)
    return {
        "files": "nhse_fft/FFT_<collection>_<YYYY-MM>.csv",
        "providers": {stem: int(len(df) - 1) for (stem, _), df in tables.items()},
        "england_percent_positive": england,
    }


def _code_changes(part) -> list[dict]:
    """Services whose export code changed within the period."""
    changes = []
    for s in part.services:
        for old, new in zip(s.codes, s.codes[1:], strict=False):
            if new.get("valid_from"):
                changes.append(
                    {
                        "service_id": s.service_id,
                        "old_code": str(old["code"]),
                        "new_code": str(new["code"]),
                        "from": pd.Timestamp(new["valid_from"]).date().isoformat(),
                    }
                )
    return changes


def read_truth(raw_dir: str | os.PathLike) -> dict:
    """The planted truth written beside the demonstration exports in ``raw_dir``."""
    path = Path(raw_dir) / "truth.json"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found; run `python -m analysis demo-data` first.")
    return json.loads(path.read_text(encoding="utf-8"))
