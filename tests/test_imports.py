"""Cheap start-up (STYLE 14): the CLI and the package import no heavy library until a command needs it."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("spacy", "fastapi", "dask", "distributed", "lingua", "trafilatura", "sqlalchemy", "pyarrow", "numpy", "httpx")


def test_cli_import_loads_no_heavy_library() -> None:
    code = "import sys, horizonscan, horizonscan.cli; print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_help_runs_without_loading_models() -> None:
    res = subprocess.run([sys.executable, "-m", "horizonscan", "--help"], capture_output=True, text=True, check=True)
    assert "ingest" in res.stdout and "analyse" in res.stdout


def test_public_api() -> None:
    import horizonscan

    assert horizonscan.__all__ == ["analyse", "__version__"]
    assert callable(horizonscan.analyse)
