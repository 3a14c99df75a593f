""" "You said, We did": actions completed in the period, and whether they made a difference.

The evidence is a segmented (quasi-binomial) regression of the FFT positive share before
and after each action completed in the twelve months to the period's end
(:func:`analysis.methods.interrupted_time_series.evaluate_actions`), shown only where
there are enough months before and after. Two actions in the same service and month
share one estimate, and the table says so once.
"""

from __future__ import annotations

import pandas as pd

from analysis.methods.headline_series import summary_series
from analysis.methods.interrupted_time_series import evaluate_actions
from analysis.publish import formatting as fmt
from analysis.publish.sections.base import Section, Table, start

ANCHOR = "actions"
MIN_AFTER = 3


def verdict(lower: float, upper: float) -> str:
    """A plain verdict from an odds ratio's 95% interval.

    >>> verdict(1.1, 1.6), verdict(0.5, 0.9), verdict(0.8, 1.3)
    ('More positive ratings after', 'Fewer positive ratings after', 'No clear change')
    """
    if lower > 1:
        return "More positive ratings after"
    if upper < 1:
        return "Fewer positive ratings after"
    return "No clear change"


def evidence(ctx) -> pd.DataFrame:
    """One row per estimate: actions completed in the year to the period's end, in the
    same service and month combined, with enough months before and after."""
    a = ctx.actions
    last = ctx.month
    window = a[
        (a["status"] == "completed")
        & a["action_date"].between((last - 11).start_time, last.end_time)
    ]
    if window.empty:
        return pd.DataFrame()
    args = dict(through=last, min_count=ctx.min_count)
    series = pd.concat(
        [
            summary_series(ctx.fft_monthly, ctx.services, by="service", **args),
            summary_series(ctx.fft_monthly, ctx.services, label=ctx.label, **args),
        ]
    )
    found = evaluate_actions(series, window, everyone=ctx.label)
    found = found[found["odds_ratio"].notna() & (found["months_after"] >= MIN_AFTER)]
    if found.empty:
        return found
    return (
        found.groupby(["service_id", "action_month", "odds_ratio", "lower", "upper"], sort=False)
        .agg(
            we_did=("we_did", list),
            before=("months_before", "first"),
            after=("months_after", "first"),
        )
        .reset_index()
    )


def difference_table(found: pd.DataFrame, names: pd.Series, label: str) -> pd.DataFrame:
    """The compact "Did it make a difference?" table: one row per estimate, actions sharing it named once."""

    def done(items: list[str]) -> str:
        text = "; ".join(items)
        return text + (
            f" (these {len(items)} actions share one estimate)" if len(items) > 1 else ""
        )

    return pd.DataFrame(
        {
            "Service": found["service_id"].map(names).fillna(label),
            "What was done": found["we_did"].map(done),
            "When": [
                f"{fmt.month_label(m)} ({int(b)} months before, {int(a)} after)"
                for m, b, a in zip(
                    found["action_month"], found["before"], found["after"], strict=True
                )
            ],
            "Odds of a positive rating after (95% interval)": [
                f"{o:.2f} ({lo:.2f} to {hi:.2f})"
                for o, lo, hi in zip(
                    found["odds_ratio"], found["lower"], found["upper"], strict=True
                )
            ],
            "Verdict": [
                verdict(lo, hi) for lo, hi in zip(found["lower"], found["upper"], strict=True)
            ],
        }
    )


def compute(ctx) -> Section:
    """The "You said, we did" section: actions completed in the period and their evidence."""
    section = start(ANCHOR)
    a = ctx.actions
    if a.empty:
        return section
    done = a[(a["status"] == "completed") & ctx.period.contains(a["action_date"])]
    count = {0: "No action", 1: "1 action"}.get(len(done), f"{len(done)} actions")
    section.sentences.append(
        f"{count} because of what people told us {'were' if len(done) > 1 else 'was'} "
        f"completed in {ctx.period.label}."
    )
    if len(done):
        section.tables.append(
            Table(
                pd.DataFrame(
                    {
                        "Service": done["service_id"]
                        .map(ctx.service_names)
                        .fillna("Whole partnership"),
                        "You said": done["you_said"],
                        "We did": done["we_did"],
                        "Completed": done["action_date"].dt.strftime("%-d %B %Y"),
                        "Published": done["published"].map({True: "Yes", False: "Not yet"}),
                    }
                ),
                "you-said-we-did",
                f"Actions completed in {ctx.period.label}",
            )
        )
    found = evidence(ctx)
    if found.empty:
        section.data["no_evidence"] = (
            "Did it make a difference? No action in the last twelve months has enough months "
            "of feedback before and after it to tell yet."
        )
        section.sentences.append(section.data["no_evidence"])
        return section
    section.tables.append(
        Table(
            difference_table(found, ctx.service_names, ctx.label),
            "did-it-make-a-difference",
            "Did it make a difference? FFT ratings before and after actions completed in the last "
            "twelve months",
            note="An odds ratio above 1 means more positive ratings after the action than the months "
            "before would predict; the 95% interval shows how sure we can be. Other things also "
            "change, so this is evidence, not proof.",
        )
    )
    return section
