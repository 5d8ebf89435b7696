"""Errors with stable codes (E###), so logs, docs and tests can refer to them.

E1xx ingest and readers, E2xx topic packs and analysis, E25x batch quarantine, E3xx store,
E4xx search and query, E50x accounts, E51x batch runs, E52x web access and requests.
The full list is in docs/errors.md.
"""

from __future__ import annotations


class HorizonscanError(Exception):
    """Base class; the message starts with its code, e.g. ``E101 empty file``."""


class ReadError(HorizonscanError):
    """An input could not be read into a document (bad format, empty, too big, ...)."""


class FetchError(ReadError):
    """A URL could not be fetched (timeout, HTTP error, too many redirects, too big)."""


class AnalysisError(HorizonscanError):
    """A text could not be analysed (time limit, ...)."""


class StoreError(HorizonscanError):
    """The store refused a write or could not be opened."""
