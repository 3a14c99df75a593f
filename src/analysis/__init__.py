"""Patient, service-user and carer feedback analysis for health and care partnerships."""

__version__ = "0.1.0"
