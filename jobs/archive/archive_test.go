package archive_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/archive"
	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/columnar/columnartest"
	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

func TestMain(m *testing.M) {
	if os.Getenv("ARCHIVE_CHILD") == "1" {
		cfg := archive.DefaultConfig()
		cfg.BatchDir, cfg.ArchiveDir = os.Getenv("ARCHIVE_BATCH"), os.Getenv("ARCHIVE_OUT")
		cfg.RowGroupRows = 16 * 1024
		if _, err := archive.Run(context.Background(), cfg, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func run(t *testing.T, batch, out string, mod func(*archive.Config)) archive.Stats {
	t.Helper()
	cfg := archive.DefaultConfig()
	cfg.BatchDir, cfg.ArchiveDir = batch, out
	var sum bytes.Buffer
	cfg.Summary = &sum
	if mod != nil {
		mod(&cfg)
	}
	st, err := archive.Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sum.String(), "archive: ") {
		t.Errorf("summary %q", sum.String())
	}
	return st
}

func readAll[T any](t *testing.T, read func(string, func(*T) error) error, path string) []T {
	t.Helper()
	var out []T
	if err := read(path, func(v *T) error { out = append(out, *v); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSet[T any](t *testing.T, name string, got, want []T) {
	t.Helper()
	key := func(v T) string { return fmt.Sprintf("%+v", v) }
	g, w := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		g[i] = key(got[i])
	}
	for i := range want {
		w[i] = key(want[i])
	}
	sort.Strings(g)
	sort.Strings(w)
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s: got %d rows, want %d\nfirst got  %v\nfirst want %v", name, len(g), len(w), head(g), head(w))
	}
}

func head(s []string) []string { return s[:min(3, len(s))] }

// writeTwice writes s as micro-batches twice, with different batch sizes,
// as a retried transaction would: ranges overlap partially and wholly.
func writeTwice(t *testing.T, dir string, s *columnartest.Set) {
	for _, per := range []int{13, 10, 4} {
		w, _ := columnar.NewBatchWriter(dir)
		if _, err := columnartest.Write(w, s, "orders", 0, per); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
}

func TestArchiveEveryDatasetDeduplicatedSortedIdempotent(t *testing.T) {
	batch, out := t.TempDir(), t.TempDir()
	s := columnartest.Edge(60)
	writeTwice(t, batch, s)
	st := run(t, batch, out, nil)
	if st.RowsWritten != int64(s.Len()) || st.FilesDropped == 0 || st.RowsDuplicate == 0 {
		t.Fatalf("stats %+v, want %d rows written and duplicates", st, s.Len())
	}
	p := func(d string) string { return filepath.Join(out, d) }
	sameSet(t, "orders", readAll(t, parquet.ReadOrders, p("orders")), s.Orders)
	sameSet(t, "trades", readAll(t, parquet.ReadTrades, p("trades")), s.Trades)
	sameSet(t, "events", readAll(t, parquet.ReadEvents, p("events")), s.Events)
	sameSet(t, "bars", readAll(t, parquet.ReadBars, p("bars")), s.Bars)
	sameSet(t, "sma", readAll(t, parquet.ReadSMAs, p("sma")), s.SMAs)
	sameSet(t, "profit", readAll(t, parquet.ReadProfits, p("profit")), s.Profits)
	sameSet(t, "rejects", readAll(t, parquet.ReadRejects, p("rejects")), s.Rejects)
	sameSet(t, "status", readAll(t, parquet.ReadStatuses, p("status")), s.Statuses)

	// Each file is sorted by time then trade id, and holds one instrument.
	files, _ := columnar.ListFiles(p("trades"), ".parquet")
	for _, f := range files {
		rows := readAll(t, parquet.ReadTrades, f)
		for i := 1; i < len(rows); i++ {
			a, b := rows[i-1], rows[i]
			if a.Time > b.Time || a.Time == b.Time && a.TradeID > b.TradeID || a.Instrument != b.Instrument {
				t.Fatalf("%s not sorted at %d: %+v then %+v", f, i, a, b)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(out, "events", "dt=2023-03-12", "instrument=")); err != nil {
		t.Errorf("empty instrument partition: %v", err)
	}

	// Byte-identical on a second run; staging is gone.
	before := snapshot(t, out)
	run(t, batch, out, nil)
	if after := snapshot(t, out); !reflect.DeepEqual(before, after) {
		t.Fatal("second run changed the archive")
	}
	if _, err := os.Stat(filepath.Join(out, archive.StagingDir)); !os.IsNotExist(err) {
		t.Errorf("staging left: %v", err)
	}
}

func snapshot(t *testing.T, dir string) map[string][]byte {
	m := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			m[p], _ = os.ReadFile(p)
		}
		return err
	})
	return m
}

func TestDateAndDatasetSelection(t *testing.T) {
	batch, out := t.TempDir(), t.TempDir()
	s := columnartest.Edge(20)
	w, _ := columnar.NewBatchWriter(batch)
	columnartest.Write(w, s, "orders", 0, 7)
	st := run(t, batch, out, func(c *archive.Config) { c.Date = "2023-03-11"; c.Datasets = []string{"trades"} })
	if st.Days != 1 {
		t.Fatalf("days %d", st.Days)
	}
	ents, _ := os.ReadDir(out)
	if len(ents) != 1 || ents[0].Name() != "trades" {
		t.Fatalf("archive holds %v", ents)
	}
	for _, tr := range readAll(t, parquet.ReadTrades, filepath.Join(out, "trades")) {
		if columnar.DayString(columnar.DayOf(tr.Time)) != "2023-03-11" {
			t.Fatalf("trade of another day: %+v", tr)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	cfg := archive.DefaultConfig()
	cfg.Date = "12/03/2023"
	cfg.Datasets = []string{"quotes"}
	err := cfg.Validate()
	for _, want := range []string{"--batch-dir", "--archive-dir", "--date", "quotes"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %s", err, want)
		}
	}
	cfg = archive.DefaultConfig()
	cfg.BatchDir, cfg.ArchiveDir = filepath.Join(t.TempDir(), "nope"), t.TempDir()
	if _, err := archive.Run(context.Background(), cfg, nil); err == nil {
		t.Error("missing batch dir accepted")
	}
}

// bulk writes n trades spread over several days as micro-batches.
func bulk(t *testing.T, dir string, n, perBatch int) []record.Trade {
	trades := columnartest.BulkTrades(n)
	for i := range trades {
		trades[i].Time += int64(i/(n/6+1)) * 86_400_000
	}
	w, _ := columnar.NewBatchWriter(dir, columnar.Trades)
	for i := range trades {
		w.SetOffset(int64(i))
		w.Emit(&trades[i])
		if (i+1)%perBatch == 0 || i == n-1 {
			if err := w.Flush(stream.Range{Source: "orders", First: int64(i / perBatch * perBatch), Last: int64(i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return trades
}

func TestKilledRunLeavesPreviousArchiveAndRerunCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large input")
	}
	batch, out := t.TempDir(), t.TempDir()
	// A first, complete archive of a smaller input.
	small := bulk(t, batch, 6_000, 1000)
	run(t, batch, out, nil)
	sameSet(t, "first archive", readAll(t, parquet.ReadTrades, filepath.Join(out, "trades")), small)
	// A larger input replaces it; the run is killed part-way.
	os.RemoveAll(batch)
	all := bulk(t, batch, 600_000, 20_000)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ARCHIVE_CHILD=1", "ARCHIVE_BATCH="+batch, "ARCHIVE_OUT="+out)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	staged := make(chan bool, 1)
	go func() {
		// Kill once the child is building a partition.
		for i := 0; i < 2000; i++ {
			if ents, _ := os.ReadDir(filepath.Join(out, archive.StagingDir)); len(ents) > 0 {
				staged <- true
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		staged <- false
	}()
	ok := <-staged
	cmd.Process.Kill() // SIGKILL
	rest, _ := bufio.NewReader(stderr).ReadString(0)
	err := cmd.Wait()
	if !ok || err == nil {
		t.Fatalf("child was not killed mid-run (staged=%v, exit %v, stderr %q)", ok, err, rest)
	}
	// Every day partition is whole: either the old one or the new one.
	byDay := func(ts []record.Trade) map[string]int {
		m := map[string]int{}
		for _, tr := range ts {
			m[columnar.DayString(columnar.DayOf(tr.Time))]++
		}
		return m
	}
	oldDays, newDays := byDay(small), byDay(all)
	got := byDay(readAll(t, parquet.ReadTrades, filepath.Join(out, "trades")))
	for day, n := range got {
		if n != oldDays[day] && n != newDays[day] {
			t.Errorf("day %s has %d rows after the kill: neither old (%d) nor new (%d)", day, n, oldDays[day], newDays[day])
		}
	}
	// Run again: complete, no duplicates.
	st := run(t, batch, out, nil)
	if st.RowsWritten != int64(len(all)) {
		t.Fatalf("rerun wrote %d rows, want %d", st.RowsWritten, len(all))
	}
	sameSet(t, "after rerun", readAll(t, parquet.ReadTrades, filepath.Join(out, "trades")), all)
}
