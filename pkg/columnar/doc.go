// Package columnar holds bourse's Arrow schemas and the micro-batch files
// every job writes beside its outputs.
//
// # Schemas
//
// Each dataset (orders, trades, events, bars, sma, profit, rejects, book,
// status) has one Arrow schema, built (table.go) from its record type's
// field table (record.TradeFields, ...), with the column names of the wire
// contract (docs/CONTRACT.md):
//
//   - timestamps are timestamp[ms, tz=UTC]: the records carry Unix
//     milliseconds in UTC, so the values are stored as they are;
//   - prices and quantities are decimal128(18, 8), built directly from the
//     record.Fixed int64 (a Fixed is the decimal's unscaled value). Unlike
//     float64 this is exact: 0.1 stays 0.1, sums and comparisons in pandas
//     or DuckDB give the same answers as the Go core. Precision 18 is the
//     largest that Parquet stores in an INT64, so the archive keeps the
//     same 8 bytes per value with no float rounding anywhere. Values whose
//     magnitude reaches 10^10 (10^18 units) do not fit; the writer reports
//     them as an error rather than storing a wrong number;
//   - the instrument and the enums (side, order type, time in force, event
//     type, action, stp) are dictionary-encoded strings; ids are uint64
//     (order, trade ids) or int64 (counts, ranks); post_only is bool;
//   - a field that stores zero as null (record.Field.Null: the orders'
//     expires_at and exchange-rule fields) is a nullable column, and the
//     other columns are never null. Columns added to a dataset after its
//     first files (Codec.Added: the orders' rule fields, last) may be
//     missing from a file; its rows then read as zero there.
//
// Codec values (TradeCodec, OrderCodec, ...) convert both ways between the
// record types and Arrow: Append adds one record to a RecordBuilder, Decode
// reads the rows of an arrow.Record back into records.
//
// # Micro-batches
//
// BatchWriter is a stream.BatchSink with one buffer per input partition.
// It buffers a job's outputs and writes each dataset's rows of one
// partition and offset range as one Arrow IPC file per day:
//
//	DIR/<dataset>/dt=YYYY-MM-DD/<prefix><r.String()>.arrow
//
// The day comes from the record's event time (trade_timestamp,
// order_timestamp, timestamp, bar_start, window_start, time); the prefix
// is the job's name ("sma."), so two jobs writing one dataset never
// collide.
// Files are written atomically (temporary dot-file in the same directory,
// fsync, rename, fsync of the directory).
//
// The Kafka runner writes in two phases: Stage writes hidden pending files
// (".<name>.arrow.<txn>.pending", skipped by ListFiles and so by every
// reader and the archive) before the transaction commits, and Publish
// renames them to their visible names after it committed. Discard deletes
// the staged files of an aborted transaction; Recover, when a partition is
// assigned, publishes the files its last committed snapshot names and
// deletes every other pending file of that partition. Files of aborted
// transactions are therefore never visible. File mode and produce use
// Flush, which stages and publishes at once.
//
// Every micro-batch row also carries a hidden column _src_offset: the input
// offset (Kafka offset or line number) whose processing emitted it, set by
// Seek before each input record (rows emitted after the input ended, such
// as the windows a file's end closes, carry the range's Last offset).
// Readers (ReadBatches, and the archive job) de-duplicate by it, so any
// overlap of ranges (a file-mode rerun with other --batch-lines, or files
// written by an older bourse) yields each row once: a file whose range lies
// inside another file's range of the same source and partition is
// dropped, and of two partially overlapping files the later-starting one
// contributes only the rows with offsets past the earlier one's Last.
package columnar
