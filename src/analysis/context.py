"""The one place a notebook or report reads its data: the context of a period and scope.

``load_context(config_path, month, scope, kind)`` gives the configuration, the reporting
period (a month, a financial quarter or a financial year ending with ``month``), the
services in scope and, read lazily and only once, the tidy tables limited to those
services. Every notebook and every report section gets its data from here.

Reports read *aggregates* (``fft_monthly``, ``theme_shares``, …) computed by the query
layer (:mod:`analysis.query`: DuckDB by default, Spark when configured) rather than
whole response-level tables; where a method needs rows (quotes, themes) it reads only
the months it needs (``period_comments``, ``responses_between``, ``comments_between``:
:mod:`analysis.context_windows`). Asking such a context for a whole response-level table
(``ctx.responses``, ``ctx.comments``, ``ctx.themes``, ``ctx.sentiment``) raises
:class:`WholeTableError`. A context made from frames in memory (:meth:`Context.of_tables`),
or with ``source="pandas"``, computes the same aggregates with pandas from the whole tables.

>>> ctx = load_context(kind="fortnight")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
ValueError: kind 'fortnight' is not one of month, quarter, year
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.config import Config, load_config
from analysis.context_windows import Windows
from analysis.coverage import report_period
from analysis.ingest.store import read_table, table_path
from analysis.publish.periods import LENGTH, Period
from analysis.publish.report import slug
from analysis.scope import in_scope

KINDS = tuple(LENGTH)
#: Tables with a row per response or comment: never read whole for a report.
RESPONSE_LEVEL = ("fft_responses", "fft_comments", "comment_themes", "comment_sentiment")
#: What places a comment, without its text: its id, its response, service and date.
COMMENT_KEYS = ["comment_id", "response_id", "service_id", "response_date"]
#: The environment variable naming the folder a pipeline run's notebooks write into.
OUTPUT_ENV = "ANALYSIS_OUTPUT_DIR"


def final_folder(cfg: Config, period: pd.Period | str, scope: str = "") -> Path:
    """Where a period's finished reports live: ``reports/<period>/`` or ``…/<period>/<scope>/``."""
    folder = cfg.reports_dir / str(period)
    return folder / slug(scope) if scope else folder


def report_folder(cfg: Config, period: pd.Period | str, scope: str = "") -> Path:
    """Where a notebook writes its tables and figures.

    The pipeline builds a period's reports in a staging folder and swaps it in whole
    (:mod:`analysis.staging`); it names that folder in the environment variable
    :data:`OUTPUT_ENV`, which the notebooks' kernels inherit. Run by hand (JupyterLab),
    a notebook writes straight to :func:`final_folder`.
    """
    staging = os.environ.get(OUTPUT_ENV)
    return Path(staging) if staging else final_folder(cfg, period, scope)


def disclosure_min_count(cfg: Config) -> int:
    """The smallest count of people that may be shown (the one place it is read)."""
    return cfg.disclosure.min_count


class WholeTableError(RuntimeError):
    """A report asked for a whole response-level table instead of aggregates or a window."""


@dataclass
class Context(Windows):
    """A report's (or an analysis notebook's) configuration, period, scope and data."""

    cfg: Config
    month: pd.Period
    kind: str
    scope: str
    period: Period
    min_count: int
    #: Results computed once and shared between sections (e.g. the headline SPC).
    cache: dict = field(default_factory=dict, repr=False)
    #: Where aggregates come from: "query" (the query layer over the processed store) or
    #: "pandas" (computed from the whole tables: frames in memory, or the reference path).
    source: str = "query"

    @classmethod
    def of_tables(
        cls, cfg: Config, month: str, kind: str = "month", scope: str = "", **tables
    ) -> Context:
        """A context over tables already in memory (tests, or an analyst's own frames):
        ``responses=…, services=…`` and so on, by the names of the properties below."""
        last = pd.Period(month, "M")
        ctx = cls(cfg, last, kind, scope, Period.of(kind, last), disclosure_min_count(cfg))
        ctx.source = "pandas"
        if "services" in tables:
            tables.setdefault("all_services", tables["services"])
        for name in ("responses", "complaints", "compliments"):  # the whole partnership's
            if name in tables:
                tables.setdefault(f"all_{name}", tables[name])
        if "fft_monthly" in tables and "all_responses" not in tables:
            tables.setdefault("all_fft_monthly", tables["fft_monthly"])
        ctx.__dict__.update(tables)
        return ctx

    # ------------------------------------------------------------------ where and what
    @property
    def label(self) -> str:
        """The scope in words: "All services", a setting or a service id."""
        return self.scope or "All services"

    @property
    def folder(self) -> Path:
        """Where this period's (and scope's) outputs go."""
        return report_folder(self.cfg, self.month, self.scope)

    @property
    def parameters(self) -> dict:
        return {"month": str(self.month), "scope": self.scope, "kind": self.kind}

    @cached_property
    def all_services(self) -> pd.DataFrame:
        return read_table("services", self.cfg.processed_dir)

    @cached_property
    def services(self) -> pd.DataFrame:
        """The services in scope (id, name, setting, directorate)."""
        return in_scope(self.all_services, self.scope)

    @property
    def service_names(self) -> pd.Series:
        """Service id → service name, for every service (never show a code)."""
        return self.all_services.set_index("service_id")["service_name"]

    # ------------------------------------------------------------------ the data
    def has(self, name: str) -> bool:
        """Whether the processed data holds table ``name``."""
        return table_path(name, self.cfg.processed_dir).exists()

    def _read(self, name: str) -> pd.DataFrame:
        return read_table(name, self.cfg.processed_dir)

    def _scoped(self, name: str) -> pd.DataFrame:
        df = self._read(name)
        if "service_id" in df:
            df = df[df["service_id"].isin(self.services["service_id"])]
        return df

    def _whole(self, name: str) -> pd.DataFrame:
        """A response-level table, whole: only on the pandas path (frames given, or
        ``source="pandas"``); a report reads aggregates or a window of months."""
        if not self._pandas:
            raise WholeTableError(
                f"{name} holds every response of every month: a report reads aggregates "
                "(ctx.fft_monthly, ctx.theme_shares) or a window of months "
                "(ctx.responses_between, ctx.comments_between, ctx.period_comments); "
                'load_context(..., source="pandas") reads whole tables for an analysis '
                "of a small partnership"
            )
        return self._scoped(name)

    @cached_property
    def responses(self) -> pd.DataFrame:
        """FFT responses of the services in scope, every month (pandas path only)."""
        return self._whole("fft_responses")

    @cached_property
    def eligible(self) -> pd.DataFrame:
        """People eligible to answer the FFT, by service and month (a small table)."""
        return self._scoped("fft_eligible")

    @cached_property
    def comments(self) -> pd.DataFrame:
        """FFT comments of the services in scope, every month (pandas path only)."""
        return self._whole("fft_comments")

    @cached_property
    def themes(self) -> pd.DataFrame:
        """Each comment's themes (only for comments in scope; pandas path only)."""
        t = self._whole("comment_themes")
        return t[t["comment_id"].isin(self.comments["comment_id"])]

    @cached_property
    def sentiment(self) -> pd.DataFrame:
        """Each comment's sentiment (only for comments in scope; pandas path only)."""
        s = self._whole("comment_sentiment")
        return s[s["comment_id"].isin(self.comments["comment_id"])]

    @cached_property
    def complaints(self) -> pd.DataFrame:
        return self._scoped("complaints") if self.has("complaints") else pd.DataFrame()

    @cached_property
    def complaint_subjects(self) -> pd.DataFrame | None:
        return self._read("complaint_subjects") if self.has("complaint_subjects") else None

    @cached_property
    def compliments(self) -> pd.DataFrame:
        return self._scoped("compliments") if self.has("compliments") else pd.DataFrame()

    @cached_property
    def actions(self) -> pd.DataFrame:
        """ "You said, We did" actions (partnership-wide ones too: they have no service)."""
        if not self.has("actions"):
            return pd.DataFrame()
        a = self._read("actions")
        return a[a["service_id"].isna() | a["service_id"].isin(self.services["service_id"])]

    @cached_property
    def surveys(self) -> pd.DataFrame:
        return self._read("surveys") if self.has("surveys") else pd.DataFrame()

    @cached_property
    def population(self) -> pd.DataFrame:
        """People using each service by group (for who is and is not heard)."""
        return (
            self._scoped("service_population") if self.has("service_population") else pd.DataFrame()
        )

    @cached_property
    def spc_settings(self):
        """The partnership's SPC rule set and each measure's rebase and baseline (the
        configuration's ``spc:`` section, :func:`analysis.methods.spc_options.spc_settings`)."""
        from analysis.methods.spc_options import spc_settings

        return spc_settings(self.cfg)

    def spc_arguments(
        self, measure: str, data: pd.DataFrame | None = None, rules: str = ""
    ) -> dict:
        """The SPC keyword arguments (``rules``, ``rebase``, ``fix_after_n_points``) of
        ``measure`` as configured (names as in :data:`analysis.publish.sections.spc.SPC_MEASURES`)
        for the series ``data`` (columns ``month`` and ``facet``: the configured rebase
        months within each facet's span); ``rules`` ("ptd", "mdc_tool") overrides the
        configured rule set."""
        from analysis.methods.spc_options import rebase_within

        args = self.spc_settings.arguments(measure)
        if data is not None:
            args["rebase"] = rebase_within(args["rebase"], data, "month", "facet")
        return {**args, "rules": rules} if rules else args

    @cached_property
    def fft_published(self) -> pd.DataFrame | None:
        """NHS England's published FFT counts (England and every provider, so not limited
        to the scope; a small table), or None where the data has none (e.g. Scotland)."""
        return self._read("fft_published") if self.has("fft_published") else None

    def table(self, name: str) -> pd.DataFrame:
        """Any other tidy table, limited to the services in scope (a response-level one,
        :data:`RESPONSE_LEVEL`, on the pandas path only)."""
        return self._whole(name) if name in RESPONSE_LEVEL else self._scoped(name)

    # ------------------------------------------------------------------ aggregates
    @cached_property
    def queries(self):
        """The query layer over this configuration's processed data (opened once)."""
        from analysis.query import Queries

        return Queries.for_config(self.cfg)

    @property
    def _pandas(self) -> bool:
        return self.source == "pandas"

    @cached_property
    def fft_monthly(self) -> pd.DataFrame:
        """FFT responses per service and month up to the period's end: ``responses``,
        ``positive``, ``negative``, ``pct_positive``, ``pct_negative``, ``eligible`` and
        ``response_rate`` (%) (the columns of :func:`analysis.methods.fft.monthly_summary`)."""
        from analysis.methods.fft import monthly_summary

        if self._pandas:
            out = monthly_summary(self.responses, self.eligible)
            out = out[out["month"] <= self.month.to_timestamp()].reset_index(drop=True)
        else:
            from analysis.query import kept  # the months' counts kept: a new month is computed

            out = kept.fft_summary(self.queries, (None, self.month), self.scope)
        keep = ["service_id", "month", "responses", "positive", "negative"]
        keep += ["pct_positive", "pct_negative", "eligible", "response_rate"]
        out = out[[c for c in keep if c in out]].copy()
        if "eligible" in out:
            out["eligible"] = out["eligible"].astype("float64")
        return out.sort_values(["service_id", "month"], ignore_index=True)

    @cached_property
    def all_fft_monthly(self) -> pd.DataFrame:
        """FFT ``responses``, ``positive`` and ``negative`` per service and month, for every
        service and month of the partnership, whatever the scope (the disclosure pattern's
        input: an aggregate, never the response rows, unless the context was given rows)."""
        from analysis.methods.fft import monthly_summary

        if self._pandas:
            every = self.__dict__.get("all_responses")
            return monthly_summary(self._read("fft_responses") if every is None else every)
        from analysis.query import kept

        return kept.fft_counts(self.queries)

    @cached_property
    def indicator_tables(self) -> dict[str, pd.DataFrame]:
        """What the logic models' indicators read (:func:`analysis.logic_models.read_tables`):
        the small tables whole and the FFT as counts per service and month."""
        from analysis.logic_models import read_tables, small_tables

        if not self._pandas:
            return read_tables(self.cfg.processed_dir, self.queries)
        from analysis.methods.fft import monthly_summary
        from analysis.methods.indicators import FFT_MONTHLY

        tables = small_tables(self.cfg.processed_dir)
        if self.has("fft_responses"):
            tables[FFT_MONTHLY] = monthly_summary(self._read("fft_responses"))
        if self.has("fft_eligible"):
            tables["fft_eligible"] = self._read("fft_eligible")
        return tables

    @cached_property
    def evaluations(self) -> dict:
        """Each configured logic model evaluated as of the period's last month (whole
        partnership only: the models' indicators are the partnership's).

        Computed once for the processed data, configuration and code, and kept
        (:mod:`analysis.kept_results`): the indicators notebook and the report page read
        the same evaluations, and a run over unchanged data reads them again."""
        from analysis.logic_models import configured_logic_models, evaluate_configured

        if self.scope:
            return {}

        def compute() -> dict:
            return {
                name: evaluate_configured(self.cfg, name, self.month, self.indicator_tables)
                for name in configured_logic_models(self.cfg)
            }

        return self._kept("evaluations", compute)

    @cached_property
    def action_readings(self) -> pd.DataFrame:
        """Each completed action's before-and-after reading of the FFT positive share, by
        service and for the whole scope, up to the period's end (:func:`~analysis.methods.
        interrupted_time_series.evaluate_actions`); computed once per data (kept)."""
        from analysis.methods.headline_series import summary_series
        from analysis.methods.interrupted_time_series import evaluate_actions

        def compute() -> pd.DataFrame:
            args = dict(through=self.month, min_count=self.min_count)
            by_service = summary_series(self.fft_monthly, self.services, by="service", **args)
            everyone = summary_series(self.fft_monthly, self.services, label=self.label, **args)
            return evaluate_actions(
                pd.concat([by_service, everyone]), self.actions, everyone=self.label
            )

        return self._kept("action-readings", compute)

    def _kept(self, name: str, compute):
        """``compute()``, once per processed data, configuration and code for this month and
        scope (:mod:`analysis.kept_results`; whatever the kind of period), or every time
        for tables given or read whole (nothing to key them by)."""
        if self._pandas:
            return compute()
        from analysis.kept_results import kept_for_data

        where = slug(self.scope) or "all"
        return kept_for_data(self.cfg, f"{name}-{self.month}-{where}", compute)

    @cached_property
    def manifest(self) -> dict:
        from analysis.publish.provenance import load_manifest

        return load_manifest(self.cfg.processed_dir)

    # ------------------------------------------------------------------ disclosure
    @cached_property
    def disclosure(self):
        """The partnership's FFT suppression pattern (:class:`~analysis.publish.disclosure.Disclosure`),
        built once over every service and month, so every section and every scope hides
        the same cells and no hidden count can be worked back from another figure."""
        from analysis.publish.disclosure import Disclosure

        return Disclosure(
            self.all_fft_monthly, self.all_services, self.min_count, self._disclosure_cache
        )

    @property
    def _disclosure_cache(self) -> Path | None:
        """Where each month's suppression pattern is kept once computed (beside the data it
        was computed from; none for tables given by hand)."""
        return None if self._pandas else self.cfg.processed_dir / ".suppression"

    def _event_disclosure(self, name: str):
        from analysis.publish.disclosure import Disclosure

        every = self.__dict__.get(f"all_{name}")
        if every is None:
            every = self._read(name) if self.has(name) else pd.DataFrame()
        if every.empty:
            every = pd.DataFrame({"service_id": [], "received_date": pd.to_datetime([])})
        return Disclosure.of_events(
            every, "received_date", self.all_services, self.min_count, self._disclosure_cache
        )

    @cached_property
    def complaints_disclosure(self):
        """The partnership's suppression pattern of complaints received (per service and month)."""
        return self._event_disclosure("complaints")

    @cached_property
    def compliments_disclosure(self):
        """The partnership's suppression pattern of compliments received (per service and month)."""
        return self._event_disclosure("compliments")

    @cached_property
    def commentary(self):
        """Analysts' commentary and approval for this period (never committed)."""
        from analysis.publish.commentary import load_commentary

        key = str(self.month) if self.kind == "month" else f"{self.month}-{self.kind}"
        return load_commentary(self.cfg.raw_dir, key)


def load_context(
    config_path: str | os.PathLike | None = "",
    month: str = "",
    scope: str = "",
    kind: str = "month",
    source: str = "query",
) -> Context:
    """The context of a report or analysis: ``month`` ("" = the latest complete month),
    ``scope`` ("" = every service, or a setting or a service id), and ``kind`` of period
    ending with that month ("month", "quarter" or "year", financial quarters and years).
    ``source="pandas"`` computes the aggregates from whole tables (the reference path)."""
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    cfg = load_config(config_path or None)
    last = report_period(cfg.processed_dir, month)
    if source not in ("query", "pandas"):
        raise ValueError(f"source {source!r} is not one of query, pandas")
    ctx = Context(cfg, last, kind, scope, Period.of(kind, last), disclosure_min_count(cfg))
    ctx.source = source
    ctx.services  # a bad scope fails here, before any work  # noqa: B018
    return ctx
