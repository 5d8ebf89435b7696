"""Connect to a Dask cluster: an existing scheduler, or a LocalCluster on 127.0.0.1."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import HorizonscanError

if TYPE_CHECKING:
    from distributed import Client, LocalCluster


class ClusterError(HorizonscanError):
    """The Dask scheduler could not be reached or the local cluster not started."""


def local_config(retries: int, saturation: float = 1.0) -> dict[str, Any]:
    """Scheduler settings for a LocalCluster (set them on your own scheduler too, see docs/batch.md).

    ``allowed-failures``: a task whose worker dies more than ``retries`` times is
    reported as KilledWorker (then quarantined) instead of killing workers forever.
    ``worker-saturation`` 1.0: a worker holds only the task it runs, so a worker's
    death only counts against that task, not against innocent queued ones.
    The statistical profiler samples the running task's stack every 10 ms; it
    is off, as it costs CPU and nobody reads it without a dashboard.
    """
    return {
        "distributed.scheduler.allowed-failures": retries,
        "distributed.scheduler.worker-saturation": saturation,
        "distributed.worker.profile.enabled": False,
    }


def local_cluster(workers: int, retries: int, saturation: float = 1.0) -> "LocalCluster":
    """``workers`` processes × 1 thread on 127.0.0.1; no dashboard, its HTTP server on a free port."""
    import dask
    from distributed import LocalCluster

    with dask.config.set(local_config(retries, saturation)):
        return LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=40,  # logging.ERROR: a killed worker is handled, not news
        )


@contextlib.contextmanager
def connect(scheduler: str | None, workers: int, retries: int, timeout: float = 10.0) -> Iterator["Client"]:
    """A Client on ``scheduler`` (``tcp://host:port``), else on a new LocalCluster of ``workers`` processes."""
    from distributed import Client

    if scheduler:
        try:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"E510 cannot reach Dask scheduler {scheduler}: {exc}") from exc
        with client:
            yield client
        return
    try:
        cluster = local_cluster(workers, retries)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"E511 cannot start a local Dask cluster: {exc}") from exc
    with cluster, Client(cluster, set_as_default=False) as client:
        yield client
