# Pipeline benchmarks on the real Apache Kafka broker (tests/kafkabench).
#
#   make bench-kafka                      one run at GOMAXPROCS 2: raw
#                                         produce, produce -> match -> trades
#                                         with --threads 1 and 2, match's CPU
#                                         per order in Kafka and file mode,
#                                         latency at a fixed rate (commit
#                                         interval 100ms, 10ms), the profit
#                                         job at 10,000 instruments; then raw
#                                         produce and the pipeline again at
#                                         GOMAXPROCS 1 (the scaling)
#   make bench-kafka BENCH_KAFKA_COUNT=3  three runs, for medians
#
# It also prints the exactly-once state's figures for books of 10k, 100k
# and 1M resting orders (pkg/kafka): bytes written to the state topic per
# commit with 0.1% of the orders changed, the commit's encoding time, and
# restore (decode + book.Restore) beside replaying the orders.
#
# The broker is started if needed (kafka-up) and left running. Figures go
# to stdout, one `kafkabench:` summary line per run, with the load average.

BENCH_KAFKA_COUNT ?= 1

.PHONY: bench-kafka

bench-kafka: kafka-up
	BOURSE_KAFKA_BROKERS=$(KAFKA_BROKERS) $(GO) test -run '^$$' -bench . -benchtime 1x -cpu 2 \
	  -count $(BENCH_KAFKA_COUNT) -timeout 30m ./tests/kafkabench/
	BOURSE_KAFKA_BROKERS=$(KAFKA_BROKERS) $(GO) test -run '^$$' -bench '^BenchmarkKafka$$/(produce|pipeline)' -benchtime 1x -cpu 1 \
	  -count $(BENCH_KAFKA_COUNT) -timeout 20m ./tests/kafkabench/
	$(GO) test -run '^$$' -bench 'Snapshot(Commit|Restore)' -benchtime 3x -count $(BENCH_KAFKA_COUNT) ./pkg/kafka/
