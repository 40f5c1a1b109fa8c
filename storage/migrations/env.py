"""Alembic environment: migrations run on the connection storage.schema hands over."""

from __future__ import annotations

from alembic import context

from storage.models import Base
from storage.search_index import include_name

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through storage.schema (tinbao db upgrade), not alembic")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=True,
    include_name=include_name,  # the search index is not in the models (storage/search_index.py)
)
with context.begin_transaction():
    context.run_migrations()
