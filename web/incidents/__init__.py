"""The incident console: cases in error, their data and retry, for process owners."""

from web.incidents.views import bp

__all__ = ["bp"]
