"""Every DAG file imports cleanly and defines the expected DAGs."""

from __future__ import annotations

import dagtools

EXPECTED = {"bourse_microbatch", "bourse_archive", "bourse_simulation"}


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_expected_dags(dagbag):
    assert set(dagbag.dag_ids) == EXPECTED


def test_each_pipeline_file_holds_one_dag(dagbag):
    files = {dag.fileloc.rsplit("/", 1)[-1] for dag in dagbag.dags.values()}
    assert files == {f"{dag_id}.py" for dag_id in EXPECTED}


def test_every_task_is_a_bourse_pod(dagbag):
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

    for dag in dagbag.dags.values():
        assert dag.tasks, dag.dag_id
        for task in dag.tasks:
            assert isinstance(task, KubernetesPodOperator), task.task_id
            assert task.image == "bourse:latest"
            assert task.on_finish_action.value == "delete_succeeded_pod"


def test_parse_needs_no_database_or_cluster(tmp_path):
    """A second parse, in the same isolated home, finds no metadata DB file."""
    import os

    bag = dagtools.load_dagbag()
    assert bag.import_errors == {}
    home = os.environ["AIRFLOW_HOME"]
    assert not any(name.endswith(".db") for name in os.listdir(home))
