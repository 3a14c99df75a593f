"""Patient, service-user and carer feedback analysis for health and care partnerships."""

__version__ = "0.1.0"

from analysis import warning_paths as _warning_paths  # noqa: E402

_warning_paths.install()  # no machine path in a published notebook's warnings
