"""Batch analysis beyond one machine: inputs analysed on a Dask cluster, results as Parquet.

``run_batch`` expands inputs, runs them in small chunks (one Dask task each) on a Dask distributed
cluster (an existing one at ``scheduler``, else a LocalCluster), writes the
results as atomic Parquet partitions under a run folder and loads them into
the store idempotently. See docs/batch.md.

Nothing here imports dask or pyarrow at import time, so ``horizonscan --help``
stays instant; they are loaded by ``run_batch`` itself.
"""

from __future__ import annotations

from .runner import DEFAULT_ANALYSE_FN, BatchReport, default_out, run_batch

__all__ = ["DEFAULT_ANALYSE_FN", "BatchReport", "default_out", "run_batch"]
