"""Simulation: create the topics, then produce a seeded stream of orders.

Triggered by hand. ``topics create`` makes every bourse topic (idempotent);
``produce`` publishes the instruments and ``count`` orders at ``rate``
orders per second from a generator seeded with ``seed``: the same params
give the same orders. The micro-batch DAG then picks them up.
"""

from __future__ import annotations

from datetime import datetime, timezone

import bourse_settings as bs
from airflow.sdk import DAG, Param

S = bs.load()

with DAG(
    dag_id="bourse_simulation",
    description="topics create >> produce (count, rate, seed)",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=bs.default_args(S),
    params={
        "count": Param(10000, type="integer", minimum=1, description="Orders to produce."),
        "rate": Param(1000, type="integer", minimum=1, description="Orders per second."),
        "seed": Param(1, type="integer", minimum=0, description="Generator seed."),
        "partitions": Param(6, type="integer", minimum=1, description="Partitions per topic."),
        "replication": Param(1, type="integer", minimum=1, description="Replication factor."),
    },
    tags=["bourse", "simulation"],
    doc_md=__doc__,
) as dag:
    deadline = S.simulation_deadline_seconds
    topics = bs.bourse_task(
        S,
        "topics_create",
        [
            "topics", "create", "--brokers", S.brokers,
            "--partitions", "{{ params.partitions }}",
            "--replication", "{{ params.replication }}",
        ],
        deadline_seconds=deadline,
        volume=False,
    )
    produce = bs.bourse_task(
        S,
        "produce",
        [
            "produce", "--brokers", S.brokers,
            "--count", "{{ params.count }}",
            "--rate", "{{ params.rate }}",
            "--seed", "{{ params.seed }}",
            "--quiet",
        ],
        deadline_seconds=deadline,
        volume=False,
    )

    topics >> produce
