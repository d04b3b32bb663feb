"""bourse_simulation: manual, topics create >> produce with params."""

from __future__ import annotations

import pytest

import dagtools
import podchecks


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags["bourse_simulation"]


def test_schedule(dag):
    assert dag.timetable.can_be_scheduled is False  # schedule=None: manual only
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert set(dag.tags) == {"bourse", "simulation"}


def test_tasks_and_dependencies(dag):
    assert set(dag.task_ids) == {"topics_create", "produce"}
    assert dag.get_task("topics_create").downstream_task_ids == {"produce"}
    assert dag.get_task("produce").upstream_task_ids == {"topics_create"}
    for task in dag.tasks:
        assert task.retries == 2


def test_param_defaults(dag):
    assert dag.params.validate() == {"count": 10000, "rate": 1000, "seed": 1, "partitions": 6, "replication": 1}


def test_pods_with_params(dag):
    ctx = dagtools.run_context(dag, count=500, rate=50, seed=42)
    topics = dagtools.pod_dict(dagtools.render_pod(dag.get_task("topics_create"), ctx))
    produce = dagtools.pod_dict(dagtools.render_pod(dag.get_task("produce"), ctx))
    for pod in (topics, produce):
        podchecks.assert_standard_pod(pod, pvc=None, deadline=3600)
    assert podchecks.container(topics)["args"] == [
        "topics", "create", "--brokers", "kafka:9092", "--partitions", "6", "--replication", "1",
    ]
    assert podchecks.container(produce)["args"] == [
        "produce", "--brokers", "kafka:9092", "--count", "500", "--rate", "50", "--seed", "42", "--quiet",
    ]


@pytest.mark.parametrize("bad", [{"count": 0}, {"count": "many"}, {"seed": -1}, {"rate": 0}])
def test_params_reject_bad_values(dag, bad):
    from airflow.sdk.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError):
        dagtools.run_context(dag, **bad)
