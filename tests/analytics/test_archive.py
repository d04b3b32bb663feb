"""The analysts' readers on bourse's Parquet archive.

tests/analytics/genarchive (Go) writes edge-value records as overlapping
micro-batches, archives them with the archive job, and lists the rows it
wrote in expected.json. These tests read the archive with pyarrow.dataset
(Hive partitioning), pandas.read_parquet and DuckDB read_parquet(...,
hive_partitioning=1), and check column types and every value, nulls
included (the orders' exchange-rule columns are null where an order does
not set the rule).
"""

import datetime as dt
import json
import os
import pathlib
import subprocess
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATASETS = ["orders", "trades", "events", "bars", "sma", "profit", "rejects", "status"]
#: The orders' columns in file order; the exchange-rule ones, last, are
#: nullable (OPTIONAL), as is expires_at.
ORDER_COLUMNS = ["id", "txn_type", "quantity", "price", "order_timestamp", "order_type", "time_in_force",
                 "expires_at", "trader_id", "action", "stop_price", "display_quantity", "post_only", "stp"]
RULE_COLUMNS = ["stop_price", "display_quantity", "post_only", "stp"]
UTC = dt.timezone.utc


@pytest.fixture(scope="session")
def gen(tmp_path_factory):
    out = tmp_path_factory.mktemp("archive")
    subprocess.run(
        [os.environ.get("GO", "go"), "run", "./tests/analytics/genarchive", "-out", str(out)],
        cwd=ROOT, check=True,
    )
    expected = json.loads((out / "expected.json").read_text())
    return out / "archive", expected


def norm(kind, v):
    """An expected.json value as the readers return it."""
    if v is None:
        return None
    if kind == "ts":
        return dt.datetime.fromtimestamp(v / 1000, tz=UTC)
    if kind == "dec":
        return Decimal(v).quantize(Decimal("1e-8"))
    return v


def expected_rows(exp, name, columns):
    kinds = exp[name]["columns"]
    rows = []
    for r in exp[name]["rows"]:
        row = tuple(norm(kinds[c], r[c]) for c in columns)
        rows.append(row)
    return sorted(rows, key=repr)


def got_rows(records, columns):
    rows = []
    for r in records:
        row = []
        for c in columns:
            v = r[c]
            if isinstance(v, pd.Timestamp):
                v = v.to_pydatetime()
            if isinstance(v, dt.datetime):
                v = v.astimezone(UTC)
            row.append(v)
        rows.append(tuple(row))
    return sorted(rows, key=repr)


ARROW_TYPE = {
    "ts": pa.timestamp("ms", tz="UTC"),
    "dec": pa.decimal128(18, 8),
    "str": pa.string(),
    "u64": pa.uint64(),
    "i64": pa.int64(),
    "bool": pa.bool_(),
}


@pytest.mark.parametrize("name", DATASETS)
def test_pyarrow_dataset(gen, name):
    root, exp = gen
    table = ds.dataset(root / name, format="parquet", partitioning="hive").to_table()
    kinds = exp[name]["columns"]
    for col, kind in kinds.items():
        if col == "instrument":
            assert pa.types.is_string(table.schema.field(col).type), table.schema
            continue
        assert table.schema.field(col).type == ARROW_TYPE[kind], (col, table.schema.field(col).type)
    assert table.num_rows == len(exp[name]["rows"])
    cols = list(kinds)
    assert got_rows(table.to_pylist(), cols) == expected_rows(exp, name, cols)


@pytest.mark.parametrize("name", DATASETS)
def test_pandas(gen, name):
    root, exp = gen
    df = pd.read_parquet(root / name)
    kinds = exp[name]["columns"]
    assert len(df) == len(exp[name]["rows"])
    for col, kind in kinds.items():
        if kind == "ts":
            assert isinstance(df[col].dtype, pd.DatetimeTZDtype), (col, df[col].dtype)
            assert str(df[col].dtype.tz) == "UTC"
        if kind == "dec":
            assert all(isinstance(v, Decimal) for v in df[col] if v is not None), col
    cols = list(kinds)
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    assert got_rows(records, cols) == expected_rows(exp, name, cols)


DUCK_TYPE = {
    "ts": "TIMESTAMP WITH TIME ZONE",
    "dec": "DECIMAL(18,8)",
    "str": "VARCHAR",
    "u64": "UBIGINT",
    "i64": "BIGINT",
    "bool": "BOOLEAN",
}


def duck(root, name):
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    glob = str(root / name / "**" / "*.parquet")
    return con, f"read_parquet('{glob}', hive_partitioning=1)"


@pytest.mark.parametrize("name", DATASETS)
def test_duckdb(gen, name):
    root, exp = gen
    con, src = duck(root, name)
    kinds = exp[name]["columns"]
    cols = list(kinds)
    rel = con.sql(f"SELECT {', '.join(cols)} FROM {src}")
    for col, typ in zip(cols, rel.types):
        if col == "instrument":
            assert str(typ) == "VARCHAR"
            continue
        assert str(typ) == DUCK_TYPE[kinds[col]], (col, typ)
    rows = [dict(zip(cols, r)) for r in rel.fetchall()]
    assert len(rows) == len(exp[name]["rows"])
    assert got_rows(rows, cols) == expected_rows(exp, name, cols)


def test_duckdb_sma_query(gen):
    """An analyst's SMA query gives exactly the SMA values written."""
    root, exp = gen
    con, src = duck(root, "sma")
    got = con.sql(
        f"SELECT instrument, epoch_ms(window_start) AS ws, sma "
        f"FROM {src} ORDER BY instrument, ws, sma"
    ).fetchall()
    want = sorted(
        (r["instrument"], r["window_start"], Decimal(r["sma"]).quantize(Decimal("1e-8")))
        for r in exp["sma"]["rows"]
    )
    assert got == want
    # Exact decimal arithmetic: the sum over the archive equals the Go sum.
    total = con.execute(f"SELECT sum(sma) FROM {src}").fetchone()[0]
    assert total == sum(Decimal(r["sma"]) for r in exp["sma"]["rows"])


def test_day_partitions_follow_event_time(gen):
    """23:59:59.999 and 00:00:00.000 trades land in their own days."""
    root, _ = gen
    days = sorted(p.name for p in (root / "trades").iterdir())
    assert days == ["dt=2023-03-11", "dt=2023-03-12", "dt=2023-03-13"]
    con, src = duck(root, "trades")
    bad = con.execute(
        f"SELECT count(*) FROM {src} WHERE CAST(trade_timestamp AS DATE) <> dt"
    ).fetchone()[0]
    assert bad == 0


def test_order_rule_columns(gen):
    """The rule columns come last, OPTIONAL, null exactly where unset."""
    root, exp = gen
    files = sorted((root / "orders").rglob("*.parquet"))
    assert files
    for f in files:
        schema = pq.read_schema(f)
        assert schema.names == ORDER_COLUMNS, f
        for field in schema:
            assert field.nullable == (field.name in RULE_COLUMNS + ["expires_at"]), (f, field)
    table = ds.dataset(root / "orders", format="parquet", partitioning="hive").to_table()
    rows = exp["orders"]["rows"]
    for col in RULE_COLUMNS:
        want_nulls = sum(r[col] is None for r in rows)
        assert 0 < want_nulls < len(rows), col  # the sample has both
        assert table.column(col).null_count == want_nulls, col
    assert set(table.column("stp").drop_null().to_pylist()) == {"CANCEL_NEWEST", "CANCEL_OLDEST", "CANCEL_BOTH"}
    assert set(table.column("post_only").drop_null().to_pylist()) == {True}
    con, src = duck(root, "orders")
    got = con.execute(
        f"SELECT count(*) FILTER (WHERE stop_price IS NOT NULL), count(*) FILTER (WHERE post_only), "
        f"max(display_quantity) FROM {src}"
    ).fetchone()
    assert got == (
        sum(r["stop_price"] is not None for r in rows),
        sum(r["post_only"] is True for r in rows),
        max(Decimal(r["display_quantity"]) for r in rows if r["display_quantity"] is not None),
    )
