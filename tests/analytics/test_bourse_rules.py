"""The analysts' readers on the exchange rules' archive of a real `bourse` run.

The bourse binary runs produce --profile exchange (stops, icebergs,
post-only orders, per-order self-trade prevention, CANCEL_ALL) -> match
--session (phase changes) with --batch-dir, then archive. pyarrow, pandas
and DuckDB must read the orders' exchange-rule columns (stop_price,
display_quantity: DECIMAL(18,8); post_only: BOOLEAN; stp: string) with the
values of the orders the producer wrote and null where an order leaves
the field out, and the status dataset with every status record match
wrote. An archive that mixes days written before the rule columns
(tests: pkg/parquet/testdata/orders-v1, from bourse 221f7b7) with new
days reads, schemas unified, with nulls in the old rows.
"""

import datetime as dt
import json
import os
import pathlib
import shutil
import subprocess
from decimal import Decimal

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from reader_rows import reader_rows

ROOT = pathlib.Path(__file__).resolve().parents[2]
V1 = ROOT / "pkg" / "parquet" / "testdata" / "orders-v1"
UTC = dt.timezone.utc
SESSION = "09:00-09:08/09:15-09:40@Z"
ORDER_COLUMNS = ["instrument", "id", "order_timestamp", "action", "stop_price", "display_quantity", "post_only", "stp"]
STATUS_COLUMNS = ["instrument", "phase", "time"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("bourse-rules")
    binary = d / "bourse"
    subprocess.run([os.environ.get("GO", "go"), "build", "-o", str(binary), "./cmd/bourse"], cwd=ROOT, check=True)

    def bourse(*args):
        subprocess.run([str(binary), *args], check=True, stderr=subprocess.DEVNULL)

    b = d / "batches"
    bourse("produce", "--count", "6000", "--seed", "11", "--profile", "exchange", "--start", "2023-03-14T08:58:00Z",
           "--step-ms", "500", "--quiet", "--out", str(d / "orders.jsonl"), "--batch-dir", str(b), "--batch-size", "2500")
    bourse("match", "--quiet", "--in", str(d / "orders.jsonl"), "--out", str(d / "trades.jsonl"),
           "--status", str(d / "status.jsonl"), "--session", SESSION, "--batch-dir", str(b))
    bourse("archive", "--batch-dir", str(b), "--archive-dir", str(d / "archive"))
    orders = read_jsonl(d / "orders.jsonl")
    status = read_jsonl(d / "status.jsonl")
    for field in ["stop_price", "display_quantity", "post_only", "stp"]:
        assert any(field in o for o in orders), f"the run has no order with {field}"
    assert {s["phase"] for s in status} >= {"PRE_OPEN", "BUFFER", "CONTINUOUS", "CLOSED"}, status
    return d / "archive", orders, status


def read_jsonl(path):
    return [json.loads(l, parse_float=Decimal) for l in path.read_text().splitlines()]


def ts(s):
    return dt.datetime.fromisoformat(s).astimezone(UTC)


def dec(v):
    return None if v is None else Decimal(v).quantize(Decimal("1e-8"))


def expected_orders(orders):
    """The orders as the readers return them: null for an absent rule field
    (post_only false is absent too)."""
    rows = [(o["instrument"], o["id"], ts(o["order_timestamp"]), o["action"], dec(o.get("stop_price")),
             dec(o.get("display_quantity")), o.get("post_only") or None, o.get("stp")) for o in orders]
    return sorted(rows, key=repr)


def expected_status(status):
    return sorted(((s["instrument"], s["phase"], ts(s["time"])) for s in status), key=repr)


def got_rows(records, columns):
    return reader_rows(records, columns)


def test_pyarrow_rule_columns_and_status(run):
    root, orders, status = run
    table = ds.dataset(root / "orders", format="parquet", partitioning="hive").to_table()
    types = {f.name: f.type for f in table.schema}
    assert types["stop_price"] == types["display_quantity"] == pa.decimal128(18, 8)
    assert types["post_only"] == pa.bool_() and types["stp"] == pa.string()
    assert table.num_rows == len(orders)
    assert table.column("stop_price").null_count == sum("stop_price" not in o for o in orders)
    assert got_rows(table.to_pylist(), ORDER_COLUMNS) == expected_orders(orders)
    st = ds.dataset(root / "status", format="parquet", partitioning="hive").to_table()
    assert st.schema.field("time").type == pa.timestamp("ms", tz="UTC") and st.schema.field("phase").type == pa.string()
    assert got_rows(st.to_pylist(), STATUS_COLUMNS) == expected_status(status)


def test_pandas_rule_columns_and_status(run):
    root, orders, status = run
    df = pd.read_parquet(root / "orders")
    assert all(isinstance(v, Decimal) for v in df["stop_price"].dropna())
    assert set(df["post_only"].dropna()) == {True}
    assert set(df["stp"].dropna()) <= {"CANCEL_NEWEST", "CANCEL_OLDEST", "CANCEL_BOTH"}
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    assert got_rows(records, ORDER_COLUMNS) == expected_orders(orders)
    st = pd.read_parquet(root / "status")
    assert isinstance(st["time"].dtype, pd.DatetimeTZDtype) and str(st["time"].dtype.tz) == "UTC"
    assert got_rows(st.astype(object).to_dict("records"), STATUS_COLUMNS) == expected_status(status)


def duck(glob, union=False):
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    extra = ", union_by_name = true" if union else ""
    return con, f"read_parquet('{glob}', hive_partitioning = 1{extra})"


def test_duckdb_rule_columns_and_status(run):
    root, orders, status = run
    con, src = duck(root / "orders" / "**" / "*.parquet")
    rel = con.sql(f"SELECT {', '.join(ORDER_COLUMNS)} FROM {src}")
    types = dict(zip(ORDER_COLUMNS, (str(t) for t in rel.types)))
    assert types["stop_price"] == types["display_quantity"] == "DECIMAL(18,8)"
    assert types["post_only"] == "BOOLEAN" and types["stp"] == "VARCHAR"
    assert got_rows((dict(zip(ORDER_COLUMNS, r)) for r in rel.fetchall()), ORDER_COLUMNS) == expected_orders(orders)
    # An analyst's question: how many stop orders per instrument.
    stops = dict(con.execute(f"SELECT instrument, count(*) FROM {src} WHERE stop_price IS NOT NULL GROUP BY 1").fetchall())
    want = {}
    for o in orders:
        if "stop_price" in o:
            want[o["instrument"]] = want.get(o["instrument"], 0) + 1
    assert stops == want
    con, src = duck(root / "status" / "**" / "*.parquet")
    rel = con.sql(f"SELECT {', '.join(STATUS_COLUMNS)} FROM {src}")
    assert [str(t) for t in rel.types] == ["VARCHAR", "VARCHAR", "TIMESTAMP WITH TIME ZONE"]
    assert got_rows((dict(zip(STATUS_COLUMNS, r)) for r in rel.fetchall()), STATUS_COLUMNS) == expected_status(status)


def test_archive_mixing_days_before_the_rule_columns(run, tmp_path):
    """Old days (no rule columns) and new days in one archive: DuckDB with
    union_by_name and pyarrow with the new files' schema read every row,
    the old ones with null rule columns."""
    root, orders, _ = run
    mixed = tmp_path / "orders"
    shutil.copytree(root / "orders", mixed)
    shutil.copytree(V1 / "archive" / "orders" / "dt=2023-03-13", mixed / "dt=2023-03-13")
    old = read_jsonl(V1 / "orders.jsonl")
    con, src = duck(mixed / "**" / "*.parquet", union=True)
    got = con.execute(
        f"SELECT dt, count(*), count(stop_price), count(display_quantity), count(post_only), count(stp) "
        f"FROM {src} GROUP BY dt ORDER BY dt").fetchall()
    new = lambda f: sum(f in o for o in orders)
    assert [tuple(map(str, r[:1])) + r[1:] for r in got] == [
        ("2023-03-13", len(old), 0, 0, 0, 0),
        ("2023-03-14", len(orders), new("stop_price"), new("display_quantity"), new("post_only"), new("stp")),
    ]
    schema = pq.read_schema(next((mixed / "dt=2023-03-14").rglob("*.parquet")))
    table = ds.dataset(mixed, format="parquet", partitioning="hive", schema=schema.append(pa.field("dt", pa.string()))
                       .append(pa.field("instrument", pa.string()))).to_table()
    assert table.num_rows == len(old) + len(orders)
    old_rows = table.filter(ds.field("dt") == "2023-03-13")
    assert old_rows.num_rows == len(old)
    for c in ["stop_price", "display_quantity", "post_only", "stp"]:
        assert old_rows.column(c).null_count == len(old), c
