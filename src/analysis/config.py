"""Partnership configuration: what a partnership is, where its data lives, which rules apply.

A partnership is described by YAML (``config/partnerships/<name>.yaml``), not code.
Relative paths in it are resolved against the project root, never the working
directory, so notebooks, the command line and tests all see the same files.

Example
-------
>>> cfg = load_config()
>>> cfg.nation
'england'
>>> cfg.raw_dir.relative_to(PROJECT_ROOT).as_posix()
'data/raw'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: The project checkout: ``src/analysis/config.py`` → three levels up.
PROJECT_ROOT = Path(os.environ.get("ANALYSIS_HOME", Path(__file__).resolve().parents[2]))
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_CONFIG = CONFIG_DIR / "partnerships" / "demo.yaml"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
NATIONS = ("england", "wales", "scotland", "northern_ireland")


class ConfigError(ValueError):
    """The partnership configuration is missing something or says something impossible."""


@dataclass(frozen=True)
class Config:
    """A loaded partnership configuration (the YAML file, with paths resolved)."""

    path: Path
    name: str
    nation: str
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    services: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    data: dict[str, Any] = field(repr=False)

    def section(self, key: str, default: Any = None) -> Any:
        """Any other top-level section of the YAML (``disclosure``, ``demo``, ``logic_models`` …)."""
        return self.data.get(key, default)


def _resolve(value: str | os.PathLike, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def load_config(path: str | os.PathLike | None = None, **overrides: Any) -> Config:
    """Load a partnership configuration (the demonstration partnership by default).

    ``overrides`` replace top-level keys, e.g. ``raw_dir=tmp / "raw"`` in tests.
    """
    cfg_path = Path(path) if path else DEFAULT_CONFIG
    if not cfg_path.is_absolute() and not cfg_path.exists():
        cfg_path = PROJECT_ROOT / cfg_path
    if not cfg_path.exists():
        raise ConfigError(
            f"configuration file {cfg_path} not found; copy config/partnerships/demo.yaml "
            "and describe your partnership in it."
        )
    try:
        data = yaml.safe_load(cfg_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{cfg_path} is not valid YAML: {exc}") from None
    data.update({k: v for k, v in overrides.items() if v is not None})

    missing = [k for k in ("partnership", "nation", "services", "sources") if k not in data]
    if missing:
        raise ConfigError(f"{cfg_path}: missing section(s) {', '.join(missing)}")
    nation = str(data["nation"]).lower()
    if nation not in NATIONS:
        raise ConfigError(f"{cfg_path}: nation {nation!r} is not one of {', '.join(NATIONS)}")
    ids = [s.get("service_id") for s in data["services"]]
    if len(set(ids)) != len(ids) or None in ids:
        raise ConfigError(f"{cfg_path}: every service needs a distinct service_id")

    return Config(
        path=cfg_path.resolve(),
        name=str(data["partnership"]),
        nation=nation,
        raw_dir=_resolve(data.get("raw_dir", "data/raw"), PROJECT_ROOT),
        processed_dir=_resolve(data.get("processed_dir", "data/processed"), PROJECT_ROOT),
        reports_dir=_resolve(data.get("reports_dir", "reports"), PROJECT_ROOT),
        services=list(data["services"]),
        sources=dict(data["sources"]),
        data=data,
    )


def write_config(cfg: Config, path: str | os.PathLike, **overrides: Any) -> Path:
    """Write a copy of ``cfg`` with top-level ``overrides`` (used to point a run at other folders)."""
    data = dict(cfg.data)
    data.update({k: str(v) if isinstance(v, Path) else v for k, v in overrides.items()})
    out = Path(path)
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def relocate(cfg: Config, root: str | os.PathLike, **overrides: Any) -> Config:
    """A copy of ``cfg`` whose raw, processed and reports folders live under ``root``.

    The copy is written to ``root/partnership.yaml`` and loaded; tests and benchmarks use
    it so they never touch the project's own ``data/`` or ``reports/``.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    folders = {
        "raw_dir": root / "raw",
        "processed_dir": root / "processed",
        "reports_dir": root / "reports",
    }
    return load_config(write_config(cfg, root / "partnership.yaml", **{**folders, **overrides}))
