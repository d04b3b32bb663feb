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

// BatchSink is an Emitter that keeps a job's outputs as micro-batch files,
// one buffer per input partition, published in two phases so that the
// files of a transaction that never committed are never seen:
//
//  1. Seek before each input record: the outputs that follow belong to
//     partition p and carry input offset off (their source offset).
//  2. Stage, before the transaction commits: write the buffered rows of
//     each range's partition as hidden pending files named after the range
//     and the transaction (files[i] are range rs[i]'s); nothing is visible
//     to readers yet. The files are durable once sync has returned nil,
//     which must happen before the transaction commits.
//  3. Publish, after the commit: rename the staged files to their visible
//     names. After an abort, Discard drops the buffers and the staged files.
//
// A crash between the commit and Publish is repaired by Recover when the
// partition is next assigned: the runner passes the files its last
// committed snapshot names (Publish them) and every other pending file of
// the partition is deleted, being from a transaction that never committed.
type BatchSink interface {
	record.Emitter
	Seek(partition int32, off int64)
	Stage(rs []Range, txn string) (files [][]string, sync func() error, err error)
	Publish(files []string) error
	Discard(staged []string) error
	Recover(source string, partition int32, committed []string) error
	Close() error
}
