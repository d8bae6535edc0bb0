"""locsvc: localization pipeline service for TV and film."""

__version__ = "0.1.0"
