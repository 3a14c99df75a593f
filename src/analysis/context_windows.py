"""Windows of months and counts of a report's context: what a report reads instead of whole tables.

A mixin of :class:`analysis.context.Context`: the rows of the months a method needs
(quotes, themes, search), the themes and sentiment of those comments, theme shares and
who answered as counts. On the query path (the default) they come from the query layer
(:mod:`analysis.query`: only those months' partitions are read); on the pandas path
(frames given, or ``source="pandas"``) from the whole tables.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd


class Windows:
    """Windows of months and counts (mixed into :class:`analysis.context.Context`)."""

    def theme_shares(self, first: pd.Period | None, question: str | None = None) -> pd.DataFrame:
        """Usable comments, comments per theme and share per month from ``first`` (``None``:
        the first month there is) to the period's end (``month`` as a monthly period, as in
        :func:`analysis.methods.theme_trends.monthly_theme_shares`)."""
        from analysis.methods import theme_trends

        if self._pandas:
            c = self.comments
            months = c["response_date"].dt.to_period("M")
            history = c[((months >= first) if first is not None else True) & (months <= self.month)]
            return theme_trends.monthly_theme_shares(history, self.themes, question=question)
        from analysis.query import kept  # the months' counts kept: a new month is computed

        out = kept.theme_shares(self.queries, (first, self.month), self.scope, question=question)
        return out.assign(month=out["month"].dt.to_period("M"))

    def rows_between(
        self,
        name: str,
        first: pd.Period,
        last: pd.Period | None = None,
        columns: list[str] | None = None,
    ) -> pd.DataFrame:
        """Rows of ``fft_responses`` or ``fft_comments`` dated from month ``first`` to
        ``last`` (default: the period's end): only those months are read."""
        last = self.month if last is None else last
        if name not in ("fft_responses", "fft_comments"):
            raise ValueError(f"rows_between reads fft_responses or fft_comments, not {name!r}")
        if not self._pandas:
            return self.queries.rows(name, (first, last), self.scope, columns)
        r = self.responses if name == "fft_responses" else self.comments
        if "response_date" in r:  # frames given by hand may hold only some columns
            r = r[r["response_date"].between(first.start_time, last.end_time)]
        return r if columns is None else r[[c for c in columns if c in r]]

    def responses_between(self, first: pd.Period, columns: list[str] | None = None):
        """FFT responses (rows) from month ``first`` to the period's end: only those months
        are read."""
        return self.rows_between("fft_responses", first, None, columns)

    def comments_between(
        self, first: pd.Period, last: pd.Period | None = None, columns: list[str] | None = None
    ) -> pd.DataFrame:
        """FFT comments (rows) from month ``first`` to ``last`` (default: the period's end);
        ``columns``: all by default."""
        return self.rows_between("fft_comments", first, last, columns)

    def search_comments(self, text: str = "", subcategory: str = "") -> pd.DataFrame:
        """Comments up to the period's end whose text contains ``text`` (ignoring case) and/or
        that carry ``subcategory``, with a ``themes`` column
        (:func:`analysis.methods.theme_trends.search_comments`), by date: the search runs
        where the comments lie, and only what it finds is read."""
        from analysis.methods import theme_trends

        if not (text or subcategory):
            raise ValueError("search_comments needs a text or a subcategory to look for")
        if self._pandas:
            c = self.comments
            found = c[c["response_date"].dt.to_period("M") <= self.month]
        else:
            found = self.queries.search_comments(text, subcategory, (None, self.month), self.scope)
        found = found.sort_values(["response_date", "comment_id"], ignore_index=True)
        themes = self.of_comments("comment_themes", found)
        return theme_trends.search_comments(found, themes, text, subcategory)

    def voice_counts(self, group_type: str) -> pd.DataFrame:
        """Who answered, as counts: FFT ``responses`` and ``positive`` ratings per service,
        month (up to the period's end), group of ``group_type`` and ``mode``
        (:meth:`analysis.query.Queries.group_counts`; the input of
        :mod:`analysis.methods.voices`)."""
        key = f"voice_counts:{group_type}"
        if key not in self.cache:
            if self._pandas:
                self.cache[key] = _group_counts(self.responses, self.month, group_type)
            else:
                from analysis.query import kept  # the months' counts kept

                self.cache[key] = kept.group_counts(
                    self.queries, (None, self.month), self.scope, group_type
                )
        return self.cache[key]

    @cached_property
    def period_comments(self) -> pd.DataFrame:
        """The period's comments (rows, for quotes and themes): only its months are read."""
        if self._pandas:
            return self.comments[self.period.contains(self.comments["response_date"])]
        months = self.period.months
        return self.queries.rows("fft_comments", (months[0], months[-1]), self.scope)

    def of_comments(self, name: str, comments: pd.DataFrame) -> pd.DataFrame:
        """The rows of ``comment_themes`` or ``comment_sentiment`` for these ``comments``."""
        ids = comments["comment_id"]
        if not self._pandas:
            return self.queries.of_comments(name, ids)
        t = self.themes if name == "comment_themes" else self.sentiment
        return t[t["comment_id"].isin(ids)]

    def period_theme_totals(self):
        """The period's comments, those with a theme, and the comments carrying each theme
        (:class:`analysis.methods.theme_trends.ThemeTotals`): counted where the comments
        lie, no comment read."""
        from analysis.methods import theme_trends

        if "theme_totals" not in self.cache:
            if self._pandas:
                totals = theme_trends.theme_totals(self.period_comments, self.period_themes)
            else:
                months = self.period.months
                totals = self.queries.theme_totals((months[0], months[-1]), self.scope)
            self.cache["theme_totals"] = totals
        return self.cache["theme_totals"]

    def _comment_rows(self, first: pd.Period) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """The comments from month ``first`` to the period's end, their themes and sentiment
        (the pandas path's rows for a method that the query path computes where they lie)."""
        c = self.comments_between(first)
        return c, self.of_comments("comment_themes", c), self.of_comments("comment_sentiment", c)

    def topic_counts(self, first: pd.Period, level: str = "category") -> pd.DataFrame:
        """Per service, month (from ``first`` to the period's end) and theme at ``level``:
        comments carrying it and those of them negative
        (:func:`analysis.methods.triangulation.comment_topic_counts`; counted where the
        comments lie)."""
        from analysis.methods import triangulation

        if self._pandas:
            return triangulation.comment_topic_counts(*self._comment_rows(first), level)
        return self.queries.topic_counts((first, self.month), self.scope, level)

    def representative_quotes(self, first: pd.Period, per_theme: int = 2) -> pd.DataFrame:
        """:func:`analysis.methods.theme_trends.representative_quotes` of the comments from
        month ``first`` to the period's end (on the query path, where the comments lie)."""
        from analysis.methods import theme_trends

        if self._pandas:
            return theme_trends.representative_quotes(*self._comment_rows(first), per_theme)
        out = self.queries.representative_quotes((first, self.month), self.scope, per_theme)
        return out[theme_trends.QUOTE_COLUMNS]

    def period_quote_candidates(self, per_theme: int = 3) -> pd.DataFrame:
        """The most typical comments of each theme in the period, with their question,
        sentiment and response's rating (:func:`analysis.publish.quoting.comment_candidates`):
        on the query path only the quotes chosen are read."""
        from analysis.publish import quoting

        if self._pandas:
            comments, themes = self.period_comments, self.period_themes
            if comments.empty or themes.empty:
                return pd.DataFrame()
            responses = (
                self.responses_between(self.period.months[0], ["response_id", "rating"])
                if "response_id" in comments
                else None
            )
            return quoting.comment_candidates(
                comments, themes, self.period_sentiment, responses, per_theme
            )
        months = self.period.months
        picked = self.queries.representative_quotes((months[0], months[-1]), self.scope, per_theme)
        return quoting.as_candidates(picked)

    @cached_property
    def period_themes(self) -> pd.DataFrame:
        """The themes of the period's comments."""
        return self.of_comments("comment_themes", self.period_comments)

    @cached_property
    def period_sentiment(self) -> pd.DataFrame:
        """The sentiment of the period's comments."""
        return self.of_comments("comment_sentiment", self.period_comments)


def _group_counts(responses: pd.DataFrame, month: pd.Period, group_type: str) -> pd.DataFrame:
    """:meth:`Context.voice_counts` from response rows (the pandas path)."""
    from analysis.ingest.schemas import POSITIVE_RATINGS

    r = responses[responses["response_date"].dt.to_period("M") <= month]
    r = r.assign(
        month=r["response_date"].dt.to_period("M").dt.to_timestamp(),
        positive=r["rating"].isin(POSITIVE_RATINGS).astype("int64"),
    )
    keys = ["service_id", "month", group_type, "mode"]
    out = r.groupby(keys, dropna=False).agg(
        responses=("rating", "size"), positive=("positive", "sum")
    )
    return out.reset_index().sort_values(keys, ignore_index=True, na_position="last")
