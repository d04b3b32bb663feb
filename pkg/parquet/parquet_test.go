package parquet_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// roundTrip writes rows of one instrument (or all, for rejects) to a
// Hive-style path and reads them back.
func roundTrip[T any](t *testing.T, l *parquet.Layout[T], rows []T, instrument string) []T {
	t.Helper()
	dir := filepath.Join(t.TempDir(), string(l.Codec.Dataset), "dt=2023-03-12")
	if l.SetInstrument != nil {
		dir = filepath.Join(dir, "instrument="+parquet.PartitionValue(instrument))
	}
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "part-0000.parquet")
	var buf bytes.Buffer
	if err := l.Write(&buf, rows, parquet.Options{RowGroupRows: 7}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var got []T
	if err := parquet.Read(l, path, func(v *T) error { got = append(got, *v); return nil }); err != nil {
		t.Fatal(err)
	}
	// Deterministic bytes.
	var again bytes.Buffer
	l.Write(&again, rows, parquet.Options{RowGroupRows: 7})
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatalf("%s: second write differs", l.Codec.Dataset)
	}
	return got
}

func byInstrument[T any](rows []T, ins func(*T) string) map[string][]T {
	m := map[string][]T{}
	for i := range rows {
		m[ins(&rows[i])] = append(m[ins(&rows[i])], rows[i])
	}
	return m
}

func check[T any](t *testing.T, l *parquet.Layout[T], rows []T) {
	t.Helper()
	if l.Codec.Instrument == nil {
		if got := roundTrip(t, l, rows, ""); !reflect.DeepEqual(got, rows) {
			t.Fatalf("%s: got %+v\nwant %+v", l.Codec.Dataset, got, rows)
		}
		return
	}
	groups := byInstrument(rows, l.Codec.Instrument)
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, ins := range keys {
		want := groups[ins]
		got := roundTrip(t, l, want, ins)
		if len(got) != len(want) {
			t.Fatalf("%s/%q: %d rows, want %d", l.Codec.Dataset, ins, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%s/%q row %d:\n got %+v\nwant %+v", l.Codec.Dataset, ins, i, got[i], want[i])
			}
		}
	}
}

func TestRoundTripEveryLayout(t *testing.T) {
	s := columnartest.Edge(40)
	s.Trades[3].Instrument = "BRK/B é" // escaped partition value
	check(t, parquet.OrderLayout, s.Orders)
	check(t, parquet.TradeLayout, s.Trades)
	check(t, parquet.EventLayout, s.Events)
	check(t, parquet.BarLayout, s.Bars)
	check(t, parquet.SMALayout, s.SMAs)
	check(t, parquet.ProfitLayout, s.Profits)
	check(t, parquet.RejectLayout, s.Rejects)
	check(t, parquet.StatusLayout, s.Statuses)
}

func TestReadMixedDirectory(t *testing.T) {
	dir := t.TempDir()
	trades := columnartest.BulkTrades(9)
	// Archived part for INFY...
	p := filepath.Join(dir, "dt=2023-03-12", "instrument=INFY", "part-0000.parquet")
	os.MkdirAll(filepath.Dir(p), 0o755)
	var buf bytes.Buffer
	var infy []record.Trade
	for _, tr := range trades {
		if tr.Instrument == "INFY" {
			infy = append(infy, tr)
		}
	}
	if err := parquet.TradeLayout.Write(&buf, infy, parquet.Options{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, buf.Bytes(), 0o644)
	// ...and micro-batches of everything.
	w, _ := columnar.NewBatchWriter(filepath.Join(dir, "batches"), columnar.Trades)
	for i := range trades {
		w.Emit(&trades[i])
	}
	if err := w.Flush(streamRange(0, 8)); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := parquet.ReadTrades(dir, func(*record.Trade) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != len(infy)+len(trades) {
		t.Fatalf("read %d rows, want %d", n, len(infy)+len(trades))
	}
}

func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.parquet")
	os.WriteFile(junk, []byte("PAR1 not really"), 0o644)
	if err := parquet.ReadTrades(junk, func(*record.Trade) error { return nil }); err == nil {
		t.Error("junk parquet accepted")
	}
	txt := filepath.Join(dir, "x.csv")
	os.WriteFile(txt, nil, 0o644)
	if err := parquet.ReadTrades(txt, func(*record.Trade) error { return nil }); err == nil || !strings.Contains(err.Error(), ".parquet") {
		t.Errorf("csv: %v", err)
	}
	// A bars file read as trades names the missing column.
	var buf bytes.Buffer
	parquet.BarLayout.Write(&buf, columnartest.Edge(2).Bars, parquet.Options{})
	bars := filepath.Join(dir, "bars.parquet")
	os.WriteFile(bars, buf.Bytes(), 0o644)
	err := parquet.ReadTrades(bars, func(*record.Trade) error { return nil })
	if !errors.Is(err, parquet.ErrFile) || !strings.Contains(err.Error(), "trade_id") {
		t.Errorf("bars as trades: %v", err)
	}
	if _, err := parquet.InstrumentOf("/a/instrument=%zz/part.parquet"); err == nil {
		t.Error("bad escape accepted")
	}
}

func TestPartitionValue(t *testing.T) {
	for in, want := range map[string]string{"INFY": "INFY", "": "", "BRK/B": "BRK%2FB", "a=b c": "a%3Db%20c", ".x": "%2Ex"} {
		if got := parquet.PartitionValue(in); got != want {
			t.Errorf("PartitionValue(%q) = %q, want %q", in, got, want)
		}
		got, err := parquet.InstrumentOf(fmt.Sprintf("/r/dt=x/instrument=%s/p.parquet", parquet.PartitionValue(in)))
		if err != nil || got != in {
			t.Errorf("InstrumentOf round trip %q: %q %v", in, got, err)
		}
	}
}
