// Package stream is the seam between a job's pure core and its transports.
//
// A Processor is the core of a stream job (match, sma, profit) for one input
// partition: it takes records and emits domain records to a record.Emitter,
// and it can snapshot and restore its state. Runners move records in and
// out: the file runner here reads JSON Lines (or archived batches) and
// writes to sinks; the Kafka runner in pkg/kafka runs the same processors
// exactly-once. Neither the processors nor the cores know which one runs them.
package stream
