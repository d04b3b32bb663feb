"""docker-compose.airflow.yml: Airflow 3's official layout plus Kafka."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.airflow.yml"
AIRFLOW = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
}


@pytest.fixture(scope="module")
def compose():
    with COMPOSE.open() as f:
        return yaml.safe_load(f)  # resolves the x-airflow-common anchors


def test_services(compose):
    assert set(compose["services"]) == {*AIRFLOW, "airflow-init", "postgres", "kafka"}


@pytest.mark.parametrize(("service", "command"), sorted(AIRFLOW.items()))
def test_airflow_services_share_the_common_block(compose, service, command):
    common = compose["x-airflow-common"]
    svc = compose["services"][service]
    assert svc["command"] == command
    assert svc["image"] == common["image"]
    assert "apache/airflow:3." in svc["image"]
    assert svc["environment"] == common["environment"]
    assert "healthcheck" in svc
    assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert svc["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"


def test_common_environment(compose):
    env = compose["x-airflow-common"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql+psycopg2://airflow:airflow@postgres/")
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert env["AIRFLOW__CORE__LOAD_EXAMPLES"] == "false"
    assert "kube_config_path" in env["AIRFLOW_CONN_KUBERNETES_DEFAULT"]
    assert "AIRFLOW_VAR_BOURSE_IMAGE" in env and "AIRFLOW_VAR_BOURSE_BROKERS" in env


def _mounts(volumes):
    """{target: source} of short-syntax volumes (sources may hold ${VAR:-x})."""
    out = {}
    for v in volumes:
        source, _, target = v.rpartition(":/")  # target: "opt/airflow/dags:ro"
        out["/" + target.split(":")[0]] = source
    return out


def test_dags_folder_is_mounted(compose):
    mounts = _mounts(compose["x-airflow-common"]["volumes"])
    assert mounts["/opt/airflow/dags"].endswith("/dags")
    assert "/home/airflow/.kube" in mounts


def test_init_migrates_the_database(compose):
    init = compose["services"]["airflow-init"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    assert "/entrypoint airflow version" in "".join(init["command"])


def test_postgres(compose):
    pg = compose["services"]["postgres"]
    assert pg["image"].startswith("postgres:")
    assert pg["environment"]["POSTGRES_DB"] == "airflow"
    assert "pg_isready" in pg["healthcheck"]["test"]


def test_kafka_is_single_node_kraft(compose):
    kafka = compose["services"]["kafka"]
    env = kafka["environment"]
    assert kafka["image"].startswith("apache/kafka:")
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == "1@kafka:9093"
    assert "ZOOKEEPER" not in " ".join(env)
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"):
        assert env[key] == 1
    listeners = env["KAFKA_LISTENERS"]
    assert "CONTROLLER://:9093" in listeners and "INTERNAL://:9092" in listeners
