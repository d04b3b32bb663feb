"""bourse_settings: defaults, Variable overrides, bad values."""

from __future__ import annotations

import pytest

import bourse_settings as bs
import dagtools
import podchecks


def test_defaults_without_variables():
    assert bs.load() == bs.Settings()


@pytest.mark.parametrize(
    ("image", "tag"),
    [
        ("bourse", "latest"),
        ("bourse:v1.2.0", "v1.2.0"),
        ("registry.example:5000/team/bourse:abc123", "abc123"),
        ("registry.example:5000/team/bourse", "latest"),
        ("bourse:v1@sha256:0123", "v1"),
    ],
)
def test_image_tag(image, tag):
    assert bs.Settings(image=image).image_tag == tag


def test_variables_override_every_kind(set_variables):
    set_variables(
        image="registry.example/bourse:v9",
        brokers="b1:9092,b2:9092",
        retries="5",
        kafka_tls="true",
        microbatch_deadline_seconds="200",
    )
    s = bs.load()
    assert s.image == "registry.example/bourse:v9"
    assert s.brokers == "b1:9092,b2:9092"
    assert s.retries == 5
    assert s.kafka_tls is True
    assert s.microbatch_deadline_seconds == 200
    assert s.namespace == "bourse"  # untouched


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("retries", "abc", "bourse_retries: want an integer"),
        ("retries", "-1", "bourse_retries: want a non-negative integer"),
        ("kafka_tls", "maybe", "bourse_kafka_tls: want true or false"),
        ("image", " ", "bourse_image: want an image reference"),
        ("brokers", "", "bourse_brokers: want host:port"),
    ],
)
def test_bad_variable_is_a_clear_error(set_variables, name, value, message):
    set_variables(**{name: value})
    with pytest.raises(ValueError, match=message):
        bs.load()


def test_overrides_reach_the_rendered_pods(set_variables):
    set_variables(
        image="registry.example/bourse:v9",
        namespace="exchange",
        brokers="kafka-0.kafka:9093",
        kafka_secret="exchange-kafka",
        data_pvc="exchange-data",
        data_mount="/srv",
        batch_dir="/srv/b",
        retries="4",
        cpu_limit="2",
        threads="2",
        memory_limit="3Gi",
    )
    bag = dagtools.load_dagbag()
    assert bag.import_errors == {}
    dag = bag.dags["bourse_microbatch"]
    task = dag.get_task("sma")
    assert task.retries == 4
    pod = dagtools.pod_dict(dagtools.render_pod(task, dagtools.run_context(dag)))
    podchecks.assert_standard_pod(
        pod,
        image="registry.example/bourse:v9",
        namespace="exchange",
        secret="exchange-kafka",
        pvc="exchange-data",
        mount="/srv",
        deadline=240,
    )
    c = podchecks.container(pod)
    assert c["args"] == ["sma", "--brokers", "kafka-0.kafka:9093", "--batch-dir", "/srv/b", "--threads", "2", "--txn-id", "bourse-sma"]
    assert c["resources"]["limits"] == {"cpu": "2", "memory": "3Gi"}
    assert pod["metadata"]["labels"]["app.kubernetes.io/version"] == "v9"


def test_empty_secret_name_means_no_credentials(set_variables):
    set_variables(kafka_secret="")
    bag = dagtools.load_dagbag(dagtools.DAGS_DIR / "bourse_simulation.py")
    dag = bag.dags["bourse_simulation"]
    pod = dagtools.pod_dict(dagtools.render_pod(dag.get_task("produce"), dagtools.run_context(dag)))
    podchecks.assert_standard_pod(pod, secret=None, pvc=None, deadline=3600)


def test_bourse_task_needs_a_subcommand():
    with pytest.raises(ValueError, match="want a bourse subcommand"):
        bs.bourse_task(bs.Settings(), "empty", [], deadline_seconds=1)


def test_session_reaches_match_only(set_variables):
    """``bourse_session`` turns on match's trading phases (and so the status
    dataset the archive DAG keeps); sma and profit take no session."""
    set_variables(session="nse")
    bag = dagtools.load_dagbag()
    assert bag.import_errors == {}
    dag = bag.dags["bourse_microbatch"]
    args = {job: podchecks.container(dagtools.pod_dict(dagtools.render_pod(dag.get_task(job), dagtools.run_context(dag))))["args"]
            for job in ("match", "sma", "profit")}
    assert args["match"] == ["match", "--brokers", "kafka:9092", "--batch-dir", "/data/batches", "--threads", "1",
                             "--session", "nse", "--txn-id", "bourse-match"]
    assert "--session" not in args["sma"] and "--session" not in args["profit"]
