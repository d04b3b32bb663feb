"""Daily archive: turn the previous day's Arrow micro-batches into Parquet.

Runs ``bourse archive`` once a day at 00:30 UTC, half an hour after midnight
so that the day's last micro-batch run has finished. It archives every
dataset the jobs keep (orders with their exchange-rule columns, trades,
events, book, status, bars, sma, profit, rejects). In Airflow 3 a cron
schedule triggers runs whose logical date is the moment they fire (a
``CronTriggerTimetable``; Airflow 2's data intervals put it one period
earlier): the run of 2026-03-13 00:30 has ``ds`` = 2026-03-13, so the day to
archive is ``ds - 1``. A manual run may name the day in the ``date`` param.
"""

from __future__ import annotations

from datetime import datetime, timezone

import bourse_settings as bs
from airflow.sdk import DAG, CronTriggerTimetable, Param

S = bs.load()

#: The day to archive: the ``date`` param, else the day before the run's.
ARCHIVE_DATE = "{{ params.date or macros.ds_add(ds, -1) }}"

with DAG(
    dag_id="bourse_archive",
    description="bourse archive of the previous day's micro-batches (Parquet)",
    schedule=CronTriggerTimetable("30 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args=bs.default_args(S),
    params={
        "date": Param(
            "",
            type="string",
            pattern=r"^(\d{4}-\d{2}-\d{2})?$",
            description="Day to archive (YYYY-MM-DD); empty means the day before the run.",
        ),
    },
    tags=["bourse", "archive"],
    doc_md=__doc__,
) as dag:
    archive = bs.bourse_task(
        S,
        "archive",
        ["archive", "--batch-dir", S.batch_dir, "--archive-dir", S.archive_dir, "--date", ARCHIVE_DATE],
        deadline_seconds=S.archive_deadline_seconds,
    )
