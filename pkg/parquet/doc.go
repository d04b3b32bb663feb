// Package parquet writes and reads bourse's Parquet archive, using
// github.com/xitongsys/parquet-go, and replays archived or micro-batched
// data for jobs.
//
// The archive is Hive-partitioned:
//
//	ARCHIVE/<dataset>/dt=YYYY-MM-DD/instrument=XYZ/part-0000.parquet
//
// (rejects, which have no instrument, stop at dt=). The instrument is not a
// column of the files: pyarrow.dataset, pandas and DuckDB all add it from
// the path, and pandas fails to merge a file column with the partition's
// dictionary type. Readers here add it back from the path too. An empty
// instrument (an execution report of an undecodable order) is stored as
// "instrument=", which all three read as "".
//
// Column types: timestamps INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true);
// prices and quantities INT64 DECIMAL(18,8) holding record.Fixed unchanged;
// strings BYTE_ARRAY STRING; ids INT64 UINT_64. Ids and timestamps are
// DELTA_BINARY_PACKED, prices, quantities and strings dictionary-encoded,
// pages zstd-compressed. Files are deterministic: the same rows give the
// same bytes (created_by is fixed, no clock is read).
//
// Write goes below parquet-go's reflection marshaller: it hands the
// library's ParquetWriter a MarshalFunc that builds the column tables
// straight from the typed rows, which is what makes the archive fast
// enough (see BenchmarkParquetArchive).
//
// ReadOrders, ReadTrades, ... accept a .arrow micro-batch file, a .parquet
// file, or a directory of either (walked recursively in name order,
// micro-batch ranges de-duplicated as columnar.Plan describes).
package parquet
