// Command ready waits until a real Kafka broker answers, and manages the
// topics that the make targets around it need.
//
// `make kafka-up` (scripts/kafka/kafka.sh) builds it into
// .cache/kafka/bin/kafka-ready and runs it after starting the broker: it
// retries until the broker lists itself in its metadata, accepts a
// CreateTopics for a probe topic, takes one acknowledged record on it and
// deletes it again, or fails with the last error once -timeout has passed
// (or at once when the broker process given by -pid has exited).
//
// With -create or -delete it creates or deletes one topic instead (the kcat
// check uses that, as auto-creation is off on the test broker).
//
// Its tests (txn_test.go) check that the broker's transactions work with
// franz-go: read_committed isolation and the consume-process-produce loop of
// a group transact session. They run against BOURSE_KAFKA_BROKERS (CI sets
// it) or, when it is unset, franz-go's embedded broker (pkg/kafka/kafkatest).
package main
