"""bourse_archive: daily, archives the previous day (Airflow 3 trigger semantics)."""

from __future__ import annotations

from datetime import timedelta

import pendulum
import pytest

import dagtools
import podchecks


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["bourse_archive"]


def test_schedule(dag):
    assert dag.timetable.expression == "30 0 * * *"
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert set(dag.tags) == {"bourse", "archive"}
    assert set(dag.task_ids) == {"archive"}
    assert dag.get_task("archive").retries == 2


def _date_arg(pod) -> str:
    args = podchecks.container(pod)["args"]
    return args[args.index("--date") + 1]


def test_pod(dag):
    pod = dagtools.pod_dict(dagtools.render_pod(dag.get_task("archive"), dagtools.run_context(dag)))
    podchecks.assert_standard_pod(pod, deadline=3600)
    assert podchecks.container(pod)["args"] == [
        "archive", "--batch-dir", "/data/batches", "--archive-dir", "/data/archive", "--date", "2026-03-12",
    ]


def test_scheduled_run_archives_the_day_before_it_fires(dag):
    """Ask the scheduler's own timetable for the next run; render its ``ds``."""
    from airflow.serialization.decoders import decode_timetable
    from airflow.serialization.encoders import encode_timetable
    from airflow.timetables.base import TimeRestriction

    timetable = decode_timetable(encode_timetable(dag.timetable))
    earliest = pendulum.datetime(2026, 3, 12, 23, 0, tz="UTC")
    info = timetable.next_dagrun_info(
        last_automated_data_interval=None,
        restriction=TimeRestriction(earliest=earliest, latest=None, catchup=True),
    )
    assert info.run_after == pendulum.datetime(2026, 3, 13, 0, 30, tz="UTC")
    logical_date = info.data_interval.start  # what the run's ``ds`` is made of
    ds = logical_date.strftime("%Y-%m-%d")
    pod = dagtools.pod_dict(dagtools.render_pod(dag.get_task("archive"), dagtools.run_context(dag, ds=ds)))
    assert _date_arg(pod) == (info.run_after - timedelta(days=1)).strftime("%Y-%m-%d") == "2026-03-12"


def test_date_param_overrides(dag):
    ctx = dagtools.run_context(dag, date="2026-01-05")
    pod = dagtools.pod_dict(dagtools.render_pod(dag.get_task("archive"), ctx))
    assert _date_arg(pod) == "2026-01-05"


@pytest.mark.parametrize("bad", ["2026-1-5", "yesterday", "2026-01-05; rm -rf /"])
def test_date_param_rejects_malformed(dag, bad):
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        dagtools.run_context(dag, date=bad)
