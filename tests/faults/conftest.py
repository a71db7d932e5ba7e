"""The fault suite reuses the scheduler tests' agency site (a gate holds one document)."""

from tests.scheduler.conftest import agency_site, no_stop_left_over, paths

__all__ = ["agency_site", "no_stop_left_over", "paths"]
