// Package match is the match maker job: orders in, trades and execution
// reports out.
//
// Processor is its pure core for one input partition: it decodes each
// order, validates it against the instruments reference, and submits it to
// the order book of its instrument (pkg/book), which emits trades and
// execution reports. Run wires the processor to files or Kafka through
// jobs/runner; the processor never knows which.
package match
