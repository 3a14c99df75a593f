"""The demonstration partnership's FFT responses and planted truth, built in memory.

Uses the generator's own functions with the same seed stream as ``analysis.demo.generate``
(the FFT generator draws from the first of seven spawned streams), so the truth is the
one ``truth.json`` records, without writing or cleaning the raw exports.
"""

from __future__ import annotations

import numpy as np
import pytest

from analysis.config import load_config

DEMO_PERIOD = ("2019-10", "2024-03")


@pytest.fixture(scope="session")
def demo_fft():
    """(config, FFT tables, truth) for the demonstration partnership over ``DEMO_PERIOD``."""
    from analysis.demo.comments import CommentBank
    from analysis.demo.fft import generate_fft
    from analysis.demo.partnership import load_partnership
    from analysis.demo.truth import fft_truth
    from analysis.reference import training_comments

    cfg = load_config()
    demo = cfg.section("demo")
    part = load_partnership(cfg, *DEMO_PERIOD)
    bank = CommentBank(training_comments(), demo["planted"]["rising_theme"]["subcategory"])
    rng = np.random.default_rng(np.random.SeedSequence(demo["seed"]).spawn(7)[0])
    fft = generate_fft(part, rng, bank)
    return cfg, fft, fft_truth(part, fft, demo["planted"])


@pytest.fixture(scope="session")
def demo_complaints():
    """The demonstration complaints over ``DEMO_PERIOD`` as the tidy ``complaints`` table.

    Built from the generator's second seed stream, as ``analysis.demo.generate`` does.
    """
    from analysis.demo.complaints import generate_complaints
    from analysis.demo.partnership import load_partnership

    cfg = load_config()
    demo = cfg.section("demo")
    rng = np.random.default_rng(np.random.SeedSequence(demo["seed"]).spawn(7)[1])
    c, _ = generate_complaints(load_partnership(cfg, *DEMO_PERIOD), rng, demo["planted"])
    return c.drop(columns="service_code").assign(
        outcome=c["outcome"].str.lower().replace({"partially upheld": "partly upheld", "": None}),
        reopened=c["reopened"] == "Y",
        ombudsman_referral=c["ombudsman_referral"] == "Y",
        source_file="demo",
        source_record=range(1, len(c) + 1),
    )


@pytest.fixture(scope="session")
def demo_actions():
    """(actions, truth) of the demonstration "You said, We did" log over ``DEMO_PERIOD``.

    Built from the generator's fourth seed stream, as ``analysis.demo.generate`` does.
    """
    from analysis.demo.activity import generate_actions
    from analysis.demo.partnership import load_partnership

    cfg = load_config()
    demo = cfg.section("demo")
    rng = np.random.default_rng(np.random.SeedSequence(demo["seed"]).spawn(7)[3])
    return generate_actions(load_partnership(cfg, *DEMO_PERIOD), rng, demo["planted"])
