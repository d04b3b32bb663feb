// Package columnar holds bourse's Arrow schemas and the micro-batch files
// every job writes beside its outputs.
//
// # Schemas
//
// Each dataset (orders, trades, events, bars, sma, profit, rejects) has one
// Arrow schema, defined once in schema.go, with the column names of the wire
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
//     type, action) are dictionary-encoded strings; ids are uint64 (order,
//     trade ids) or int64 (counts, ranks).
//
// Codec values (TradeCodec, OrderCodec, ...) convert both ways between the
// record types and Arrow: Append adds one record to a RecordBuilder, Decode
// reads the rows of an arrow.Record back into records.
//
// # Micro-batches
//
// BatchWriter is a stream.BatchSink. It buffers a job's outputs and, on
// Flush(r), writes each dataset's rows as one Arrow IPC file per day:
//
//	DIR/<dataset>/dt=YYYY-MM-DD/<r.String()>.arrow
//
// The day comes from the record's event time (trade_timestamp,
// order_timestamp, timestamp, bar_start, window_start). Files are written
// atomically (temporary dot-file in the same directory, fsync, rename, fsync
// of the directory), so readers see whole files or none, and flushing the same
// range again replaces the file.
//
// Every micro-batch row also carries a hidden column _src_offset: the input
// offset (Kafka offset or line number) whose processing emitted it. Runners
// call SetOffset before handing each input record to the processor; rows
// emitted without it are attributed to the range's Last offset. Readers
// (ReadBatches, and the archive job) use it to de-duplicate ranges that a
// retried transaction wrote twice: a file whose range lies inside another
// file's range of the same source and partition is dropped, and of two
// partially overlapping files the later-starting one contributes only the
// rows with offsets past the earlier one's Last.
package columnar
