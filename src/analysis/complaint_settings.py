"""A partnership's complaints settings: its handling rules, and its subjects in the national return.

Both live in the partnership's YAML:

.. code-block:: yaml

    complaints:            # optional: replace any time limit, or count calendar days
      respond: 25
    complaint_subjects:    # optional: report volumes in a national return's subject areas
      return: ko41a
      map:
        Staff attitude: Values and behaviours (staff)

Example
-------
>>> from analysis.config import load_config
>>> cfg = load_config()
>>> mapping, national = subject_mapping(cfg)
>>> mapping["Staff attitude"], national[-1]
('Values and behaviours (staff)', 'Other')
>>> handling_rules(cfg).acknowledge
3
"""

from __future__ import annotations

from analysis.config import Config, ConfigError
from analysis.methods.complaints import Rules, rules_for
from analysis.reference import ko41a_subjects

#: National complaints returns whose subject areas the project ships.
RETURNS = {"ko41a": ko41a_subjects}


def handling_rules(cfg: Config) -> Rules:
    """The nation's complaint time limits with the partnership's ``complaints`` overrides."""
    try:
        return rules_for(cfg.nation, cfg.complaints.overrides())
    except ValueError as exc:
        raise ConfigError(f"{cfg.path}: complaints: {exc}") from None


def subject_mapping(cfg: Config) -> tuple[dict[str, str], list[str]] | None:
    """The local → national subject map and the return's subject areas (None when not configured).

    Every target must be one of the return's subject areas, so a typing slip is an
    error naming the subject, not a silently empty row in the report.
    """
    section = cfg.complaint_subjects
    if section is None or not section.map:
        return None
    name = section.return_
    national = RETURNS[name]()
    mapping = dict(section.map)
    wrong = sorted(local for local, target in mapping.items() if target not in national)
    if wrong:
        raise ConfigError(
            f"{cfg.path}: complaint_subjects: {', '.join(repr(w) for w in wrong)} "
            f"map to subjects that are not {name.upper()} subject areas "
            f"({', '.join(repr(mapping[w]) for w in wrong)}); use one of: {'; '.join(national)}"
        )
    return mapping, national
