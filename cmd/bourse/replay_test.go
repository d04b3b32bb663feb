package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// TestReplayBadRowsAsJSON: archived orders that are no valid input (an id
// of 0, a missing side, a negative or off-tick quantity, a trader id of
// control characters or invalid UTF-8, a far timestamp, an unknown
// instrument) are rejected by a replay for the same reasons, with the same
// raw text, as the JSON Lines of the same rows.
func TestReplayBadRowsAsJSON(t *testing.T) {
	const t0 = 1678664917000 // 2023-03-12T23:48:37Z
	good := func(id uint64, side record.Side, qty, px string) record.Order {
		return record.Order{ID: id, Side: side, Quantity: record.MustFixed(qty), Price: record.MustFixed(px), Time: t0 + int64(id), TraderID: "alice"}
	}
	rows := map[string][]record.Order{
		"TCS": {
			good(1, record.Sell, "5", "15"),
			good(0, record.Buy, "1", "15"),
			good(3, 0, "1", "15"),
			good(4, record.Buy, "-1", "15"),
			good(5, record.Buy, "1", "15.003"),
			good(6, record.Buy, "2", "15"),
			{ID: 7, Side: record.Buy, Quantity: record.One, Price: 15 * record.One, Time: t0, TraderID: "ctl\x01"},
			{ID: 8, Side: record.Buy, Quantity: record.One, Price: 15 * record.One, Time: t0, TraderID: "bad\xff"},
			{ID: 9, Side: record.Buy, Quantity: record.One, Price: 15 * record.One, Time: 1 << 62},
			{ID: 10, Action: record.Cancel, Time: t0 + 20},
			{ID: 1, Action: record.Cancel, Time: t0 + 21, TraderID: strings.Repeat("x", 70)},
		},
		"NOPE": {good(11, record.Buy, "1", "1")},
	}
	dir := t.TempDir()
	arch := filepath.Join(dir, "orders")
	var lines []byte
	for _, ins := range []string{"NOPE", "TCS"} {
		part := filepath.Join(arch, "dt=2023-03-12", "instrument="+ins)
		if err := os.MkdirAll(part, 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(filepath.Join(part, "part.parquet"))
		if err != nil {
			t.Fatal(err)
		}
		if err := parquet.OrderLayout.Write(f, rows[ins], parquet.Options{}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		for _, o := range rows[ins] {
			o.Instrument = ins
			lines = append(record.AppendOrderJSON(lines, &o), '\n')
		}
	}
	jsonl := filepath.Join(dir, "orders.jsonl")
	if err := os.WriteFile(jsonl, lines, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(in, name string) string {
		out := filepath.Join(dir, name)
		if _, stderr, code := bourse(t, "match", "--quiet", "--in", in, "--out", out, "--events", out); code != 0 {
			t.Fatalf("match --in %s: exit %d: %s", in, code, stderr)
		}
		return read(t, out)
	}
	want, got := run(jsonl, "from-json.jsonl"), run(arch, "from-archive.jsonl")
	if got != want {
		t.Fatalf("replay of the archive differs from its JSON Lines\n--- replay\n%s\n--- json\n%s", got, want)
	}
	if n := strings.Count(want, `"REJECTED"`); n < 8 {
		t.Fatalf("%d rejects, want at least 8:\n%s", n, want)
	}
}
