package parquet

import (
	"encoding/binary"
	"fmt"
	"io"
	"slices"

	pq "github.com/xitongsys/parquet-go/parquet"
)

// CreatedBy is the created_by of every file: fixed, so files are
// reproducible byte for byte.
const CreatedBy = "bourse archive (xitongsys/parquet-go v1.6.2)"

// DefaultRowGroupRows is the row group size: large enough for scans, small
// enough to bound the writer's memory.
const DefaultRowGroupRows = 128 * 1024

// DefaultPageBytes is the default target size of a data page (PLAIN
// values, before compression), and the largest dictionary a column chunk
// keeps before it falls back to PLAIN.
const DefaultPageBytes = 1 << 20

// Options tune Write; the zero value gives the defaults.
type Options struct {
	// RowGroupRows is the number of rows per row group (DefaultRowGroupRows).
	RowGroupRows int
	// Snappy selects snappy instead of zstd page compression.
	Snappy bool
	// PageBytes is the target size of a data page before compression and
	// the dictionary size limit (DefaultPageBytes).
	PageBytes int
}

var magic = []byte("PAR1")

// Write writes rows as one Parquet file to w.
func (l *Layout[T]) Write(w io.Writer, rows []T, opt Options) error {
	if l.schemaErr != nil {
		return fmt.Errorf("parquet %s: schema: %w", l.Codec.Dataset, l.schemaErr)
	}
	if opt.RowGroupRows <= 0 {
		opt.RowGroupRows = DefaultRowGroupRows
	}
	if opt.PageBytes <= 0 {
		opt.PageBytes = DefaultPageBytes
	}
	codec := pq.CompressionCodec_ZSTD
	if opt.Snappy {
		codec = pq.CompressionCodec_SNAPPY
	}
	f := getFileWriter(w, codec, opt.PageBytes, len(l.cols))
	defer putFileWriter(f)
	createdBy := CreatedBy
	meta := &pq.FileMetaData{Version: 1, Schema: l.elements, NumRows: int64(len(rows)),
		RowGroups: []*pq.RowGroup{}, CreatedBy: &createdBy, ColumnOrders: l.orders}
	f.write(magic)
	for lo := 0; lo < len(rows); lo += opt.RowGroupRows {
		group := rows[lo:min(lo+opt.RowGroupRows, len(rows))]
		extract(f, l.cols, group)
		rg := &pq.RowGroup{NumRows: int64(len(group))}
		for ci, col := range l.cols {
			f.ints, f.strs = f.intCols[ci], f.strCols[ci]
			cc := f.chunk(col.kind, col.opt, col.name, len(group))
			rg.Columns = append(rg.Columns, cc)
			rg.TotalByteSize += cc.MetaData.TotalUncompressedSize
		}
		if f.err != nil {
			return fmt.Errorf("parquet %s: row group at %d: %w", l.Codec.Dataset, lo, f.err)
		}
		meta.RowGroups = append(meta.RowGroups, rg)
	}
	n := f.thrift(meta)
	f.write(binary.LittleEndian.AppendUint32(nil, uint32(n)))
	f.write(magic)
	if f.err != nil {
		return fmt.Errorf("parquet %s: footer: %w", l.Codec.Dataset, f.err)
	}
	return nil
}

// extract copies the columns of rows into f.intCols and f.strCols, in one
// pass over the rows.
func extract[T any](f *fileWriter, cols []column[T], rows []T) {
	n := len(rows)
	for ci, c := range cols {
		if c.kind.isString() {
			f.strCols[ci] = slices.Grow(f.strCols[ci][:0], n)[:n]
		} else {
			f.intCols[ci] = slices.Grow(f.intCols[ci][:0], n)[:n]
		}
	}
	for i := range rows {
		r := &rows[i]
		for ci := range cols {
			c := &cols[ci]
			if c.str != nil {
				f.strCols[ci][i] = c.str(r)
			} else {
				f.intCols[ci][i] = c.i64(r)
			}
		}
	}
}
