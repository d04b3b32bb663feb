"""bourse_microbatch: match >> [sma, profit] every five minutes."""

from __future__ import annotations

import pytest

import dagtools
import podchecks


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["bourse_microbatch"]


def test_schedule(dag):
    from airflow.sdk import CronTriggerTimetable

    assert isinstance(dag.timetable, CronTriggerTimetable)
    assert dag.timetable.expression == "*/5 * * * *"
    assert str(dag.timetable.timezone) == "UTC"
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert set(dag.tags) == {"bourse", "microbatch"}


def test_tasks_and_dependencies(dag):
    assert set(dag.task_ids) == {"match", "sma", "profit"}
    assert dag.get_task("match").downstream_task_ids == {"sma", "profit"}
    assert dag.get_task("match").upstream_task_ids == set()
    for task_id in ("sma", "profit"):
        task = dag.get_task(task_id)
        assert task.upstream_task_ids == {"match"}
        assert task.downstream_task_ids == set()


def test_retries(dag):
    for task in dag.tasks:
        assert task.retries == 2
        assert task.retry_delay.total_seconds() == 30


@pytest.mark.parametrize("job", ["match", "sma", "profit"])
def test_pod(dag, job):
    pod = dagtools.pod_dict(dagtools.render_pod(dag.get_task(job), dagtools.run_context(dag)))
    podchecks.assert_standard_pod(pod, deadline=240)
    threads = [] if job == "profit" else ["--threads", "1"]
    assert podchecks.container(pod)["args"] == [job, "--brokers", "kafka:9092", "--batch-dir", "/data/batches", *threads, "--txn-id", f"bourse-{job}"]
    assert pod["metadata"]["name"].startswith(f"bourse-{job}-")


def test_deadline_fits_the_schedule(dag):
    """A run must be killed before the next five-minute run is due."""
    for task in dag.tasks:
        assert 0 < task.active_deadline_seconds < 300
