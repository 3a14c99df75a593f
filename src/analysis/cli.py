"""Command line: ``python -m analysis <command>``. Each command says what it did and where."""

from __future__ import annotations

import argparse
import sys

from analysis.config import ConfigError, load_config


def _demo_data(args) -> int:
    from analysis import demo

    cfg = load_config(args.config)
    opts = cfg.section("demo", {})
    paths = demo.generate(
        args.out or cfg.raw_dir,
        seed=args.seed if args.seed is not None else opts.get("seed", 20190401),
        start=args.start or str(opts.get("start", "2019-04")),
        end=args.end or str(opts.get("end", "2025-03")),
        config=cfg,
        scale=args.scale,
    )
    print(f"wrote {len(paths)} demonstration files under {args.out or cfg.raw_dir}")
    return 0


def _clean(args) -> int:
    from analysis.ingest.clean import clean

    cfg = load_config(args.config)
    manifest = clean(cfg)
    for source, c in manifest["counts"].items():
        print(f"{source}: {c['read']} read, {c['kept']} kept, {c['quarantined']} quarantined")
    print(f"tidy tables in {cfg.processed_dir}")
    return 0


def _report(args) -> int:
    from analysis import pipeline

    cfg = load_config(args.config)
    if not any(cfg.raw_dir.glob("*/*")) and cfg.section("demo"):
        print(
            f"no raw data under {cfg.raw_dir}: generating the demonstration partnership's exports"
        )
        _demo_data(
            argparse.Namespace(
                config=args.config, out=None, seed=None, start=None, end=None, scale=None
            )
        )
    out = pipeline.run(cfg.path, args.month)
    print(f"report: {out / 'index.html'}")
    print(f"all reports: {cfg.reports_dir / 'index.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Feedback analysis for health and care partnerships.",
    )
    parser.add_argument(
        "--config", help="partnership configuration YAML (default: the demonstration partnership)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="command")

    p = sub.add_parser(
        "demo-data", help="write the synthetic demonstration partnership's raw exports"
    )
    p.add_argument("--seed", type=int, help="random seed (same seed, byte-identical files)")
    p.add_argument("--start", help="first month, YYYY-MM")
    p.add_argument("--end", help="last month, YYYY-MM")
    p.add_argument("--out", help="folder to write to (default: the configuration's raw_dir)")
    p.add_argument("--scale", type=int, help="write exactly N FFT responses (for benchmarks)")
    p.set_defaults(func=_demo_data)

    p = sub.add_parser("clean", help="read, validate and redact the raw exports into tidy tables")
    p.set_defaults(func=_clean)

    p = sub.add_parser("report", help="run the monthly pipeline and write the month's reports")
    p.add_argument("--month", help="YYYY-MM (default: the latest complete month in the data)")
    p.set_defaults(func=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
