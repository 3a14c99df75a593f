"""What a report's scope covers: the whole partnership, one setting, or one service.

The one place a scope is read, for the report context and the query layer alike.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["in_scope"]


def in_scope(services: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The services a report covers: all (``""``), one setting, or one service id.

    >>> s = pd.DataFrame({"service_id": ["A", "B"], "setting": ["acute", "urgent care"]})
    >>> in_scope(s, "urgent care")["service_id"].tolist()
    ['B']
    """
    if not scope:
        return services
    chosen = services[(services["setting"] == scope) | (services["service_id"] == scope)]
    if chosen.empty:
        raise ValueError(
            f"scope {scope!r} is neither a setting nor a service id; settings: "
            f"{sorted(services['setting'].unique())}, services: {sorted(services['service_id'])}"
        )
    return chosen
