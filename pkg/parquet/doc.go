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
// strings BYTE_ARRAY STRING; ids INT64 UINT_64; flags BOOLEAN. Columns are
// REQUIRED but for the fields that store zero as null (record.Field.Null),
// which are OPTIONAL: a zero value is a null, only the non-null values are
// encoded. Ids and timestamps are DELTA_BINARY_PACKED; prices, quantities
// and short strings dictionary-encoded (PLAIN when a chunk's dictionary
// would pass Options.PageBytes, or when it has no non-null value); free
// text, flags and optional timestamps PLAIN; pages zstd-compressed (or
// snappy). A file without a column added to its dataset later
// (columnar.Codec.Added) reads as null there. Every page and column chunk carries
// statistics in the column's type-defined order (column_orders is set, so
// readers use min_value/max_value, unsigned for UINT_64). Files are
// deterministic: the same rows give the same bytes (created_by is fixed,
// no clock is read, dictionaries follow first appearance).
//
// Write uses parquet-go for the file format (its schema handler, thrift
// page headers and metadata, and page compressors) but encodes column
// chunks itself, from typed slices: parquet-go's row writer goes through
// []interface{} values, an interface-keyed dictionary map and encoders
// that box every value, which capped it at about 0.8M trade rows per
// CPU-second; the typed path writes well over 2M (see
// BenchmarkParquetArchive). A differential test checks the files against
// parquet-go's own writer (same schema, statistics and rows), and the
// analysts' tests (tests/analytics) read them with pyarrow, pandas and
// DuckDB.
//
// ReadOrders, ReadTrades, ... accept a .arrow micro-batch file, a .parquet
// file, or a directory of either (walked recursively in name order,
// micro-batch ranges de-duplicated as columnar.Plan describes).
package parquet
