# Real Apache Kafka 4.x broker (single-node KRaft) for the tier-3 tests and benchmarks.
# Fetched from Maven Central with mvn on first use; see scripts/kafka/README.md.
KAFKA_PORT    ?= 9092
KAFKA_BROKERS ?= 127.0.0.1:$(KAFKA_PORT)
export KAFKA_PORT

.PHONY: kafka-up kafka-down kafka-status kafka-logs kafka-fetch kcat kcat-check test-kafka \
	kafka-cluster-up kafka-cluster-down kafka-cluster-status kafka-cluster-logs test-cluster

# kafka-up starts the broker (idempotent) and prints the bootstrap address.
kafka-up:
	@scripts/kafka/kafka.sh up

kafka-down:
	@scripts/kafka/kafka.sh down

kafka-status:
	@scripts/kafka/kafka.sh status

kafka-logs:
	@scripts/kafka/kafka.sh logs

kafka-fetch:
	@scripts/kafka/kafka.sh fetch

# kcat is the non-Go client the tests use (Debian package kcat).
kcat:
	@scripts/kafka/kafka.sh kcat

kcat-check: kafka-up kcat
	@scripts/kafka/kafka.sh kcat-check

# test-kafka checks the real broker itself with a non-Go client (kcat round
# trip); its franz-go transaction tests (scripts/kafka/ready) run in test-go.
# It leaves the broker up; `make kafka-down` stops it.
test-kafka: kcat-check

test: test-kafka

# A 3-node KRaft cluster (combined broker+controller nodes) beside the single
# broker: ports 19092-19094 (controllers 19192-19194), default replication
# factor 3, min.insync.replicas 2, offsets and transaction state logs alike.
# Data and logs under .cache/kafka-cluster; see scripts/kafka/cluster.sh.
KAFKA_CLUSTER_PORT ?= 19092
export KAFKA_CLUSTER_PORT
CLUSTER_TEST_TIMEOUT ?= 5m

kafka-cluster-up:
	@scripts/kafka/cluster.sh up

kafka-cluster-down:
	@scripts/kafka/cluster.sh down

kafka-cluster-status:
	@scripts/kafka/cluster.sh status

kafka-cluster-logs:
	@scripts/kafka/cluster.sh logs

# test-cluster starts the cluster, runs the cluster fault tests of tests/e2e
# (TestCluster*: a partition leader killed mid-run) against it and stops it,
# whatever the outcome; bounded by CLUSTER_TEST_TIMEOUT plus the start
# (KAFKA_READY_TIMEOUT, 120s) and the stop (30s).
test-cluster:
	@scripts/kafka/cluster.sh up >/dev/null
	@b=$$(scripts/kafka/cluster.sh brokers); \
	BOURSE_KAFKA_BROKERS=$$b BOURSE_KAFKA_CLUSTER_BROKERS=$$b BOURSE_REQUIRE_KAFKA=1 BOURSE_REQUIRE_CLUSTER=1 \
		$(GO) test -count=1 -timeout $(CLUSTER_TEST_TIMEOUT) -run '^TestCluster' -v ./tests/e2e/; \
	rc=$$?; scripts/kafka/cluster.sh down; exit $$rc

test: test-cluster
