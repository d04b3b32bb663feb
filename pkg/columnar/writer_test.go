package columnar_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow/go/v15/arrow"
	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

func readAll[T any](t *testing.T, c *columnar.Codec[T], path string) []T {
	t.Helper()
	var out []T
	if err := columnar.ReadBatches(c, path, func(v *T, _ int64) error {
		out = append(out, *v)
		return nil
	}); err != nil {
		t.Fatalf("read %s: %v", c.Dataset, err)
	}
	return out
}

// canon sorts a copy of rows by their printed form so that sets compare.
func canon[T any](rows []T) []T {
	out := append([]T(nil), rows...)
	sort.SliceStable(out, func(i, j int) bool { return fmt.Sprintf("%+v", out[i]) < fmt.Sprintf("%+v", out[j]) })
	return out
}

func sameSet[T any](t *testing.T, name string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rows, want %d", name, len(got), len(want))
	}
	g, w := canon(got), canon(want)
	for i := range g {
		if !reflect.DeepEqual(g[i], w[i]) {
			t.Fatalf("%s row %d:\n got %+v\nwant %+v", name, i, g[i], w[i])
		}
	}
}

func TestRoundTripEveryDataset(t *testing.T) {
	dir := t.TempDir()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	w, err := columnar.NewBatchWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.SetAllocator(mem)
	s := columnartest.Edge(40)
	if _, err := columnartest.Write(w, s, "orders-in", 1, 13); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	mem.AssertSize(t, 0)

	sameSet(t, "orders", readAll(t, columnar.OrderCodec, filepath.Join(dir, "orders")), s.Orders)
	sameSet(t, "trades", readAll(t, columnar.TradeCodec, filepath.Join(dir, "trades")), s.Trades)
	sameSet(t, "events", readAll(t, columnar.EventCodec, filepath.Join(dir, "events")), s.Events)
	sameSet(t, "bars", readAll(t, columnar.BarCodec, filepath.Join(dir, "bars")), s.Bars)
	sameSet(t, "sma", readAll(t, columnar.SMACodec, filepath.Join(dir, "sma")), s.SMAs)
	sameSet(t, "profit", readAll(t, columnar.ProfitCodec, filepath.Join(dir, "profit")), s.Profits)
	sameSet(t, "rejects", readAll(t, columnar.RejectCodec, filepath.Join(dir, "rejects")), s.Rejects)

	// Day partitions follow event time: 23:59:59.999 and 00:00:00.000 land
	// on different days.
	for _, day := range []string{"2023-03-11", "2023-03-12", "2023-03-13"} {
		if _, err := os.Stat(filepath.Join(dir, "trades", "dt="+day)); err != nil {
			t.Errorf("missing trades day %s: %v", day, err)
		}
	}
	// Nothing hidden (temporary) is left behind.
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if strings.HasPrefix(d.Name(), ".") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestTradeFilesHaveTheSchemaAndOffsets(t *testing.T) {
	dir := t.TempDir()
	w, _ := columnar.NewBatchWriter(dir, columnar.Trades)
	trades := columnartest.BulkTrades(5)
	for i := range trades {
		w.Seek(3, int64(100+i))
		w.Emit(&trades[i])
	}
	r := stream.Range{Source: "orders-x", Partition: 3, First: 100, Last: 104}
	if err := w.Flush(r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "trades", "dt=2023-03-12", r.String()+".arrow")
	var offs []int64
	err := columnar.ReadArrowFile(path, func(rec arrow.Record) error {
		if !rec.Schema().Equal(columnar.TradeSchema) {
			t.Errorf("schema %v", rec.Schema())
		}
		ts := rec.Column(9).DataType().(*arrow.TimestampType)
		if ts.Unit != arrow.Millisecond || ts.TimeZone != "UTC" {
			t.Errorf("timestamp type %v", ts)
		}
		offs = append(offs, rec.Column(10).(*array.Int64).Int64Values()...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(offs, []int64{100, 101, 102, 103, 104}) {
		t.Fatalf("offsets %v", offs)
	}
}

func TestFlushSameRangeReplacesAndEmptyFlushWritesNothing(t *testing.T) {
	dir := t.TempDir()
	w, _ := columnar.NewBatchWriter(dir, columnar.Trades)
	r := stream.Range{Source: "orders", First: 1, Last: 2}
	if err := w.Flush(r); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Fatalf("empty flush wrote %v", ents)
	}
	trades := columnartest.BulkTrades(3)
	w.Emit(&trades[0])
	w.Emit(&trades[1])
	if err := w.Flush(r); err != nil {
		t.Fatal(err)
	}
	w.Emit(&trades[2])
	if err := w.Flush(r); err != nil {
		t.Fatal(err)
	}
	files, _ := columnar.ListFiles(dir, ".arrow")
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	got := readAll(t, columnar.TradeCodec, files[0])
	if len(got) != 1 || got[0] != trades[2] {
		t.Fatalf("replaced file holds %+v", got)
	}
}

func TestOverlappingRangesAreDeduplicated(t *testing.T) {
	dir := t.TempDir()
	w, _ := columnar.NewBatchWriter(dir, columnar.Trades)
	trades := columnartest.BulkTrades(30)
	emit := func(first, last int64) {
		for off := first; off <= last; off++ {
			w.SetOffset(off)
			w.Emit(&trades[off]) // one trade per offset: offsets 0..29
		}
		if err := w.Flush(stream.Range{Source: "orders", First: first, Last: last}); err != nil {
			t.Fatal(err)
		}
	}
	emit(0, 9)
	emit(5, 14)  // partial overlap: keeps 10..14
	emit(2, 4)   // contained in 0..9: dropped
	emit(12, 20) // partial overlap with 5..14: keeps 15..20
	emit(21, 29)
	got := readAll(t, columnar.TradeCodec, dir)
	sameSet(t, "trades", got, trades)

	files, _ := columnar.ListFiles(dir, ".arrow")
	keep, dropped, err := columnar.Plan(files)
	if err != nil {
		t.Fatal(err)
	}
	if len(keep) != 4 || len(dropped) != 1 || !strings.Contains(dropped[0], "-00000000000000000002-") {
		t.Fatalf("keep %v dropped %v", keep, dropped)
	}
	// Another partition is never de-duplicated against this one.
	w.Seek(1, 3)
	w.Emit(&trades[3])
	w.Flush(stream.Range{Source: "orders", Partition: 1, First: 3, Last: 3})
	if got := readAll(t, columnar.TradeCodec, dir); len(got) != 31 {
		t.Fatalf("other partition: %d rows", len(got))
	}
}

func TestOversizeDecimalFailsFlushWithoutLosingRows(t *testing.T) {
	dir := t.TempDir()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	w, _ := columnar.NewBatchWriter(dir, columnar.Bars)
	w.SetAllocator(mem)
	good := record.Bar{Instrument: "INFY", Start: columnartest.Day0, Volume: record.MaxValue}
	bad := good
	bad.Volume = 11 * record.MaxValue
	w.Emit(&good)
	w.Emit(&bad)
	err := w.Flush(stream.Range{Source: "trades", First: 0, Last: 1})
	if !errors.Is(err, columnar.ErrDecimalRange) {
		t.Fatalf("err = %v, want ErrDecimalRange", err)
	}
	if w.Pending() != 2 {
		t.Fatalf("pending %d", w.Pending())
	}
	if files, _ := columnar.ListFiles(dir, ".arrow"); len(files) != 0 {
		t.Fatalf("wrote %v", files)
	}
	if err := w.Close(); !errors.Is(err, columnar.ErrUnflushed) {
		t.Fatalf("close: %v", err)
	}
	mem.AssertSize(t, 0)
}

func TestBadInput(t *testing.T) {
	if _, err := columnar.NewBatchWriter(""); err == nil {
		t.Error("empty dir accepted")
	}
	if _, err := columnar.NewBatchWriter(t.TempDir(), "quotes"); err == nil || !strings.Contains(err.Error(), "quotes") {
		t.Errorf("unknown dataset: %v", err)
	}
	w, _ := columnar.NewBatchWriter(t.TempDir())
	tr := columnartest.BulkTrades(1)[0]
	w.Emit(&tr)
	for _, r := range []stream.Range{{Source: "a/b"}, {Source: ""}, {Source: ".x"}, {Source: "x", First: 2, Last: 1}} {
		if err := w.Flush(r); err == nil {
			t.Errorf("range %+v accepted", r)
		}
	}
	for _, name := range []string{"x.arrow", "orders-p0-1-2.parquet", "orders-p0-5-2.arrow"} {
		if _, err := columnar.ParseBatchName(name); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	r := stream.Range{Source: "my-topic-2", Partition: 7, First: 0, Last: 99}
	if got, err := columnar.ParseBatchName(r.String() + ".arrow"); err != nil || got != r {
		t.Errorf("ParseBatchName = %+v, %v", got, err)
	}
	// A trades file read as bars is a schema error, not a panic.
	dir := t.TempDir()
	w2, _ := columnar.NewBatchWriter(dir, columnar.Trades)
	w2.Emit(&tr)
	w2.Flush(stream.Range{Source: "o", First: 0, Last: 0})
	err := columnar.ReadBatches(columnar.BarCodec, dir, func(*record.Bar, int64) error { return nil })
	if !errors.Is(err, columnar.ErrSchema) {
		t.Errorf("bars from trades: %v", err)
	}
	if err := w.Close(); !errors.Is(err, columnar.ErrUnflushed) {
		t.Errorf("close: %v", err)
	}
	if err := w.Flush(r); !errors.Is(err, columnar.ErrClosed) {
		t.Errorf("flush after close: %v", err)
	}
}

func TestDayString(t *testing.T) {
	for day := int64(-800_000); day <= 800_000; day += 997 {
		want := time.UnixMilli(day * 86_400_000).UTC().Format("2006-01-02")
		if got := columnar.DayString(day); got != want {
			t.Fatalf("day %d: %s, want %s", day, got, want)
		}
	}
	if columnar.DayOf(-1) != -1 || columnar.DayOf(0) != 0 || columnar.DayOf(86_399_999) != 0 {
		t.Fatal("DayOf")
	}
}
