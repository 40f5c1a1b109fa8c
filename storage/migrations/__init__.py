"""Alembic migrations of the archive (run through storage.schema, not an alembic.ini)."""
