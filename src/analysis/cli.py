"""Command line: ``python -m analysis <command>``. Each command says what it did and where.

Exit codes: 0 done; 1 unexpected error (a bug: please report it with the log);
2 bad input or configuration (the message says what, where and what to do);
3 the publish gate refused a stakeholder page (identifier or small count);
4 a backfill finished but some months failed (listed);
5 another run is using the same data folder (``--no-wait``), or waited too long for it.

``--config`` may be given before or after the command (``make report CONFIG=…`` puts it after).
"""

from __future__ import annotations

import argparse
import sys

from analysis.config import ConfigError, load_config

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_REFUSED, EXIT_PARTIAL, EXIT_BUSY = 0, 1, 2, 3, 4, 5
INPUT_ERRORS = ("ConfigError", "SchemaError", "CleanError", "FileNotFoundError", "ValueError")
REFUSALS = ("PublishRefused", "DisclosureError")


def _demo_data(args) -> int:
    from analysis import demo

    cfg = load_config(args.config)
    if cfg.demo is None:
        raise ConfigError(
            f"{cfg.path}: has no `demo:` section, so there is no demonstration data to write; "
            "use config/partnerships/demo.yaml or add a demo section"
        )
    opts = cfg.demo
    paths = demo.generate(
        args.out or cfg.raw_dir,
        seed=args.seed if args.seed is not None else opts.seed,
        start=args.start or opts.start,
        end=args.end or opts.end,
        config=cfg,
        scale=args.scale,
    )
    print(f"wrote {len(paths)} demonstration files under {args.out or cfg.raw_dir}")
    return EXIT_OK


def _clean(args) -> int:
    import logging

    from analysis.ingest.clean import CleanError, clean
    from analysis.staging import locked_run

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cfg = load_config(args.config)
    try:
        with locked_run(cfg, "clean", wait=not args.no_wait):
            manifest = clean(cfg, force=args.force)
    except CleanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if manifest["status"] == "unchanged":
        print(f"inputs unchanged since {manifest['run_at']}: nothing to do")
    for source, c in manifest["counts"].items():
        print(
            f"{source}: {c['read']} read, {c['kept']} kept, {c['quarantined']} quarantined, "
            f"{c['duplicates']} duplicates"
        )
    found = ", ".join(f"{n:,} {kind}" for kind, n in manifest["redactions"].items() if n)
    print(f"redacted: {found or 'nothing'}")
    for error in manifest["errors"]:
        print(f"warning: source {error['source']!r} skipped: {error['file']}: {error['problem']}")
    for warning in manifest.get("warnings", []):
        print(
            f"warning: source {warning['source']!r}: {warning['file']}: {warning['problem']}. "
            f"{warning['advice']}"
        )
    print(f"tidy tables, quarantine and manifest in {cfg.processed_dir}")
    return EXIT_OK


def _ensure_raw_data(args) -> None:
    cfg = load_config(args.config)
    has_exports = any(any(cfg.raw_dir.glob(spec["files"])) for spec in cfg.sources.values())
    if not has_exports and cfg.demo is not None:
        print(
            f"no raw data under {cfg.raw_dir}: generating the demonstration partnership's exports"
        )
        _demo_data(
            argparse.Namespace(
                config=args.config, out=None, seed=None, start=None, end=None, scale=None
            )
        )


def check_scope(cfg, scope: str) -> None:
    """Refuse a scope that is neither a configured setting nor a service id (bad input)."""
    settings = sorted({str(s.get("setting")) for s in cfg.services})
    ids = sorted(str(s["service_id"]) for s in cfg.services)
    if scope and scope not in settings and scope not in ids:
        raise ValueError(
            f"--scope {scope!r} is neither a setting nor a service id of {cfg.path.name}; "
            f"settings: {', '.join(settings)}; services: {', '.join(ids)}"
        )


def _report(args) -> int:
    from analysis.config import NOTEBOOKS_DIR
    from analysis.kernels import KernelPool

    pool = KernelPool(2, NOTEBOOKS_DIR)  # first: its kernels warm up while the rest loads
    with pool:
        from analysis import pipeline

        cfg = load_config(args.config)
        check_scope(cfg, args.scope or "")
        _ensure_raw_data(args)
        out = pipeline.run(
            cfg.path, args.month, pdf=not args.no_pdf, scope=args.scope or "",
            wait=not args.no_wait, pool=pool,
        )  # fmt: skip
    print(f"report: {out / 'index.html'}")
    print(f"all reports: {cfg.reports_dir / 'index.html'}")
    return EXIT_OK


def _backfill(args) -> int:
    from analysis import pipeline

    _ensure_raw_data(args)
    cfg = load_config(args.config)
    results = pipeline.backfill(
        cfg.path,
        args.first,
        args.last,
        workers=args.workers,
        pdf=not args.no_pdf,
        analyses=args.with_analyses,
        wait=not args.no_wait,
    )
    failed = {p: r for p, r in results.items() if r != "ok"}
    print(
        f"{len(results) - len(failed)} of {len(results)} months reported; see {cfg.reports_dir / 'index.html'}"
    )
    for period, reason in failed.items():
        print(f"  {period} failed: {reason}", file=sys.stderr)
    return EXIT_PARTIAL if failed else EXIT_OK


def _themes(args) -> int:
    from analysis.textmodels.models import evaluate
    from analysis.textmodels.training import load_settings, training_set

    settings = load_settings()
    if args.evaluate:
        data = training_set(settings)
        ev = settings["evaluation"]
        print(
            f"cross-validating on {len(data.frame):,} labelled comments ({ev['folds']} folds grouped by respondent)"
        )
        per_label, themes, sentiment = evaluate(data, settings)
        table = per_label.sort_values("examples", ascending=False).assign(
            macro=lambda t: t["in_macro"].map({True: "yes", False: ""})
        )
        table = table[["subcategory", "examples", "f1", "precision", "recall", "macro"]].rename(
            columns={"subcategory": "sub-category", "f1": "F1", "macro": "in macro F1"}
        )
        print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
        print(
            f"themes: macro F1 {themes['macro_f1']:.3f} over {themes['labels_in_macro']} sub-categories "
            f"with at least {ev['min_examples']} examples, micro F1 {themes['micro_f1']:.3f}"
        )
        print(
            f"sentiment: five classes accuracy {sentiment['accuracy_5']:.3f}, macro F1 {sentiment['macro_f1_5']:.3f}; "
            f"three classes accuracy {sentiment['accuracy_3']:.3f}, macro F1 {sentiment['macro_f1_3']:.3f}"
        )
        return 0
    from analysis.staging import locked_run
    from analysis.textmodels.classify import classify

    cfg = load_config(args.config)
    with locked_run(cfg, "themes"):
        summary = classify(cfg, settings)
    origins = ", ".join(f"{n:,} {origin}" for origin, n in summary["theme_rows"].items())
    print(
        f"{summary['comments']:,} comments, {summary['usable']:,} with usable text; theme rows: "
        f"{origins or 'none'}; {summary['corrections']} corrections applied"
    )
    print(
        f"model {summary['model_key'][:12]}; comment_themes and comment_sentiment in {cfg.processed_dir}"
    )
    return 0


def _indicators(args) -> int:
    from analysis.context import load_context
    from analysis.logic_models import available_logic_models, evaluate_configured
    from analysis.publish.indicator_table import indicator_table

    ctx = load_context(args.config, args.month or "")
    period = ctx.month
    evaluations = (
        {args.model: evaluate_configured(ctx.cfg, args.model, period)}
        if args.model
        else ctx.evaluations
    )
    if not evaluations:
        print(
            f"{ctx.cfg.path} lists no logic models; name them under `logic_models:` "
            f"(available: {', '.join(available_logic_models())}) or pass --model NAME"
        )
    for evaluation in evaluations.values():
        table = indicator_table(evaluation.latest, ctx.min_count)
        print(f"{evaluation.model.partnership}: {evaluation.model.title}, as of {period:%B %Y}")
        print(
            table[["Indicator", "Period", "Value (95% CI)", "Target", "Status"]].to_string(
                index=False
            )
        )
        print()
    return EXIT_OK


def _trends(args) -> int:
    from analysis.context import load_context
    from analysis.methods.attribute_charts import attribute_spc
    from analysis.methods.headline_series import summary_series
    from analysis.publish.narrative import spc_reading

    ctx = load_context(args.config, args.month or "", args.scope or "")
    period = ctx.month
    series = summary_series(
        ctx.fft_monthly,
        ctx.services,
        by=args.by,
        through=period,
        min_count=ctx.min_count,
        label=ctx.label,
    )
    spc = attribute_spc(
        series, "positive", "responses", "month", facet_field="facet", chart="pprime",
        multiplier=100, freq="MS", **ctx.spc_arguments("fft_positive", series),
    )  # fmt: skip
    print(f"FFT percentage positive, months to {period:%B %Y}, by {args.by}:")
    for facet, part in spc.groupby("f", sort=False):
        print(f"  {facet}: {spc_reading(part, unit='%')}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: one sub-command per job, ``--config`` before or after it."""
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Feedback analysis for health and care partnerships.",
        epilog="Exit codes: 0 done, 1 unexpected error, 2 bad input or configuration, "
        "3 publish gate refused a page, 4 some backfill months failed.",
    )
    config_help = "partnership configuration YAML (default: the demonstration partnership)"
    parser.add_argument("--config", help=config_help)
    # The same option after the command (``analysis report --config …``), as make passes it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help=config_help)
    locking = argparse.ArgumentParser(add_help=False)
    locking.add_argument(
        "--no-wait",
        action="store_true",
        help="stop at once (exit 5) if another run is using the same data folder, "
        "rather than wait for it",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    p = sub.add_parser(
        "demo-data",
        parents=[common],
        help="write the synthetic demonstration partnership's raw exports",
    )
    p.add_argument("--seed", type=int, help="random seed (same seed, byte-identical files)")
    p.add_argument("--start", help="first month, YYYY-MM")
    p.add_argument("--end", help="last month, YYYY-MM")
    p.add_argument("--out", help="folder to write to (default: the configuration's raw_dir)")
    p.add_argument("--scale", type=int, help="write exactly N FFT responses (for benchmarks)")
    p.set_defaults(func=_demo_data)

    p = sub.add_parser(
        "clean",
        parents=[common, locking],
        help="read, validate and redact the raw exports into tidy tables",
    )
    p.add_argument("--force", action="store_true", help="re-read every file even if unchanged")
    p.set_defaults(func=_clean)

    p = sub.add_parser(
        "themes",
        parents=[common],
        help="classify comments' themes and sentiment (or --evaluate the models)",
    )
    p.add_argument(
        "--evaluate",
        action="store_true",
        help="cross-validate the models on the labelled comments and print the scores",
    )
    p.set_defaults(func=_themes)

    p = sub.add_parser(
        "indicators",
        parents=[common],
        help="evaluate a logic model's indicators for a month and print the table",
    )
    p.add_argument(
        "--model",
        help="logic model name in config/logic_models (default: those the configuration names)",
    )
    p.add_argument("--month", help="YYYY-MM (default: the latest complete month in the data)")
    p.set_defaults(func=_indicators)

    p = sub.add_parser(
        "report",
        parents=[common, locking],
        help="run the monthly pipeline and write the month's reports",
    )
    p.add_argument("--month", help="YYYY-MM (default: the latest complete month in the data)")
    p.add_argument(
        "--scope", help="a setting or service id to report on alone (default: the partnership)"
    )
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no browser needed)")
    p.set_defaults(func=_report)

    p = sub.add_parser(
        "trends", parents=[common], help="print the SPC reading of the FFT positive share per chart"
    )
    p.add_argument("--month", help="YYYY-MM (default: the latest complete month in the data)")
    p.add_argument(
        "--by", default="partnership", choices=["partnership", "setting", "service"],
        help="one chart for the partnership, or one per setting or service",
    )  # fmt: skip
    p.add_argument(
        "--scope", help="a setting or service id to read alone (default: the partnership)"
    )
    p.set_defaults(func=_trends)

    p = sub.add_parser(
        "backfill",
        parents=[common, locking],
        help="write the reports of many months, in parallel, with progress",
    )
    p.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
    p.add_argument("--to", dest="last", required=True, help="last month, YYYY-MM")
    p.add_argument("--workers", type=int, default=2, help="parallel worker processes (default 2)")
    p.add_argument(
        "--with-analyses",
        action="store_true",
        help="also run the analysis notebooks for every month",
    )
    p.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no browser needed)")
    p.set_defaults(func=_backfill)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module docstring)."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:
        name = getattr(exc, "ename", type(exc).__name__)
        if name in REFUSALS or type(exc).__name__ in REFUSALS:
            print(f"refused: {getattr(exc, 'evalue', exc)}", file=sys.stderr)
            return EXIT_REFUSED
        if type(exc).__name__ == "Busy":
            print(f"busy: {exc}", file=sys.stderr)
            return EXIT_BUSY
        if name in INPUT_ERRORS or isinstance(exc, ConfigError | FileNotFoundError | ValueError):
            print(f"error: {getattr(exc, 'evalue', exc)}", file=sys.stderr)
            return EXIT_INPUT
        raise
