"""Micro-batch pipeline: every five minutes, match new orders, then SMA and profit.

Each task runs one bounded ``bourse`` job in its own pod: it reads its input
topic up to the end offsets seen at start, writes its output topic and an
Arrow micro-batch under the batch directory (on the shared volume), commits,
and exits. ``match`` turns orders into trades; ``sma`` and ``profit`` both
read the trades, so they run side by side after it. One run at a time
(``max_active_runs=1``) and no catch-up: a late run simply finds more records.
"""

from __future__ import annotations

from datetime import datetime, timezone

import bourse_settings as bs
from airflow.sdk import DAG, CronTriggerTimetable

S = bs.load()

with DAG(
    dag_id="bourse_microbatch",
    description="match >> [sma, profit], bounded runs every five minutes",
    schedule=CronTriggerTimetable("*/5 * * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=bs.default_args(S),
    tags=["bourse", "microbatch"],
    doc_md=__doc__,
) as dag:
    common = ["--brokers", S.brokers, "--batch-dir", S.batch_dir]
    deadline = S.microbatch_deadline_seconds
    # One pod per job at a time: a fixed transactional id lets each run
    # fence a crashed predecessor's open transaction at once instead of
    # waiting for it to time out (pod hostnames differ between runs).
    threads = ["--threads", str(S.threads)]
    session = ["--session", S.session] if S.session else []
    match = bs.bourse_task(S, "match", ["match", *common, *threads, *session, "--txn-id", "bourse-match"], deadline_seconds=deadline)
    sma = bs.bourse_task(S, "sma", ["sma", *common, *threads, "--txn-id", "bourse-sma"], deadline_seconds=deadline)
    profit = bs.bourse_task(S, "profit", ["profit", *common, "--txn-id", "bourse-profit"], deadline_seconds=deadline)

    match >> [sma, profit]
