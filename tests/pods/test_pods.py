"""Pods that really run: the DAGs' own pods, played by podman on this machine.

The simulation DAG's pods (topics create >> produce) fill the local broker,
the micro-batch DAG's pods (match >> [sma, profit]) process it, and the
archive DAG's pod turns the micro-batches into Parquet. Each pod is rendered
by the KubernetesPodOperator, localized (podrun.localize) and played with
``podman kube play``; then the results are checked where a user would look:
trades on the ``trades`` topic (kcat), Arrow micro-batches on the volume
(pyarrow), Parquet partitions in the archive (pyarrow and DuckDB).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import dagtools
import podrun
from podrun import IMAGE, unavailable

TRADE_FIELDS = [
    "trade_id", "instrument", "price", "quantity", "buy_order_id", "sell_order_id",
    "buy_trader_id", "sell_trader_id", "aggressor", "trade_timestamp",
]
ARROW_SUFFIXES = (".arrow", ".arrows", ".ipc", ".feather")


class Run:
    """The shared state of one end-to-end pass: data volume and pod results."""

    def __init__(self, root: Path):
        self.data = root / "data"  # the PVC, as a host directory
        self.manifests = root / "manifests"
        self.data.mkdir()
        self.manifests.mkdir()
        os.chown(self.data, 65532, 65532)  # the pods' user owns its volume, as fsGroup would
        self.results: dict[str, podrun.Result] = {}


@pytest.fixture(scope="module")
def run(tmp_path_factory, podman, broker):
    return Run(tmp_path_factory.mktemp("pods"))


def play(podman, run: Run, dag, task_id: str, broker: str, **params) -> podrun.Result:
    task = dag.get_task(task_id)
    ctx = dagtools.run_context(dag, **params)
    pod = dagtools.pod_dict(dagtools.render_pod(task, ctx))
    local = podrun.localize(pod, image=IMAGE, brokers=broker, data_dir=run.data)
    result = podman.play(local.manifest, run.manifests, timeout=task.active_deadline_seconds)
    run.results[task_id] = result
    assert result.exit_code == 0, f"{dag.dag_id}.{task_id} exited {result.exit_code}:\n{result.logs[-4000:]}"
    return result


def test_image_runs_the_stamped_cli(podman):
    """The image's version label and the binary's stamped version agree."""
    out = podman("run", "--rm", IMAGE, "version", check=False)
    assert out.returncode == 0, f"bourse version: exit {out.returncode}: {out.stderr}"
    printed = (out.stdout + out.stderr).strip()
    labels = json.loads(podman("image", "inspect", IMAGE, "--format", "{{json .Labels}}").stdout)
    version = labels["org.opencontainers.image.version"]
    assert version and version in printed, f"label version {version!r}, bourse version printed {printed!r}"
    user = podman("image", "inspect", IMAGE, "--format", "{{.Config.User}}").stdout.strip()
    assert user == "65532:65532"


def test_simulation_pods(podman, run, dagbag, broker):
    dag = dagbag.dags["bourse_simulation"]
    play(podman, run, dag, "topics_create", broker, partitions=3)
    play(podman, run, dag, "produce", broker, count=2000, rate=20000, seed=7)


def test_microbatch_pods(podman, run, dagbag, broker):
    if "produce" not in run.results:
        pytest.fail("the simulation pods did not run")
    dag = dagbag.dags["bourse_microbatch"]
    for task_id in ("match", "sma", "profit"):  # match >> [sma, profit]
        play(podman, run, dag, task_id, broker)


def test_pods_wrote_as_the_non_root_user(run):
    files = [p for p in run.data.rglob("*") if p.is_file()]
    assert files, f"the micro-batch pods wrote nothing under {run.data}"
    assert {p.stat().st_uid for p in files} == {65532}


def _kcat(broker: str, topic: str) -> list[str]:
    kcat = shutil.which("kcat") or shutil.which("kafkacat")
    if not kcat:
        unavailable("kcat is not installed (make kcat)")
    out = subprocess.run(
        [kcat, "-b", broker, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert out.returncode == 0, f"kcat {topic}: {out.stderr}"
    return [line for line in out.stdout.splitlines() if line.strip()]


def test_trades_on_topic(run, broker):
    if "match" not in run.results:
        pytest.fail("the match pod did not run")
    lines = _kcat(broker, "trades")
    assert lines, "no record on topic trades after the match pod"
    trade = json.loads(lines[-1])
    assert [f for f in trade if f in TRADE_FIELDS] == [f for f in TRADE_FIELDS if f in trade], "contract order"
    for field in ("trade_id", "instrument", "price", "quantity", "trade_timestamp"):
        assert field in trade, f"trade without {field}: {trade}"


def _arrow_tables(root: Path):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    for path in sorted(root.rglob("*")):
        if path.suffix not in ARROW_SUFFIXES or not path.is_file():
            continue
        with pa.memory_map(str(path)) as source:
            try:
                table = ipc.open_file(source).read_all()
            except pa.ArrowInvalid:
                source.seek(0)
                table = ipc.open_stream(source).read_all()
        yield path, table


def test_arrow_micro_batches_on_volume(run):
    if "match" not in run.results:
        pytest.fail("the match pod did not run")
    tables = list(_arrow_tables(run.data))
    assert tables, f"no Arrow file ({', '.join(ARROW_SUFFIXES)}) under {run.data}"
    trades = [(p, t) for p, t in tables if "trade_id" in t.column_names]
    assert trades, f"no Arrow batch with trades among {[str(p) for p, _ in tables]}"
    assert sum(t.num_rows for _, t in trades) > 0


def _trade_days(run: Run) -> list[str]:
    days = set()
    for _, table in _arrow_tables(run.data):
        if "trade_timestamp" in table.column_names:
            for value in table.column("trade_timestamp").to_pylist():
                days.add(value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)[:10])
    return sorted(days)


def test_archive_pod_writes_parquet(podman, run, dagbag, broker):
    days = _trade_days(run)
    assert days, "no trade day found in the micro-batches to archive"
    day = days[0]
    dag = dagbag.dags["bourse_archive"]
    play(podman, run, dag, "archive", broker, date=day)
    archive = run.data / "archive"
    files = sorted(archive.rglob("*.parquet"))
    assert files, f"bourse archive --date {day} wrote no Parquet file under {archive}"
    assert all(f"dt={day}" in str(p) for p in files), [str(p) for p in files]

    import duckdb
    import pyarrow.parquet as pq

    # Every trade of that day's micro-batches is in the archive, once.
    batch_trades = sum(
        t.num_rows for p, t in _arrow_tables(run.data / "batches") if "trade_id" in t.column_names and f"dt={day}" in str(p)
    )
    trade_files = [p for p in files if "trade_id" in pq.read_schema(p).names]
    assert trade_files, f"no Parquet file with trades among {[str(p) for p in files]}"
    rows = sum(pq.read_metadata(p).num_rows for p in trade_files)
    assert rows == batch_trades > 0
    listing = ", ".join(f"'{p}'" for p in trade_files)
    [(count, instruments)] = duckdb.sql(
        f"select count(*), count(distinct instrument) from read_parquet([{listing}], hive_partitioning = true)"
    ).fetchall()
    assert count == rows and instruments > 0
