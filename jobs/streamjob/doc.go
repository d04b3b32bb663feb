// Package streamjob wires a stream job (match, sma, profit) to its
// transports: it takes the job's declaration (Job: its input and the kinds
// it outputs) and its processor factory, and runs them over JSON Lines
// files or archived batches in file mode (pkg/stream), or exactly-once over
// Kafka (pkg/kafka's runner, the one consume-process-commit loop), with
// the Arrow micro-batch sink (pkg/columnar) beside either, and reports a
// summary. A job package only supplies its Job, its factory and its rules.
package streamjob
