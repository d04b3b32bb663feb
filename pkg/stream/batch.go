package stream

import (
	"fmt"

	"github.com/bourse/bourse/pkg/record"
)

// Range names the input records that a batch of outputs came from: a Kafka
// partition's offsets, or a file's lines. First and Last are inclusive.
type Range struct {
	Source    string // topic name, or the input file's base name
	Partition int32
	First     int64
	Last      int64
}

// String gives the range as it appears in batch file names:
// "<source>-p<partition>-<first>-<last>".
func (r Range) String() string {
	return fmt.Sprintf("%s-p%d-%020d-%020d", r.Source, r.Partition, r.First, r.Last)
}

// BatchSink is an Emitter that keeps a job's outputs as micro-batches.
//
// Runners call Flush after every output of a range of input has been
// emitted and before that range is committed. Flush makes the batch durable
// and visible atomically, and is idempotent: the same range flushed again
// (after a crash) replaces the same files rather than adding new ones.
// Ranges from an aborted and retried transaction may overlap earlier ones;
// readers de-duplicate by range.
type BatchSink interface {
	record.Emitter
	Flush(r Range) error
	Close() error
}
