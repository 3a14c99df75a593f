"""A chart is drawn once and saved as savefig(bbox_inches="tight") saves it: same size, same
text alternative, the same picture (to anti-aliasing); one drawing outside its canvas exactly so."""

from __future__ import annotations

import io
import re
from base64 import b64decode

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from analysis.publish import style  # noqa: E402
from analysis.publish.figures import figure_html  # noqa: E402


def _chart(legend_below: bool):
    style.apply()
    fig, ax = plt.subplots(figsize=(6, 2.6))
    months = np.arange(24)
    ax.plot(months, 80 + 5 * np.sin(months / 3), marker="o", label="% positive")
    ax.axhline(85, linestyle="--", label="Target")
    ax.set_title("FFT percentage positive, by month")
    if legend_below:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=3, fontsize=8)
    else:
        ax.legend(loc="best", fontsize=7)
    return fig


def _savefig_tight(fig) -> Image.Image:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", metadata={"Software": None})
    return Image.open(buf)


@pytest.mark.parametrize("legend_below", [False, True])
def test_a_chart_is_drawn_once_and_looks_as_savefig_tight_made_it(
    legend_below, tmp_path, monkeypatch
):
    expected = _savefig_tight(_chart(legend_below))
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: draws.append(r) or real_draw(self, r))
    html = figure_html(_chart(legend_below), "Alt words", "Caption", save_as=tmp_path / "c.png")
    saved = Image.open(tmp_path / "c.png")
    embedded = Image.open(io.BytesIO(b64decode(re.search(r"base64,([^\"]+)", html)[1])))
    assert saved.tobytes() == embedded.tobytes()
    assert saved.size == expected.size
    assert saved.info["Description"] == "Alt words" and "Software" not in saved.info
    assert saved.info["dpi"] == pytest.approx(expected.info["dpi"])
    got = np.asarray(saved.convert("RGB"), dtype=int)
    want = np.asarray(expected.convert("RGB"), dtype=int)
    differ = (np.abs(got - want).sum(axis=2) > 0).mean()
    if legend_below:  # outside its canvas: drawn again on the measured box, exactly as before
        assert differ == 0 and len(draws) == 2
    else:  # the same picture shifted by under half a pixel: anti-aliased edges differ
        assert differ < 0.15 and len(draws) == 1
        assert np.abs(got - want).mean() < 10
