"""DuckDB on the archive of a real `bourse` run gives the numbers `bourse sma` gives.

The bourse binary runs produce -> match -> sma (with --batch-dir), then
archive. DuckDB reads the archived sma dataset (it must equal sma.jsonl
exactly) and recomputes every SMA from the archived bars with plain SQL: the
mean of the closes of the bars that start in each hopping window.
"""

import json
import os
import pathlib
import subprocess
from decimal import Decimal

import duckdb
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SLIDE_MS, WINDOW_MS = 5 * 60_000, 10 * 60_000


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    d = tmp_path_factory.mktemp("bourse")
    binary = d / "bourse"
    subprocess.run([os.environ.get("GO", "go"), "build", "-o", str(binary), "./cmd/bourse"], cwd=ROOT, check=True)

    def bourse(*args):
        subprocess.run([str(binary), *args], check=True, stderr=subprocess.DEVNULL)

    b = d / "batches"
    bourse("produce", "--count", "6000", "--seed", "9", "--step-ms", "200", "--quiet", "--out", str(d / "orders.jsonl"))
    bourse("match", "--quiet", "--in", str(d / "orders.jsonl"), "--out", str(d / "trades.jsonl"), "--batch-dir", str(b))
    bourse("sma", "--in", str(d / "trades.jsonl"), "--out", str(d / "sma.jsonl"), "--bars", str(d / "bars.jsonl"), "--batch-dir", str(b))
    bourse("archive", "--batch-dir", str(b), "--archive-dir", str(d / "archive"))
    sma = [json.loads(l, parse_float=Decimal) for l in (d / "sma.jsonl").read_text().splitlines()]
    assert len(sma) > 20, "the run produced too few SMA windows to compare"
    return d / "archive", sma


def ms(ts):
    import datetime as dt
    return int(dt.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000)


def test_sma_dataset_equals_bourse_sma(run):
    arch, sma = run
    rows = duckdb.connect().execute(
        f"SELECT instrument, epoch_ms(window_start), epoch_ms(window_end), sma, bars "
        f"FROM read_parquet('{arch}/sma/**/*.parquet', hive_partitioning = 1) ORDER BY 1, 2"
    ).fetchall()
    want = sorted((s["instrument"], ms(s["window_start"]), ms(s["window_end"]), s["sma"], s["bars"]) for s in sma)
    assert [(r[0], r[1], r[2], Decimal(r[3]), r[4]) for r in rows] == want


def test_duckdb_recomputes_sma_from_bars(run):
    arch, sma = run
    rows = duckdb.connect().execute(f"""
        WITH b AS (
            SELECT instrument, epoch_ms(bar_start) AS start, close
            FROM read_parquet('{arch}/bars/**/*.parquet', hive_partitioning = 1)
        ), w AS (
            SELECT instrument, k * {SLIDE_MS} AS ws, close
            FROM b, UNNEST([start // {SLIDE_MS}, start // {SLIDE_MS} - 1]) AS t(k)
            WHERE k * {SLIDE_MS} <= start AND start < k * {SLIDE_MS} + {WINDOW_MS}
        )
        SELECT instrument, ws, sum(close) AS total, count(*) AS n
        FROM w GROUP BY instrument, ws ORDER BY instrument, ws
    """).fetchall()
    got = {(r[0], r[1]): (Decimal(r[2]) / r[3], r[3]) for r in rows}
    assert len(got) == len(sma)
    for s in sma:
        mean, n = got[(s["instrument"], ms(s["window_start"]))]
        assert n == s["bars"]
        assert abs(mean - s["sma"]) <= Decimal("0.000000005"), (s, mean)
