"""The web workspace and REST API (FastAPI, Jinja, HTMX, ECharts).

Import ``horizonscan.web.app.create_app`` only where it is needed: FastAPI and Jinja
stay out of ``horizonscan --help``. See docs/web.md.
"""
