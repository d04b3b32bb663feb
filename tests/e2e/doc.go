// Package e2e holds the end-to-end tests of the bourse binary on Kafka:
// Kafka mode against file mode, kill -9 crash safety, a non-Go client
// (kcat), bad records on the orders topic and two match processes in one
// group. They run against the broker in BOURSE_KAFKA_BROKERS (the real
// Apache Kafka of `make kafka-up` in CI, where BOURSE_REQUIRE_KAFKA=1 makes
// an unreachable broker a failure) or, when it is unset, against an
// embedded broker started by the test binary.
package e2e
