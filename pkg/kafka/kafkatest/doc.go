// Package kafkatest gives every test package its Kafka broker by one rule:
//
//  1. BOURSE_KAFKA_BROKERS set: that broker (the real Apache Kafka of
//     `make kafka-up` in CI); if none of its addresses answers, the test
//     fails.
//  2. Else BOURSE_REQUIRE_KAFKA=1: the test fails (CI must not fall back).
//  3. Else an embedded broker (franz-go's kfake), one per test, closed at
//     its end.
//
// It never skips. It imports nothing of bourse, so that pkg/kafka's own
// tests can use it.
package kafkatest
