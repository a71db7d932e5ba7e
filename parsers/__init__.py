"""File in, typed rows out (see docs/architecture.md).

The hot modules load from their compiled extensions where ``make install`` built fresh
ones (``records.core.speedups``), and run as Python otherwise.
"""

from records.core import speedups

speedups.install()
