"""WorkerPlugin that loads the analyser's models once per worker process.

Registered by the runner on every worker of the cluster, including workers that
join or are restarted later, so no task pays for loading spaCy, lingua or the
topic pack. The load runs in a thread so the worker keeps answering heartbeats.
It first undoes the nanny's small malloc trim threshold, which costs the
analyser about 15% of its speed (``tasks.relax_malloc_trim``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from distributed import WorkerPlugin

from ..settings import Settings
from . import tasks


class WarmUp(WorkerPlugin):  # type: ignore[misc]
    def __init__(self, analyse_fn: str, settings: Settings) -> None:
        self.analyse_fn = analyse_fn
        self.settings = settings

    async def setup(self, worker: Any) -> None:
        tasks.relax_malloc_trim()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, tasks.warm_up_safely, self.analyse_fn, self.settings)
