"""The analyse stage: a pure function ``text -> Analysis`` (see ``pipeline.analyse``).

Sub-modules, one per kind of fact: ``nlp`` (spaCy, loaded once per process),
``actors``, ``places``, ``dates``, ``themes``, ``citations``, ``events``.
"""
