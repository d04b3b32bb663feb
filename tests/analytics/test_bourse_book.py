"""The analysts' readers on the archived book dataset of a real `bourse` run.

The bourse binary runs produce -> match --book --book-snapshots --batch-dir,
then archive, on an instruments reference whose prices and quantities need
all 8 decimals (FINE: tick 0.00000001, lot 0.001), large ones (BIG: tick 0.5,
lot 1000, near 987,654.5) and the usual (TCS: tick 0.01, lot 1). pyarrow,
pandas and DuckDB must read the archived `book` dataset with its types (UTC
timestamps, exact decimals, unsigned seq, side) and hold exactly one row per
level of match's --book updates; and a DuckDB query that replays the level
changes of an instrument up to seq S (the last quantity per side and price,
quantity > 0, best first) must give the depth of the snapshot match emitted
at seq S (--book-snapshots).
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
import pytest

from reader_rows import reader_rows

ROOT = pathlib.Path(__file__).resolve().parents[2]
UTC = dt.timezone.utc
DEPTH = 10  # --book-depth: levels per side in a snapshot
REFERENCE = """symbol,tick_size,lot_size,ref_price
TCS,0.01,1,3500
FINE,0.00000001,0.001,0.12345678
BIG,0.5,1000,987654.5
"""
DECIMALS = ["price", "quantity", "bid", "bid_quantity", "ask", "ask_quantity"]
COLUMNS = ["instrument", "time", "seq", "side", "price", "quantity", "orders",
           "bid", "bid_quantity", "bid_orders", "ask", "ask_quantity", "ask_orders"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("bourse-book")
    binary = d / "bourse"
    subprocess.run([os.environ.get("GO", "go"), "build", "-o", str(binary), "./cmd/bourse"], cwd=ROOT, check=True)

    def bourse(*args):
        subprocess.run([str(binary), *args], check=True, stderr=subprocess.DEVNULL)

    ref = d / "instruments.csv"
    ref.write_text(REFERENCE)
    b = d / "batches"
    bourse("produce", "--instruments", str(ref), "--count", "6000", "--seed", "9", "--step-ms", "200", "--quiet",
           "--out", str(d / "orders.jsonl"))
    bourse("match", "--quiet", "--instruments", str(ref), "--in", str(d / "orders.jsonl"),
           "--out", str(d / "trades.jsonl"), "--book", str(d / "book.jsonl"),
           "--book-snapshots", str(d / "snapshots.jsonl"), "--book-snapshot-every", "100",
           "--book-depth", str(DEPTH), "--batch-dir", str(b))
    bourse("archive", "--batch-dir", str(b), "--archive-dir", str(d / "archive"))
    updates = read_jsonl(d / "book.jsonl")
    snapshots = read_jsonl(d / "snapshots.jsonl")
    assert {u["instrument"] for u in updates} == {"TCS", "FINE", "BIG"}, "an instrument has no book updates"
    assert len(snapshots) >= 30, "the run produced too few book snapshots to compare"
    return d / "archive" / "book", updates, snapshots


def read_jsonl(path):
    return [json.loads(l, parse_float=Decimal) for l in path.read_text().splitlines()]


def ts(s):
    return dt.datetime.fromisoformat(s).astimezone(UTC)


def dec(v):
    """A decimal as the readers return it: DECIMAL(18, 8)."""
    return Decimal(v).quantize(Decimal("1e-8"))


def expected_rows(updates):
    """One row per changed level; bid*/ask* are 0 when that side is empty."""
    rows = []
    for u in updates:
        for l in u["levels"]:
            rows.append((u["instrument"], ts(u["time"]), u["seq"], l["side"], dec(l["price"]), dec(l["quantity"]),
                         l["orders"], dec(u.get("bid", 0)), dec(u.get("bid_quantity", 0)), u.get("bid_orders", 0),
                         dec(u.get("ask", 0)), dec(u.get("ask_quantity", 0)), u.get("ask_orders", 0)))
    return sorted(rows, key=row_key)


def row_key(r):
    return r[0], r[2], r[3], r[4]  # instrument, seq, side, price: unique


def got_rows(records):
    return reader_rows(records, COLUMNS, key=row_key)


def test_pyarrow_book(run):
    root, updates, _ = run
    table = ds.dataset(root, format="parquet", partitioning="hive").to_table()
    types = {f.name: f.type for f in table.schema}
    assert types["time"] == pa.timestamp("ms", tz="UTC"), types["time"]
    assert types["seq"] == pa.uint64(), types["seq"]
    assert types["side"] == pa.string(), types["side"]
    assert types["orders"] == pa.int64() and types["bid_orders"] == pa.int64() and types["ask_orders"] == pa.int64()
    for c in DECIMALS:
        assert types[c] == pa.decimal128(18, 8), (c, types[c])
    assert pa.types.is_string(types["instrument"]), types["instrument"]
    assert set(table.column("side").to_pylist()) == {"BUY", "SELL"}
    assert got_rows(table.to_pylist()) == expected_rows(updates)


def test_pandas_book(run):
    root, updates, _ = run
    df = pd.read_parquet(root)
    assert isinstance(df["time"].dtype, pd.DatetimeTZDtype) and str(df["time"].dtype.tz) == "UTC", df["time"].dtype
    assert df["seq"].dtype == "uint64", df["seq"].dtype
    for c in ["orders", "bid_orders", "ask_orders"]:
        assert df[c].dtype == "int64", (c, df[c].dtype)
    for c in DECIMALS:
        assert all(isinstance(v, Decimal) for v in df[c]), c
    assert set(df["side"]) == {"BUY", "SELL"}
    records = df.astype(object).to_dict("records")
    assert got_rows(records) == expected_rows(updates)


def duck(root):
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    return con, f"read_parquet('{root}/**/*.parquet', hive_partitioning = 1)"


def test_duckdb_book(run):
    root, updates, _ = run
    con, src = duck(root)
    rel = con.sql(f"SELECT {', '.join(COLUMNS)} FROM {src}")
    types = dict(zip(COLUMNS, (str(t) for t in rel.types)))
    assert types["time"] == "TIMESTAMP WITH TIME ZONE", types["time"]
    assert types["seq"] == "UBIGINT", types["seq"]
    assert types["side"] == "VARCHAR" and types["instrument"] == "VARCHAR"
    assert types["orders"] == types["bid_orders"] == types["ask_orders"] == "BIGINT"
    for c in DECIMALS:
        assert types[c] == "DECIMAL(18,8)", (c, types[c])
    want = expected_rows(updates)
    assert got_rows(dict(zip(COLUMNS, r)) for r in rel.fetchall()) == want
    # Exact decimal arithmetic over the archive: the notional of every
    # changed level equals Python's exact sum. DuckDB gives a product of two
    # DECIMAL(18,8) the type DECIMAL(18,16), which BIG's notionals overflow:
    # widen one side first.
    total = con.execute(f"SELECT sum(CAST(price AS DECIMAL(38,8)) * quantity) FROM {src}").fetchone()[0]
    assert total == sum(r[4] * r[5] for r in want)
    # Each row sits in the day partition of its own UTC time.
    bad = con.execute(f"SELECT count(*) FROM {src} WHERE CAST(time AS DATE) <> CAST(dt AS DATE)").fetchone()[0]
    assert bad == 0


BOOK_AT = """
SELECT side, price, quantity, orders FROM (
    SELECT side, price, arg_max(quantity, seq) AS quantity, arg_max(orders, seq) AS orders
    FROM {src}
    WHERE instrument = $instrument AND seq <= $seq
    GROUP BY side, price
)
WHERE quantity > 0
QUALIFY row_number() OVER (PARTITION BY side ORDER BY CASE side WHEN 'BUY' THEN -price ELSE price END) <= $depth
ORDER BY side, CASE side WHEN 'BUY' THEN -price ELSE price END
"""


def test_duckdb_rebuilds_book_at_every_snapshot(run):
    """The analyst's replay of the level changes up to seq S gives the depth
    of match's snapshot at seq S, for every snapshot of the run."""
    root, _, snapshots = run
    con, src = duck(root)
    query = BOOK_AT.format(src=src)
    full = 0
    for s in snapshots:
        rows = con.execute(query, {"instrument": s["instrument"], "seq": s["seq"], "depth": DEPTH}).fetchall()
        got = {side: [(p, q, o) for sd, p, q, o in rows if sd == side] for side in ("BUY", "SELL")}
        want = {side: [(dec(l["price"]), dec(l["quantity"]), l["orders"]) for l in s[key]]
                for side, key in (("BUY", "bids"), ("SELL", "asks"))}
        assert got == want, (s["instrument"], s["seq"])
        full += sum(len(v) == DEPTH for v in want.values())
    # The depth limit mattered: many snapshot sides were full.
    assert full >= 10, full
