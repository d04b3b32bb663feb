// Package runner is the one runner all stream jobs (match, sma, profit)
// share: it wires a job's stream.Processor to its transports — JSON Lines
// files or archived batches in file mode, exactly-once Kafka in Kafka mode
// (pkg/kafka) — and to the Arrow micro-batch sink, and reports a summary.
// A job package only supplies its processor factory and its outputs.
package runner
