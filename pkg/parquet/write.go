package parquet

import (
	"fmt"
	"io"

	"github.com/xitongsys/parquet-go/layout"
	pq "github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/schema"
	"github.com/xitongsys/parquet-go/writer"
)

// CreatedBy is the created_by of every file: fixed, so files are
// reproducible byte for byte.
const CreatedBy = "bourse archive (xitongsys/parquet-go v1.6.2)"

// DefaultRowGroupRows is the row group size: large enough for scans, small
// enough to bound the writer's memory.
const DefaultRowGroupRows = 128 * 1024

// Options tune Write; the zero value gives the defaults.
type Options struct {
	// RowGroupRows is the number of rows per row group (DefaultRowGroupRows).
	RowGroupRows int
	// Snappy selects snappy instead of zstd page compression.
	Snappy bool
	// PageBytes is the target size of a data page before compression
	// (default 1 MiB).
	PageBytes int
}

// Write writes rows as one Parquet file to w.
func (l *Layout[T]) Write(w io.Writer, rows []T, opt Options) error {
	if opt.RowGroupRows <= 0 {
		opt.RowGroupRows = DefaultRowGroupRows
	}
	if opt.PageBytes <= 0 {
		opt.PageBytes = 1 << 20
	}
	pw, err := writer.NewParquetWriterFromWriter(w, l.schema, 1)
	if err != nil {
		return fmt.Errorf("parquet %s: schema: %w", l.Codec.Dataset, err)
	}
	for _, el := range pw.Footer.Schema {
		el.FieldID = nil // parquet-go would give every column field_id 0
	}
	createdBy := CreatedBy
	pw.Footer.CreatedBy = &createdBy
	pw.CompressionType = pq.CompressionCodec_ZSTD
	if opt.Snappy {
		pw.CompressionType = pq.CompressionCodec_SNAPPY
	}
	pw.PageSize = int64(opt.PageBytes)
	pw.RowGroupSize = 1 << 62 // row groups are cut here, by rows
	m := &marshaller[T]{l: l}
	pw.MarshalFunc = m.marshal
	handles := make([]interface{}, min(len(rows), opt.RowGroupRows))
	for lo := 0; lo < len(rows); lo += opt.RowGroupRows {
		hi := min(lo+opt.RowGroupRows, len(rows))
		m.rows = rows[lo:hi]
		pw.Objs = handles[:hi-lo]
		if err := pw.Flush(true); err != nil {
			return fmt.Errorf("parquet %s: row group at %d: %w", l.Codec.Dataset, lo, err)
		}
	}
	if err := pw.WriteStop(); err != nil {
		return fmt.Errorf("parquet %s: footer: %w", l.Codec.Dataset, err)
	}
	return nil
}

// marshaller turns typed rows into parquet-go's column tables without
// reflection; it replaces writer.ParquetWriter's MarshalFunc.
type marshaller[T any] struct {
	l      *Layout[T]
	rows   []T
	values [][]interface{}
	zeros  []int32
}

func (m *marshaller[T]) marshal(src []interface{}, sh *schema.SchemaHandler) (*map[string]*layout.Table, error) {
	n := len(src)
	if n != len(m.rows) {
		return nil, fmt.Errorf("marshal: %d handles for %d rows", n, len(m.rows))
	}
	if len(m.zeros) < n {
		m.zeros = make([]int32, n)
	}
	if m.values == nil {
		m.values = make([][]interface{}, len(m.l.cols))
	}
	for ci := range m.values {
		if cap(m.values[ci]) < n {
			m.values[ci] = make([]interface{}, 0, n)
		}
	}
	res := make(map[string]*layout.Table, len(m.l.cols))
	for ci, col := range m.l.cols {
		idx := int32(ci + 1) // element 0 is the root
		path := sh.IndexMap[idx]
		t := layout.NewEmptyTable()
		t.Path = []string{sh.GetRootInName(), sh.Infos[idx].InName}
		t.Schema = sh.SchemaElements[idx]
		t.Info = sh.Infos[idx]
		t.RepetitionType = t.Schema.GetRepetitionType()
		t.RepetitionLevels = m.zeros[:n]
		t.DefinitionLevels = m.zeros[:n]
		vals := m.values[ci][:0]
		rows := m.rows
		switch {
		case col.kind.isString():
			slab := make([]string, n) // fresh: the previous row group's dictionary may still point into the old one
			for i := range rows {
				slab[i] = col.str(&rows[i])
			}
			vals = vals[:n]
			boxStrings(vals, slab)
		case col.kind == kTSOpt:
			t.MaxDefinitionLevel = 1
			defs := make([]int32, n)
			for i := range rows {
				if v := col.i64(&rows[i]); v != 0 {
					vals = append(vals, v)
					defs[i] = 1
				} else {
					vals = append(vals, nil)
				}
			}
			t.DefinitionLevels = defs
		default:
			slab := make([]int64, n)
			for i := range rows {
				slab[i] = col.i64(&rows[i])
			}
			vals = vals[:n]
			boxInt64s(vals, slab)
		}
		m.values[ci] = vals
		t.Values = vals
		res[path] = t
	}
	return &res, nil
}
