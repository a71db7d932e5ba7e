"""Which executor a run parses with: this machine's pool, or the Dask cluster it names.

Apart from ``executors`` and ``cluster`` so that neither imports the other; ``cluster`` is
imported only when a cluster is asked for (Dask is an optional extra).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from records.core.archive import Archive
from records.core.config import Settings
from records.pipeline.reporting.summary import Progress, quiet
from records.pipeline.workers.executors import LOCAL, Executor


def cluster_address(option: str | None, settings: Settings | None) -> str | None:
    """The cluster to parse on: ``--cluster``/``RECORDS_CLUSTER``, else ``[settings] cluster``;
    None (or ``local``): this machine."""
    value = option if option else (settings.cluster if settings is not None else None)
    return None if not value or value == LOCAL else value


@contextmanager
def executor_for(
    settings: Settings | None,
    archive: Archive,
    *,
    cluster: str | None = None,
    shared_archive: bool | None = None,
    progress: Progress = quiet,
) -> Iterator[Executor | None]:
    """Connect to the cluster chosen by ``cluster`` or ``settings`` for the block
    (``ClusterError`` at once when it cannot be reached); None when there is none:
    ``parse_pending`` then uses a ``LocalPool``."""
    address = cluster_address(cluster, settings)
    if address is None:
        yield None
        return
    from records.pipeline.workers.cluster import connect

    if shared_archive is None:
        shared_archive = settings.shared_archive if settings is not None else False
    with connect(address, archive, shared_archive=shared_archive, progress=progress) as executor:
        yield executor
