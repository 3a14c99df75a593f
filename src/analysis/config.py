"""Partnership configuration: what a partnership is, where its data lives, which rules apply.

A partnership is described by YAML (``config/partnerships/<name>.yaml``), not code.
Each section is a typed model (:mod:`analysis.config_models`): an unknown key, a
value of the wrong type or a folder outside the project is refused with a
:class:`ConfigError` naming the file, the key (``disclosure.min_cout``) and the fix.

Relative paths are resolved against the project root, never the working
directory, so notebooks, the command line and tests all see the same files. A
folder outside the project must sit under one of the ``allowed_roots`` the
configuration lists (absolute paths), so a slip such as ``processed_dir: /`` is
refused before anything is written.

Code reads typed settings: ``cfg.disclosure.min_count``, ``cfg.demo.seed``,
``cfg.complaints.overrides()``, ``cfg.logic_models``.

Example
-------
>>> cfg = load_config()
>>> cfg.nation, cfg.disclosure.min_count, cfg.logic_models
('england', 5, ['leicestershire'])
>>> cfg.raw_dir.relative_to(PROJECT_ROOT).as_posix()
'data/raw'
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from analysis.config_errors import describe_errors
from analysis.config_models import (
    NATIONS,
    ComplaintSubjects,
    Demo,
    Disclosure,
    Partnership,
    Redaction,
    Themes,
)
from analysis.config_models import Complaints as ComplaintLimits

#: The project checkout: ``src/analysis/config.py`` → three levels up.
PROJECT_ROOT = Path(os.environ.get("ANALYSIS_HOME", Path(__file__).resolve().parents[2]))
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_CONFIG = CONFIG_DIR / "partnerships" / "demo.yaml"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
LOGIC_MODELS_DIR = CONFIG_DIR / "logic_models"
FOLDERS = ("raw_dir", "processed_dir", "reports_dir")
__all__ = ["NATIONS", "Config", "ConfigError", "load_config", "relocate", "write_config"]


class ConfigError(ValueError):
    """The partnership configuration is missing something or says something impossible."""


def available_logic_models() -> list[str]:
    """The logic models the project ships (``config/logic_models/<name>.yaml``)."""
    return [p.stem for p in sorted(LOGIC_MODELS_DIR.glob("*.yaml"))]


@dataclass(frozen=True)
class Config:
    """A loaded partnership configuration: the checked settings, with folders resolved.

    ``services`` and ``sources`` keep the mappings as written (the clean step records
    them in its manifest); ``settings`` holds every section typed.
    """

    path: Path
    name: str
    nation: str
    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    services: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    data: dict[str, Any] = field(repr=False)
    settings: Partnership = field(repr=False, default=None)  # type: ignore[assignment]

    @property
    def disclosure(self) -> Disclosure:
        return self.settings.disclosure

    @property
    def demo(self) -> Demo | None:
        """The demonstration generator's settings (None for a real partnership)."""
        return self.settings.demo

    @property
    def complaints(self) -> ComplaintLimits:
        return self.settings.complaints

    @property
    def complaint_subjects(self) -> ComplaintSubjects | None:
        return self.settings.complaint_subjects

    @property
    def redaction(self) -> Redaction:
        return self.settings.redaction

    @property
    def themes(self) -> Themes:
        return self.settings.themes

    @property
    def logic_models(self) -> list[str]:
        """The logic models the partnership reports, in its order (empty: none)."""
        return list(self.settings.logic_models)

    def raw_file(self, value: str | os.PathLike) -> Path:
        """A file path from the configuration: relative ones are under ``raw_dir``."""
        path = Path(value).expanduser()
        return path if path.is_absolute() else self.raw_dir / path

    def section(self, key: str, default: Any = None) -> Any:
        """Deprecated: a top-level section as the plain mapping the YAML holds.

        Kept so code written before the typed settings keeps running; read the typed
        attributes instead (``cfg.disclosure.min_count``, ``cfg.demo.seed`` …).
        """
        return self.data.get(key, default)


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def _check_paths(cfg_path: Path, settings: Partnership) -> None:
    """Every configured folder and file must lie in the project or under an allowed root."""
    roots = [Path(os.path.normpath(PROJECT_ROOT))]
    for i, root in enumerate(settings.allowed_roots):
        path = Path(root).expanduser()
        if not path.is_absolute():
            raise ConfigError(
                f"{cfg_path}: allowed_roots[{i}]: {root!r} is not an absolute path; "
                "list absolute folders (folders inside the project need no entry)"
            )
        roots.append(Path(os.path.normpath(path)))
    roots_t = tuple(roots)
    allowed = f"the project ({PROJECT_ROOT}) or allowed_roots"
    folders = {}
    for key in FOLDERS:
        folders[key] = Path(
            os.path.normpath(PROJECT_ROOT / Path(getattr(settings, key)).expanduser())
        )
        if not _inside(folders[key], roots_t):
            raise ConfigError(
                f"{cfg_path}: {key}: {folders[key]} is outside {allowed}; move it into the "
                f"project or add its folder to `allowed_roots:`"
            )
    files = {"redaction.staff_names": settings.redaction.staff_names,
             "themes.corrections": settings.themes.corrections}  # fmt: skip
    for key, value in files.items():
        if value is None:
            continue
        path = Path(os.path.normpath(folders["raw_dir"] / Path(value).expanduser()))
        if not _inside(path, roots_t):
            raise ConfigError(
                f"{cfg_path}: {key}: {path} is outside {allowed}; keep it with the raw data "
                "or add its folder to `allowed_roots:`"
            )


def _check_logic_models(cfg_path: Path, names: list[str]) -> None:
    available = available_logic_models()
    for i, name in enumerate(names):
        if name not in available:
            raise ConfigError(
                f"{cfg_path}: logic_models[{i}]: no logic model {name!r}; "
                f"the available models are {', '.join(available)} (config/logic_models/)"
            )


def _resolve(value: str | os.PathLike, base: Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (base / path).resolve()


def load_config(path: str | os.PathLike | None = None, **overrides: Any) -> Config:
    """Load and check a partnership configuration (the demonstration partnership by default).

    ``overrides`` replace top-level keys, e.g. ``complaints={"respond": 20}`` in tests.
    Every mistake raises :class:`ConfigError` naming the file, the key and the fix.
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
    if not isinstance(data, dict):
        raise ConfigError(
            f"{cfg_path}: expected `key: value` settings, found {type(data).__name__}"
        )
    data.update(
        {k: str(v) if isinstance(v, Path) else v for k, v in overrides.items() if v is not None}
    )
    try:
        settings = Partnership.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_errors(cfg_path, exc, Partnership)) from None
    _check_paths(cfg_path, settings)
    _check_logic_models(cfg_path, settings.logic_models)
    # The sources' settings belong to the ingest step, which checks them here too.
    from analysis.ingest.sources import source_specs

    source_specs(data["sources"], where=str(cfg_path))
    return Config(
        path=cfg_path.resolve(),
        name=settings.partnership,
        nation=settings.nation,
        raw_dir=_resolve(settings.raw_dir, PROJECT_ROOT),
        processed_dir=_resolve(settings.processed_dir, PROJECT_ROOT),
        reports_dir=_resolve(settings.reports_dir, PROJECT_ROOT),
        services=list(data["services"]),
        sources=dict(data["sources"]),
        data=data,
        settings=settings,
    )


def write_config(cfg: Config, path: str | os.PathLike, **overrides: Any) -> Path:
    """Write a copy of ``cfg`` with top-level ``overrides`` (used to point a run at other folders).

    A folder given here as a :class:`~pathlib.Path` outside the project is named by the
    caller explicitly, so it is added to the copy's ``allowed_roots``.
    """
    data = dict(cfg.data)
    data.update({k: str(v) if isinstance(v, Path) else v for k, v in overrides.items()})
    roots = list(data.get("allowed_roots") or [])
    for key in FOLDERS:
        value = overrides.get(key)
        if isinstance(value, Path):
            folder = Path(os.path.normpath(value.expanduser().absolute()))
            if not _inside(folder, (PROJECT_ROOT, *map(Path, roots))):
                roots.append(str(folder))
    if roots:
        data["allowed_roots"] = roots
    out = Path(path)
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def relocate(cfg: Config, root: str | os.PathLike, **overrides: Any) -> Config:
    """A copy of ``cfg`` whose raw, processed and reports folders live under ``root``.

    The copy is written to ``root/partnership.yaml`` (naming ``root`` in its
    ``allowed_roots``) and loaded; tests and benchmarks use it so they never touch
    the project's own ``data/`` or ``reports/``.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    roots = list(cfg.data.get("allowed_roots") or [])
    if str(root.absolute()) not in roots:
        roots.append(str(root.absolute()))
    folders = {
        "raw_dir": root / "raw",
        "processed_dir": root / "processed",
        "reports_dir": root / "reports",
        "allowed_roots": roots,
    }
    return load_config(write_config(cfg, root / "partnership.yaml", **{**folders, **overrides}))
