"""pytest setup for the DAG tests: an isolated Airflow, one parsed DagBag."""

from __future__ import annotations

import pytest

import dagtools

dagtools.isolate_airflow()


@pytest.fixture(scope="session")
def dagbag():
    """All DAGs of dags/, parsed once with default settings."""
    return dagtools.load_dagbag()


@pytest.fixture
def set_variables(monkeypatch):
    """A function that sets ``bourse_*`` Variables through AIRFLOW_VAR_* env."""

    def set_vars(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(f"AIRFLOW_VAR_BOURSE_{key.upper()}", value)

    return set_vars
