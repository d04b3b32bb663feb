"""Rows as the analysts' readers (pyarrow, pandas, DuckDB) return them,
normalised for comparison with the rows bourse's own files say they hold."""

import datetime as dt

import pandas as pd

UTC = dt.timezone.utc


def reader_value(column, v):
    """One cell: pandas' NaN/NA is null, timestamps are timezone-aware UTC
    datetimes (a naive or non-UTC one fails), instruments are plain strings
    (pandas reads the hive partition as a category)."""
    if isinstance(v, float) and v != v or v is pd.NA:
        v = None
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        assert v.utcoffset() == dt.timedelta(0), (column, v)
        v = v.astimezone(UTC)
    if column == "instrument":
        v = str(v)
    return v


def reader_rows(records, columns, key=repr):
    """The records' cells of columns, as sorted tuples."""
    return sorted((tuple(reader_value(c, r[c]) for c in columns) for r in records), key=key)
