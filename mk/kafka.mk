# Real Apache Kafka 4.x broker (single-node KRaft) for the tier-3 tests and benchmarks.
# Fetched from Maven Central with mvn on first use; see scripts/kafka/README.md.
KAFKA_PORT    ?= 9092
KAFKA_BROKERS ?= 127.0.0.1:$(KAFKA_PORT)
export KAFKA_PORT

.PHONY: kafka-up kafka-down kafka-status kafka-logs kafka-fetch kcat kcat-check test-kafka

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
