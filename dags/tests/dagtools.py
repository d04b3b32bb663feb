"""Helpers shared by the DAG tests and the pod tests (tests/pods).

``isolate_airflow()`` must run before anything imports ``airflow``: it gives
Airflow a throw-away home with no examples, points DAGS_FOLDER at ``dags/``
and clears ``bourse_*`` Variables from the environment. No metadata database
is created or needed: DAG files are parsed by Airflow's own DagBag, and pods
are rendered by the operator itself (``build_pod_request_obj``) without a
cluster.
"""

from __future__ import annotations

import copy
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

DAGS_DIR = Path(__file__).resolve().parent.parent
VAR_PREFIX = "AIRFLOW_VAR_BOURSE_"


def isolate_airflow() -> None:
    """Point Airflow at a temporary home and at this repository's dags/."""
    home = tempfile.mkdtemp(prefix="bourse-airflow-home-")
    os.environ["AIRFLOW_HOME"] = home
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS_DIR)
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
    # The dag processor puts the bundle (dags/) on sys.path; so do we, for
    # tests that import bourse_settings directly.
    if str(DAGS_DIR) not in sys.path:
        sys.path.append(str(DAGS_DIR))
    for name in list(os.environ):
        if name.upper().startswith(VAR_PREFIX):
            del os.environ[name]


def load_dagbag(path: Path | None = None):
    """Parse the DAG files the way the dag processor does (bundle on sys.path)."""
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(path or DAGS_DIR), bundle_path=DAGS_DIR)


def run_context(dag, ds: str = "2026-03-13", **params: Any) -> dict[str, Any]:
    """The part of a task's template context the bourse DAGs use."""
    from airflow.sdk.execution_time import macros

    bound = copy.deepcopy(dag.params)
    for key, value in params.items():
        bound[key] = value
    return {"params": bound.validate(), "ds": ds, "macros": macros, "dag": dag}


def render_pod(task, context: dict[str, Any] | None = None):
    """The V1Pod the operator would create, templates rendered with ``context``."""
    task = copy.deepcopy(task)
    if context is not None:
        task.render_template_fields(context)
    return task.build_pod_request_obj(dry_run=True)


def pod_dict(pod) -> dict[str, Any]:
    """A V1Pod as the plain dict (camelCase keys) sent to the Kubernetes API."""
    from kubernetes.client import ApiClient

    return ApiClient().sanitize_for_serialization(pod)
