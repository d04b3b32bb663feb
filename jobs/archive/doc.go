// Package archive is the `bourse archive` job: it turns the Arrow
// micro-batches that jobs leave in a batch directory into the analysts'
// Parquet archive.
//
// For each dataset and day (dt=YYYY-MM-DD) it reads every micro-batch file
// of the day, de-duplicates overlapping ranges (columnar.Plan: contained
// ranges dropped, partial overlaps cut at the earlier file's last offset
// using the hidden _src_offset column, which the archive drops), sorts the
// rows by event time and then a stable key (trade id, order id, ...),
// splits them by instrument and writes
//
//	ARCHIVE/<dataset>/dt=YYYY-MM-DD/instrument=XYZ/part-0000.parquet
//
// with pkg/parquet (rejects stop at dt=). A day is rebuilt whole from its
// micro-batches: the new partition is written under ARCHIVE/.staging, every
// file and directory fsynced, and then swapped in with one atomic
// rename(2) exchange, so an interrupted run leaves the previous partition
// in place, and a second run over the same input writes byte-identical
// files.
package archive
