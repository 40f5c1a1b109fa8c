"""Exporting articles as Parquet, one row group per batch, in constant memory.

pyarrow is optional (`pip install 'tinbao[parquet]'`): it is imported when a Parquet export
starts, and MissingPyarrow says how to install it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from storage.export import BATCH, COLUMNS, TYPES, Progress


class MissingPyarrow(RuntimeError):
    """Parquet needs pyarrow, which is not installed."""


def write_parquet(
    rows: Iterable[dict[str, Any]], out: IO[bytes], progress: Progress | None = None
) -> int:
    """Write `rows` to `out` (a binary file or stream); the number of rows written."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise MissingPyarrow("Parquet export needs pyarrow: pip install 'tinbao[parquet]'") from exc
    # the columns' own types: integers stay integers, times are UTC timestamps, the rest text
    arrow = {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), bytes: pa.binary(),
             datetime: pa.timestamp("us", tz="UTC")}  # fmt: skip
    schema = pa.schema([(name, arrow.get(TYPES[name], pa.string())) for name in COLUMNS])
    count = 0
    iterator = iter(rows)
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        while batch := list(itertools.islice(iterator, BATCH)):
            columns = {name: [row[name] for row in batch] for name in COLUMNS}
            writer.write_batch(pa.RecordBatch.from_pydict(columns, schema=schema))
            count += len(batch)
            if progress is not None:
                progress(count)
    return count
