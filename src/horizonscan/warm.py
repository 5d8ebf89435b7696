"""Imported by the analysis workers' fork server (``workers.Pool``): loads the analyser once,
so every worker forked from the server starts with spaCy, the language detector, the readers
and the topic pack in memory. A failure here is not fatal: the workers then load lazily and
report the problem with the first input."""

from __future__ import annotations

try:
    from .workers import warm_analyser

    warm_analyser()
except Exception:  # noqa: BLE001  (the first task reports the real error)
    pass
