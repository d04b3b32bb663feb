# Storage: Arrow micro-batches, the Parquet archive and the analysts' readers.
#
#   make test-analytics   generate an archive with tests/analytics/genarchive
#                         (go run), and archives of real bourse runs (sma,
#                         book, exchange rules and status), and read them with
#                         pyarrow, pandas and DuckDB
#                         (pytest tests/analytics, in .venv)
#   make bench-storage    the storage benchmarks (Arrow batch writer, Parquet
#                         archive, pqarrow yardstick): rows/s and bytes/row

.PHONY: test-analytics bench-storage

test: test-analytics

test-analytics: venv
	GO=$(GO) $(VENV_PY) -m pytest -q tests/analytics

bench-storage:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s -count 1 ./pkg/columnar/ ./pkg/parquet/
