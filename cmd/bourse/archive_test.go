package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// byInstrument sorts JSON lines stably by their instrument: replays of an
// archive read one instrument's partition after another, so only the order
// within an instrument is kept.
func byInstrument(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	key := func(l string) string {
		i := strings.Index(l, `"instrument":"`)
		if i < 0 {
			return ""
		}
		rest := l[i+len(`"instrument":"`):]
		return rest[:strings.IndexByte(rest, '"')]
	}
	sort.SliceStable(lines, func(i, j int) bool { return key(lines[i]) < key(lines[j]) })
	return strings.Join(lines, "\n")
}

// TestBatchesArchiveAndReplay: every job keeps its output as Arrow
// micro-batches; archive turns them into Parquet; replaying the archived
// orders through match and the archived trades through sma gives the same
// results as the original run.
func TestBatchesArchiveAndReplay(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	batches, arch := p("batches"), p("archive")
	steps := [][]string{
		{"produce", "--count", "4000", "--seed", "5", "--step-ms", "300", "--quiet", "--out", p("orders.jsonl"), "--batch-dir", batches, "--batch-size", "1500"},
		{"match", "--quiet", "--in", p("orders.jsonl"), "--out", p("trades.jsonl"), "--events", p("events.jsonl"), "--batch-dir", batches, "--batch-lines", "1000"},
		{"sma", "--in", p("trades.jsonl"), "--out", p("sma.jsonl"), "--bars", p("bars.jsonl"), "--batch-dir", batches},
		{"profit", "--in", p("trades.jsonl"), "--out", p("profit.jsonl"), "--batch-dir", batches},
		{"archive", "--batch-dir", batches, "--archive-dir", arch},
	}
	for _, args := range steps {
		if _, stderr, code := bourse(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	for _, ds := range []string{"orders", "trades", "events", "bars", "sma", "profit"} {
		files, _ := filepath.Glob(filepath.Join(arch, ds, "dt=2023-03-13", "instrument=*", "*.parquet"))
		if len(files) == 0 {
			t.Errorf("no Parquet files for %s", ds)
		}
	}
	replays := []struct {
		args []string
		out  string
		want string
	}{
		{[]string{"match", "--quiet", "--in", filepath.Join(arch, "orders")}, "trades2.jsonl", "trades.jsonl"},
		{[]string{"match", "--quiet", "--in", filepath.Join(batches, "orders")}, "trades3.jsonl", "trades.jsonl"},
		{[]string{"sma", "--in", filepath.Join(arch, "trades")}, "sma2.jsonl", "sma.jsonl"},
		{[]string{"sma", "--in", filepath.Join(batches, "trades")}, "sma3.jsonl", "sma.jsonl"},
		{[]string{"profit", "--in", filepath.Join(arch, "trades")}, "profit2.jsonl", "profit.jsonl"},
	}
	for _, r := range replays {
		args := append(r.args, "--out", p(r.out))
		if _, stderr, code := bourse(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		got, want := byInstrument(read(t, p(r.out))), byInstrument(read(t, p(r.want)))
		if got != want || want == "" {
			t.Errorf("%v: replay differs from the original run (%d vs %d bytes)", r.args, len(got), len(want))
		}
	}
	// Archiving again gives the same bytes.
	before := snapshotDir(t, arch)
	if _, stderr, code := bourse(t, "archive", "--batch-dir", batches, "--archive-dir", arch); code != 0 {
		t.Fatalf("second archive: %s", stderr)
	}
	if after := snapshotDir(t, arch); after != before {
		t.Error("a second archive run changed the files")
	}
}

func snapshotDir(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		b.WriteString(path)
		b.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
