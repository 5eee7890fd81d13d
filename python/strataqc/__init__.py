"""StrataQC: a layered data-warehouse quality framework on SQL."""

__version__ = "0.1.0"
