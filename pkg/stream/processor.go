package stream

import "github.com/bourse/bourse/pkg/record"

// Record is one input record handed to a Processor.
type Record struct {
	Key        []byte
	Value      []byte
	Source     string // topic name or file path, for reject reports
	Partition  int32  // Kafka partition; 0 in file mode
	Offset     int64  // Kafka offset, or 1-based line number in file mode
	Time       int64  // record timestamp in Unix ms, 0 if unknown (match uses it only as the reference of its clock-skew check)
	Partitions int32  // partition count of the input topic; 0 in file mode
	// Decoded, when not nil, is the record already decoded (a replayed
	// archive row: *record.Order or *record.Trade) and Value is empty; a
	// processor uses it in place of decoding Value, and renders it as
	// JSON where it needs the record's text (a reject's raw).
	Decoded any
}

// Processor is the pure, deterministic core of a stream job for one input
// partition. It must not do I/O, read clocks or start goroutines, and must
// never panic on bad input: a bad record becomes a reject.
type Processor interface {
	// Process handles one input record and emits what follows from it.
	Process(rec *Record, out record.Emitter)
	// Flush emits everything still open at the end of a finite input
	// (file mode; or a bounded Kafka run asked to flush).
	Flush(out record.Emitter)
	// End is called once at the end of a bounded Kafka run for each input
	// partition that had records in the run, after its last record and in
	// the same transaction: it emits what marks the end of a run (match:
	// book snapshots) and, unlike Flush, closes nothing. File mode calls
	// Flush only, which includes what End does.
	End(out record.Emitter)
	// Snapshot appends an encoding of the processor's whole state to b.
	Snapshot(b []byte) []byte
	// Restore replaces the processor's state with a snapshot's.
	Restore(snapshot []byte) error
}

// Factory makes a fresh Processor for one input partition.
type Factory func(partition int32) Processor
