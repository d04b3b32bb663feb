"""pytest setup for the pod tests: the DAG test helpers, an isolated Airflow.

Environment:
  BOURSE_IMAGE          image to play (default localhost/bourse:latest, from `make images`)
  BOURSE_KAFKA_BROKERS  local broker (default 127.0.0.1:9092, from `make kafka-up`)
  BOURSE_REQUIRE_PODS   1: a missing podman, image, broker or kcat fails the run
                        instead of skipping it (set by `make test-pods` under CI)
"""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "dags" / "tests"))

import dagtools  # noqa: E402

dagtools.isolate_airflow()

import podrun  # noqa: E402

from podrun import BROKERS, IMAGE, unavailable  # noqa: E402


@pytest.fixture(scope="session")
def dagbag():
    bag = dagtools.load_dagbag()
    assert bag.import_errors == {}
    return bag


@pytest.fixture(scope="session")
def podman():
    p = podrun.Podman()
    if not p.binary:
        unavailable("podman is not installed (make podman)")
    if not p.image_exists(IMAGE):
        unavailable(f"image {IMAGE} is missing (make images)")
    return p


@pytest.fixture(scope="session")
def broker():
    host, _, port = BROKERS.split(",")[0].rpartition(":")
    deadline = time.monotonic() + 30  # a broker restarting comes back in seconds
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
            return BROKERS
        except OSError as err:
            if time.monotonic() > deadline:
                unavailable(f"no Kafka broker at {BROKERS} ({err}; make kafka-up)")
            time.sleep(1)
