"""SPC over 10,000 series of 36 monthly points (every ward × measure of a large trust).

Target: under 1 s on a 2-core machine. Prints the best of three runs of ``ptd_spc``
(one facet per series, with a target), the icons for every facet, and a Laney p′ chart
over the same series.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.methods.attribute_charts import attribute_spc
from analysis.methods.spc import ptd_icons, ptd_spc

N_SERIES, N_POINTS = 10_000, 36


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=N_SERIES, help="series of 36 points")
    parser.add_argument(
        "--smoke", action="store_true", help="100 series: checks the benchmark runs"
    )
    args = parser.parse_args()
    n_series = 100 if args.smoke else args.series
    rng = np.random.default_rng(1)
    months = pd.date_range("2022-04-01", periods=N_POINTS, freq="MS")
    data = pd.DataFrame(
        {
            "series": np.repeat(np.arange(n_series), N_POINTS),
            "month": np.tile(months, n_series),
            "value": rng.normal(85, 4, n_series * N_POINTS),
            "responses": rng.integers(20, 400, n_series * N_POINTS),
        }
    )
    data["positive"] = rng.binomial(data["responses"], 0.85)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        out = ptd_spc(data, "value", "month", facet_field="series", target=80.0)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    icons = ptd_icons(out)
    icon_time = time.perf_counter() - start
    print(f"ptd_spc: {n_series:,} series x {N_POINTS} points = {len(out):,} rows")
    print(f"  best of 3: {min(times):.3f} s (runs: {', '.join(f'{t:.3f}' for t in times)})")
    print(f"  special-cause points: {int(out['special_cause_flag'].sum()):,}")
    print(f"ptd_icons for {len(icons):,} facets: {icon_time:.3f} s")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        attribute_spc(data, "positive", "responses", "month", facet_field="series", chart="pprime")
        times.append(time.perf_counter() - start)
    print(f"attribute_spc (Laney p'), same series: best of 3 {min(times):.3f} s")


if __name__ == "__main__":
    main()
