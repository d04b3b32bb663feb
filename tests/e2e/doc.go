// Package e2e holds the end-to-end tests of the bourse binary on Kafka:
// Kafka mode against file mode, kill -9 crash safety, a non-Go client
// (kcat), bad records on the orders topic and two match processes in one
// group. They take their broker from pkg/kafka/kafkatest: the one in
// BOURSE_KAFKA_BROKERS (the real Apache Kafka of `make kafka-up` in CI; an
// unreachable one fails the run), or, when it is unset, an embedded broker
// started by the test binary (never in CI: BOURSE_REQUIRE_KAFKA=1 fails
// instead).
//
// The fault tests (faults_test.go, cluster_test.go) run the production
// path of the micro-batch DAG — bounded runs with --batch-dir and a fixed
// --txn-id — through kill -9 of the job, a full batch disk (a tmpfs; root
// needed), a frozen and a killed broker (a private one started with
// scripts/kafka/cluster.sh) and a dead member left in the group, and check
// what exit code 0 promises: the group committed every input partition to
// its end offset, the topics equal file mode, and the Parquet archive of
// the batch directory holds every file-mode row exactly once. The cluster
// test needs the 3-node cluster of `make test-cluster`
// (BOURSE_KAFKA_CLUSTER_BROKERS). Randomized tests log their seed;
// BOURSE_FAULT_SEED replays one.
package e2e
