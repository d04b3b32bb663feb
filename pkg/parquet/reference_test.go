package parquet

import (
	"fmt"
	"io"

	"github.com/xitongsys/parquet-go/layout"
	pq "github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/schema"
	"github.com/xitongsys/parquet-go/writer"
)

// writeReference writes rows with parquet-go's own row writer
// (writer.ParquetWriter), the way Write did before it wrote column chunks
// itself. Tests compare the two.
func (l *Layout[T]) writeReference(w io.Writer, rows []T, rowGroupRows int) error {
	pw, err := writer.NewParquetWriterFromWriter(w, l.schema, 1)
	if err != nil {
		return err
	}
	for _, el := range pw.Footer.Schema {
		el.FieldID = nil
	}
	createdBy := CreatedBy
	pw.Footer.CreatedBy = &createdBy
	pw.CompressionType = pq.CompressionCodec_ZSTD
	pw.PageSize = DefaultPageBytes
	pw.RowGroupSize = 1 << 62
	m := &refMarshaller[T]{l: l}
	pw.MarshalFunc = m.marshal
	handles := make([]interface{}, min(len(rows), rowGroupRows))
	for lo := 0; lo < len(rows); lo += rowGroupRows {
		hi := min(lo+rowGroupRows, len(rows))
		m.rows = rows[lo:hi]
		pw.Objs = handles[:hi-lo]
		if err := pw.Flush(true); err != nil {
			return err
		}
	}
	return pw.WriteStop()
}

type refMarshaller[T any] struct {
	l    *Layout[T]
	rows []T
}

func (m *refMarshaller[T]) marshal(src []interface{}, sh *schema.SchemaHandler) (*map[string]*layout.Table, error) {
	n := len(src)
	if n != len(m.rows) {
		return nil, fmt.Errorf("marshal: %d handles for %d rows", n, len(m.rows))
	}
	res := make(map[string]*layout.Table, len(m.l.cols))
	for ci, col := range m.l.cols {
		idx := int32(ci + 1)
		t := layout.NewEmptyTable()
		t.Path = []string{sh.GetRootInName(), sh.Infos[idx].InName}
		t.Schema = sh.SchemaElements[idx]
		t.Info = sh.Infos[idx]
		t.RepetitionType = t.Schema.GetRepetitionType()
		t.RepetitionLevels = make([]int32, n)
		t.DefinitionLevels = make([]int32, n)
		vals := make([]interface{}, n)
		if col.opt {
			t.MaxDefinitionLevel = 1
		}
		for i := range m.rows {
			r := &m.rows[i]
			if col.opt && col.zero(r) {
				continue
			}
			t.DefinitionLevels[i] = t.MaxDefinitionLevel
			switch {
			case col.kind.isString():
				vals[i] = col.str(r)
			case col.kind == kBool:
				vals[i] = col.i64(r) != 0
			default:
				vals[i] = col.i64(r)
			}
		}
		t.Values = vals
		res[sh.IndexMap[idx]] = t
	}
	return &res, nil
}

// WriteTradesReference exposes writeReference to the benchmarks.
func WriteTradesReference(w io.Writer, rows []trade) error {
	return TradeLayout.writeReference(w, rows, DefaultRowGroupRows)
}
