package parquet

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/xitongsys/parquet-go-source/local"
	pq "github.com/xitongsys/parquet-go/parquet"
	"github.com/xitongsys/parquet-go/reader"

	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/record"
)

// TestWriteMatchesParquetGoWriter writes every layout with Write and with
// parquet-go's row writer (writeReference): both files must hold the same
// schema, row groups, column statistics and rows.
func TestWriteMatchesParquetGoWriter(t *testing.T) {
	s := columnartest.Edge(300)
	// Orders that set no exchange-rule field first: row groups and pages
	// whose rule columns are all null.
	plain := slices.Clone(s.Orders)
	for i := range plain {
		plain[i].StopPrice, plain[i].Display, plain[i].PostOnly, plain[i].STP = 0, 0, false, record.STPDefault
	}
	differential(t, OrderLayout, append(plain, s.Orders...))
	differential(t, TradeLayout, append(s.Trades, columnartest.BulkTrades(5000)...))
	differential(t, EventLayout, s.Events)
	differential(t, BarLayout, s.Bars)
	differential(t, SMALayout, s.SMAs)
	differential(t, ProfitLayout, s.Profits)
	differential(t, RejectLayout, s.Rejects)
	differential(t, StatusLayout, s.Statuses)
}

func differential[T any](t *testing.T, l *Layout[T], rows []T) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "instrument=X")
	os.MkdirAll(dir, 0o755)
	for _, opt := range []Options{{RowGroupRows: 7}, {RowGroupRows: 1000, PageBytes: 64}, {}} {
		var got, want bytes.Buffer
		if err := l.Write(&got, rows, opt); err != nil {
			t.Fatal(err)
		}
		groupRows := opt.RowGroupRows
		if groupRows == 0 {
			groupRows = DefaultRowGroupRows
		}
		if err := l.writeReference(&want, rows, groupRows); err != nil {
			t.Fatal(err)
		}
		gotPath, wantPath := filepath.Join(dir, "got.parquet"), filepath.Join(dir, "want.parquet")
		os.WriteFile(gotPath, got.Bytes(), 0o644)
		os.WriteFile(wantPath, want.Bytes(), 0o644)
		gf, wf := footer(t, gotPath), footer(t, wantPath)
		name := string(l.Codec.Dataset)
		if !reflect.DeepEqual(gf.Schema, wf.Schema) {
			t.Fatalf("%s: schema\n got %v\nwant %v", name, gf.Schema, wf.Schema)
		}
		if gf.NumRows != wf.NumRows || len(gf.RowGroups) != len(wf.RowGroups) || gf.GetCreatedBy() != wf.GetCreatedBy() {
			t.Fatalf("%s %+v: %d rows in %d groups by %q, want %d in %d by %q", name, opt,
				gf.NumRows, len(gf.RowGroups), gf.GetCreatedBy(), wf.NumRows, len(wf.RowGroups), wf.GetCreatedBy())
		}
		for g := range gf.RowGroups {
			for c, gc := range gf.RowGroups[g].Columns {
				gm, wm := gc.MetaData, wf.RowGroups[g].Columns[c].MetaData
				if gm.Type != wm.Type || gm.Codec != wm.Codec || gm.NumValues != wm.NumValues ||
					!reflect.DeepEqual(gm.PathInSchema, wm.PathInSchema) {
					t.Fatalf("%s group %d column %d: got %v\nwant %v", name, g, c, gm, wm)
				}
				lo := g * groupRows
				if n := nulls(l.cols[c], rows[lo:min(lo+groupRows, len(rows))]); gm.Statistics.GetNullCount() != n {
					t.Fatalf("%s group %d column %d: null_count %d, want %d", name, g, c, gm.Statistics.GetNullCount(), n)
				}
				if !sameStats(gm.Statistics, wm.Statistics, l.cols[c].kind) {
					t.Fatalf("%s group %d column %s: statistics %v (nulls %d), want %v (nulls %d)", name, g, gm.PathInSchema[0], gm.Statistics, gm.Statistics.GetNullCount(), wm.Statistics, wm.Statistics.GetNullCount())
				}
			}
		}
		if a, b := readAll(t, l, gotPath), readAll(t, l, wantPath); !reflect.DeepEqual(a, b) || len(a) != len(rows) {
			t.Fatalf("%s %+v: rows differ from parquet-go's writer's (%d, %d, %d rows)", name, opt, len(a), len(b), len(rows))
		}
	}
}

// sameStats compares min_value and max_value. parquet-go orders UINT_64
// values as signed, so those are compared only when both orders agree.
// (Its null_count misses a page's first value; nulls checks ours.)
func sameStats(got, want *pq.Statistics, k kind) bool {
	if k == kU64 && (len(got.MinValue) == 8 && got.MinValue[7] >= 0x80 || len(got.MaxValue) == 8 && got.MaxValue[7] >= 0x80) {
		return true
	}
	return bytes.Equal(got.MinValue, want.MinValue) && bytes.Equal(got.MaxValue, want.MaxValue)
}

// nulls counts the null values of col in rows.
func nulls[T any](col column[T], rows []T) int64 {
	n := int64(0)
	for i := range rows {
		if col.opt && col.zero(&rows[i]) {
			n++
		}
	}
	return n
}

func footer(t *testing.T, path string) *pq.FileMetaData {
	t.Helper()
	f, err := local.NewLocalFileReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pr, err := reader.NewParquetColumnReader(f, 1)
	if err != nil {
		t.Fatal(err)
	}
	return pr.Footer
}

func readAll[T any](t *testing.T, l *Layout[T], path string) []T {
	t.Helper()
	var out []T
	if err := l.ReadFile(path, func(v *T) error { out = append(out, *v); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}
