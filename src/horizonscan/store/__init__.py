"""The store: the only layer that knows SQL (DESIGN §2).

``open_store(url)`` gives a :class:`Store` on SQLite (default, WAL + FTS5) or
PostgreSQL (tsvector + GIN), migrated to the latest schema with Alembic.
Writes are atomic per document; reads return plain records.
"""

from .db import Store, open_store

__all__ = ["Store", "open_store"]
