"""The query layer's public functions: small pandas frames of aggregates, by month.

Open once per run, then ask for what a report or analysis needs::

    q = Queries.for_config(cfg)                  # engine from the config's query section
    q.fft_counts("2025-03", scope="urgent care")  # one month, one setting
    q.fft_counts(("2024-04", "2025-03"), by=("setting",))

``months`` is a month (``"2025-03"`` or a ``pd.Period``), a ``(first, last)`` pair
(inclusive; either may be ``None`` for open-ended), an iterable of months (their
span), or ``None`` for all. ``scope`` is ``""`` (the whole partnership), a setting or
a service id. Every result is sorted by its keys; ``month`` is the first day of the
month (``datetime64[ns]``), counts are ``int64``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import partial

import ibis
import pandas as pd

from analysis.config import Config
from analysis.ingest.store import read_table
from analysis.methods import complaints as complaint_methods
from analysis.methods.theme_trends import ThemeTotals
from analysis.query import aggregates as agg
from analysis.query import comment_figures as figures
from analysis.query.engine import Engine
from analysis.query.settings import QuerySettings, query_settings
from analysis.scope import in_scope

Months = str | pd.Period | tuple | Iterable | None


def month_span(months: Months) -> tuple[pd.Period | None, pd.Period | None]:
    """``(first, last)`` months of a ``months`` argument (see the module docstring).

    >>> month_span("2025-03")
    (Period('2025-03', 'M'), Period('2025-03', 'M'))
    >>> month_span(("2024-04", None))
    (Period('2024-04', 'M'), None)
    """
    if months is None:
        return None, None
    if isinstance(months, str | pd.Period):
        p = pd.Period(months, "M")
        return p, p
    if isinstance(months, tuple) and len(months) == 2:
        first, last = (None if m is None else pd.Period(m, "M") for m in months)
        return first, last
    periods = [pd.Period(m, "M") for m in months]
    if not periods:
        raise ValueError("no months given")
    return min(periods), max(periods)


def scope_services(services: pd.DataFrame, scope: str) -> tuple[str, ...] | None:
    """The service ids a scope covers (``None``: all): a setting or a service id.

    >>> s = pd.DataFrame({"service_id": ["A", "B"], "setting": ["acute", "urgent care"]})
    >>> scope_services(s, "urgent care")
    ('B',)
    """
    if not scope:
        return None
    return tuple(sorted(in_scope(services, scope)["service_id"]))


def _tidy(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Month as a first-of-month timestamp, counts as int64, rows sorted by ``keys``."""
    df = df.copy()
    for c in df.columns:
        if c == "month" or c.endswith("_date"):
            df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
        elif c in keys:
            df[c] = df[c].astype("str")
        elif pd.api.types.is_integer_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            df[c] = df[c].astype("int64")
        elif (
            c in ("count", "comments", "eligible", "responses") or c in agg.RATING_COLUMNS.values()
        ):
            df[c] = df[c].fillna(0).astype("int64")
    return df.sort_values(keys, ignore_index=True) if keys else df.reset_index(drop=True)


class Queries:
    """The aggregates of one ``data/processed/`` folder, run by one engine."""

    def __init__(self, processed_dir: str | os.PathLike, settings: QuerySettings | None = None):
        self.engine = Engine(processed_dir, settings)
        self._services: pd.DataFrame | None = None

    @classmethod
    def for_config(cls, cfg: Config) -> Queries:
        """The queries over ``cfg``'s processed data, on the engine its ``query`` section names."""
        return cls(cfg.processed_dir, query_settings(cfg))

    def services(self) -> pd.DataFrame:
        """The services table (small: read once)."""
        if self._services is None:
            self._services = read_table("services", self.engine.processed_dir)
        return self._services

    def selection(self, months: Months = None, scope: str = "") -> agg.Selection:
        """The months and services a query covers."""
        first, last = month_span(months)
        return agg.Selection(first, last, scope_services(self.services(), scope))

    def _run(self, expr, keys: list[str]) -> pd.DataFrame:
        return _tidy(self.engine.execute(expr), keys)

    def fft_counts(
        self, months: Months = None, scope: str = "", by: tuple[str, ...] = ("service_id",)
    ) -> pd.DataFrame:
        """FFT responses per group and month: one count per rating (``very_good`` …
        ``dont_know``), ``positive``, ``negative`` and ``responses``."""
        e = self.engine
        expr = agg.fft_counts(
            e.table("fft_responses"),
            e.table("services"),
            self.selection(months, scope),
            tuple(by),
            e.partitioned("fft_responses"),
        )
        return self._run(expr, [*by, "month"])

    def group_counts(self, months: Months, scope: str, group_type: str) -> pd.DataFrame:
        """FFT ``responses`` and ``positive`` ratings per service, month, group of
        ``group_type`` (``age_band``, ``sex`` or ``ethnicity``; missing where the respondent
        did not say) and ``mode``: who answered, as counts (the input of
        :mod:`analysis.methods.voices`)."""
        if group_type not in agg.FFT_GROUPS or group_type in agg.SERVICE_COLUMNS:
            raise ValueError(
                f"group_type must be a respondent's characteristic, not {group_type!r}"
            )
        e = self.engine
        keys = ["service_id", group_type, "mode"]
        expr = agg.fft_counts(
            e.table("fft_responses"),
            e.table("services"),
            self.selection(months, scope),
            tuple(keys),
            e.partitioned("fft_responses"),
        )
        out = _tidy(e.execute(expr.select(*keys, "month", "responses", "positive")), [])
        for c in (group_type, "mode"):  # missing answers stay missing (not the text "None")
            out[c] = out[c].astype(object).where(out[c].notna(), None)
        order = ["service_id", "month", group_type, "mode"]
        return out[order + ["responses", "positive"]].sort_values(
            order, ignore_index=True, na_position="last"
        )

    def eligible(
        self, months: Months = None, scope: str = "", by: tuple[str, ...] = ("service_id",)
    ) -> pd.DataFrame:
        """People eligible to respond to the FFT per group and month."""
        e = self.engine
        expr = agg.eligible_counts(
            e.table("fft_eligible"), e.table("services"), self.selection(months, scope), tuple(by)
        )
        return self._run(expr, [*by, "month"])

    def fft_summary(
        self, months: Months = None, scope: str = "", by: tuple[str, ...] = ("service_id",)
    ) -> pd.DataFrame:
        """:func:`fft_counts` with ``pct_positive`` and ``pct_negative``, and for services and
        settings ``eligible`` and ``response_rate`` (%) (the columns of
        :func:`analysis.methods.fft.monthly_summary`)."""
        return self.summary_of(self.fft_counts(months, scope, by), months, scope, by)

    def summary_of(
        self, counts: pd.DataFrame, months: Months, scope: str, by: tuple[str, ...]
    ) -> pd.DataFrame:
        """:meth:`fft_summary` of FFT counts already at hand (e.g. kept per month)."""
        out = counts.copy()
        out["pct_positive"] = 100 * out["positive"] / out["responses"]
        out["pct_negative"] = 100 * out["negative"] / out["responses"]
        if list(by) in (["service_id"], ["setting"], ["directorate"]):
            eligible = self.eligible(months, scope, by)
            out = out.merge(eligible, on=[*by, "month"], how="left")
            out["eligible"] = out["eligible"].astype("Int64")
            out["response_rate"] = 100 * out["responses"] / out["eligible"].astype("float64")
        return out

    def theme_shares(
        self,
        months: Months = None,
        scope: str = "",
        level: str = "subcategory",
        by: tuple[str, ...] = (),
        question: str | None = None,
    ) -> pd.DataFrame:
        """Per group, month and theme: usable ``comments``, ``count`` carrying the theme, ``share``.

        Every theme found in the selection appears in every month (count 0 where absent),
        as in :func:`analysis.methods.theme_trends.monthly_theme_shares`.
        """
        e = self.engine
        totals, counts = agg.theme_counts(
            e.table("fft_comments"),
            e.table("comment_themes"),
            self.selection(months, scope),
            level,
            tuple(by),
            question,
            e.partitioned("fft_comments"),
        )
        keys = [*by, "month"]
        totals = self._run(totals, keys)
        counts = self._run(counts, [*keys, level])
        grid = totals.merge(pd.DataFrame({level: sorted(counts[level].unique())}), how="cross")
        out = grid.merge(counts, on=[*keys, level], how="left")
        out["count"] = out["count"].fillna(0).astype("int64")
        out["share"] = out["count"] / out["comments"]
        return out[[*keys, level, "comments", "count", "share"]].sort_values(
            [*keys, level], ignore_index=True
        )

    def theme_totals(self, months: Months = None, scope: str = "") -> ThemeTotals:
        """Comments carrying each theme in ``months``, and the comments with a theme
        (:func:`analysis.query.comment_figures.theme_totals`)."""
        e = self.engine
        counts, sizes = figures.theme_totals(
            e.table("fft_comments"),
            e.table("comment_themes"),
            self.selection(months, scope),
            e.partitioned("fft_comments"),
        )
        table = _tidy(e.execute(counts), [])
        sizes = e.execute(sizes).iloc[0]
        return ThemeTotals.of(table, int(sizes["comments"]), int(sizes["usable"]))

    def topic_counts(
        self, months: Months = None, scope: str = "", level: str = "category"
    ) -> pd.DataFrame:
        """Per service, month (a monthly period) and topic: comments carrying it (``count``)
        and those negative (``concerns``) (:func:`analysis.query.comment_figures.topic_counts`)."""
        e = self.engine
        expr = figures.topic_counts(
            e.table("fft_comments"),
            e.table("comment_themes"),
            e.table("comment_sentiment"),
            self.selection(months, scope),
            e.partitioned("fft_comments"),
            level,
        )
        out = self._run(expr, ["service_id", "month", "topic"])
        return out.assign(month=out["month"].dt.to_period("M"))

    def representative_quotes(
        self, months: Months = None, scope: str = "", per_theme: int = 2
    ) -> pd.DataFrame:
        """The most typical comments of each theme in ``months``, with their response's
        ``rating`` (:func:`analysis.query.comment_figures.representative_quotes`): only the
        quotes chosen are read."""
        e = self.engine
        sel = self.selection(months, scope)
        expr = partial(
            figures.representative_quotes,
            e.table("fft_comments"),
            e.table("comment_themes"),
            e.table("comment_sentiment"),
            sel,
            e.partitioned("fft_comments"),
            per_theme=per_theme,
        )
        out = e.execute(expr(depth=figures.QUOTE_DEPTH)).reset_index(drop=True)
        deeper = figures.too_shallow(out, per_theme, figures.QUOTE_DEPTH)
        if deeper:  # deep enough for every candidate of the themes found short
            out = e.execute(expr(depth=deeper)).reset_index(drop=True)
        out = out.drop(columns="candidates")
        out["response_date"] = pd.to_datetime(out["response_date"])
        r = agg.select(
            e.table("fft_responses"), "response_date", sel, e.partitioned("fft_responses")
        )
        ids = ibis.memtable(pd.DataFrame({"response_id": out["response_id"].astype(str)}))
        ratings = e.execute(r.semi_join(ids, "response_id").select("response_id", "rating"))
        out["rating"] = out["response_id"].map(ratings.set_index("response_id")["rating"])
        return out

    def complaints(self, months: Months = None, scope: str = "") -> pd.DataFrame:
        """The complaints whose acknowledgement or response can be settled in ``months``
        (the columns timeliness needs)."""
        e = self.engine
        expr = agg.complaints_settled(
            e.table("complaints"),
            self.selection(months, scope),
            partitioned=e.partitioned("complaints"),
        )
        return self._run(expr, ["complaint_id"])

    def complaint_timeliness(
        self,
        months: Months,
        nation: str,
        scope: str = "",
        as_of: pd.Timestamp | None = None,
        rules: complaint_methods.Rules | None = None,
    ) -> pd.DataFrame:
        """Per month: acknowledgements and responses settled, and how many were within their limit.

        Columns ``month``, ``acknowledged_due``, ``acknowledged_within``, ``responded_due``,
        ``responded_within``; a complaint counts in the month its reply was sent or its
        deadline passed (:func:`analysis.methods.complaints.timeliness`).
        """
        first, last = month_span(months)
        as_of = (
            as_of if as_of is not None else (last + 1).start_time if last else pd.Timestamp.today()
        )
        rows = self.complaints(months, scope)
        t = complaint_methods.timeliness(rows, nation, as_of, rules)
        parts = []
        for step, decided in (
            ("acknowledged", "acknowledge_decided"),
            ("responded", "respond_decided"),
        ):
            ok = t[f"{step}_within"]
            settled = t[ok.notna()]
            month = settled[decided].dt.to_period("M")
            keep = ((first is None) | (month >= first)) & ((last is None) | (month <= last))
            g = settled[keep.to_numpy()].groupby(month[keep].dt.to_timestamp())[f"{step}_within"]
            parts.append(
                pd.DataFrame({f"{step}_due": g.size(), f"{step}_within": g.sum().astype("int64")})
            )
        out = pd.concat(parts, axis=1).fillna(0).astype("int64").rename_axis("month")
        return _tidy(out.reset_index(), ["month"])

    def indicator_inputs(self, months: Months = None, scope: str = "") -> pd.DataFrame:
        """Per month, the inputs of the FFT and complaint indicators: ``responses``,
        ``positive``, ``eligible`` and ``complaints`` received, summed over the scope."""
        fft = self.fft_counts(months, scope, by=())[["month", "responses", "positive"]]
        eligible = self.eligible(months, scope, by=("service_id",))
        eligible = eligible.groupby("month", as_index=False)["eligible"].sum()
        e = self.engine
        received = (
            self._run(
                agg.complaints_received(
                    e.table("complaints"),
                    self.selection(months, scope),
                    e.partitioned("complaints"),
                ),
                ["service_id", "month"],
            )
            .groupby("month", as_index=False)["complaints"]
            .sum()
        )
        out = fft.merge(eligible, on="month", how="outer").merge(received, on="month", how="outer")
        for c in ("responses", "positive", "complaints"):
            out[c] = out[c].fillna(0).astype("int64")
        out["eligible"] = out["eligible"].astype("Int64")
        return out.sort_values("month", ignore_index=True)

    def rows(
        self, name: str, months: Months, scope: str = "", columns: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """The rows of table ``name`` dated in ``months`` (its :data:`PARTITION_BY` date),
        for a method that needs rows rather than counts (quotes, who answered): on a
        partitioned table only those months' folders are read. ``columns``: all by default."""
        from analysis.ingest.store import PARTITION_BY, PARTITION_COLUMN

        if name not in PARTITION_BY:
            raise ValueError(
                f"{name} has no date to select months on; choose from {list(PARTITION_BY)}"
            )
        e = self.engine
        t = agg.select(
            e.table(name), PARTITION_BY[name], self.selection(months, scope), e.partitioned(name)
        )
        wanted = list(columns) if columns is not None else list(t.columns)
        keep = [c for c in wanted if c in t.columns and c != PARTITION_COLUMN]
        out = e.execute(t.select(*keep))
        for c in out.columns:
            if c.endswith("_date") and not pd.api.types.is_datetime64_any_dtype(out[c]):
                out[c] = pd.to_datetime(out[c])
        return out.reset_index(drop=True)

    def search_comments(
        self, text: str = "", subcategory: str = "", months: Months = None, scope: str = ""
    ) -> pd.DataFrame:
        """The comments dated in ``months`` whose text contains ``text`` (ignoring case)
        and/or that carry the theme ``subcategory`` (rows, in the table's order)."""
        e = self.engine
        expr = agg.comments_matching(
            e.table("fft_comments"),
            e.table("comment_themes"),
            self.selection(months, scope),
            text,
            subcategory,
            e.partitioned("fft_comments"),
        )
        out = e.execute(expr)
        if "response_date" in out and not pd.api.types.is_datetime64_any_dtype(
            out["response_date"]
        ):
            out["response_date"] = pd.to_datetime(out["response_date"])
        return out.reset_index(drop=True)

    def of_comments(self, name: str, comment_ids: Iterable[str]) -> pd.DataFrame:
        """The rows of ``name`` (``comment_themes``, ``comment_sentiment``) for these comments."""
        from analysis.ingest.store import PARTITION_COLUMN

        t = self.engine.table(name)
        ids = ibis.memtable(pd.DataFrame({"comment_id": pd.Series(list(comment_ids), dtype=str)}))
        keep = [c for c in t.columns if c != PARTITION_COLUMN]
        return self.engine.execute(t.semi_join(ids, "comment_id").select(*keep))

    def latest_month(self) -> pd.Period:
        """The latest month with an FFT response (from the partition names where partitioned)."""
        e = self.engine
        if e.partitioned("fft_responses"):
            from analysis.ingest.store import partitions, table_path

            months = list(partitions(table_path("fft_responses", e.processed_dir)))
            if months:
                return pd.Period(months[-1], "M")
        latest = e.execute(agg.latest_date(e.table("fft_responses"), "response_date"))
        if pd.isna(latest):
            raise ValueError("no FFT responses: there is no month to report on")
        return pd.Timestamp(latest).to_period("M")
