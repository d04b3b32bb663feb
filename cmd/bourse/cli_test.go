package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// bourse runs the CLI in-process and returns stdout, stderr and the exit
// code main would use.
func bourse(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := newRootCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	code := 0
	if err != nil {
		code = exitCode(err)
		errb.WriteString("bourse: " + err.Error() + "\n")
	}
	return out.String(), errb.String(), code
}

// golden compares the file got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/bourse -update to create it)", err)
	}
	if string(want) != got {
		t.Fatalf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestMatchSmallGolden(t *testing.T) {
	dir := t.TempDir()
	trades, events := filepath.Join(dir, "trades.jsonl"), filepath.Join(dir, "events.jsonl")
	_, stderr, code := bourse(t, "match", "--in", "testdata/orders_small.jsonl", "--out", trades, "--events", events)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := read(t, trades)
	golden(t, "trades_small.jsonl", got)
	golden(t, "events_small.jsonl", read(t, events))

	// The rules behind the golden file, stated once more in code: carol's
	// BUY 6 @ 15 takes bob's 3 @ 14.5 first (best price), then 3 of
	// alice's 5 @ 15, at the resting orders' prices.
	lines := strings.Split(strings.TrimSpace(got), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 trades, got %d:\n%s", len(lines), got)
	}
	var t1, t2 record.Trade
	if record.DecodeTrade([]byte(lines[0]), &t1) != nil || record.DecodeTrade([]byte(lines[1]), &t2) != nil {
		t.Fatal("trades do not decode")
	}
	if t1.Price != record.MustFixed("14.5") || t1.Quantity != 3*record.One || t1.SellOrderID != 1000002 || t1.BuyOrderID != 1000003 || t1.Aggressor != record.Buy {
		t.Errorf("first trade %+v", t1)
	}
	if t2.Price != 15*record.One || t2.Quantity != 3*record.One || t2.SellOrderID != 1000001 || t2.TradeID != 2 {
		t.Errorf("second trade %+v", t2)
	}
	ev := read(t, events)
	for _, want := range []string{`"reason":"UNKNOWN_INSTRUMENT"`, `"reason":"BAD_JSON"`, `"reason":"OFF_TICK"`, `"type":"KILLED"`, `"reason":"UNKNOWN_ORDER"`, `"raw":"not json at all"`} {
		if !strings.Contains(ev, want) {
			t.Errorf("execution reports lack %s", want)
		}
	}
	if !strings.Contains(stderr, "TRADE TCS #1") || !strings.Contains(stderr, "BUY #1000003 (carol) x SELL #1000002 (bob)") {
		t.Errorf("stderr lacks the human trade lines:\n%s", stderr)
	}
	if !strings.Contains(stderr, "read 10") || !strings.Contains(stderr, "rejected 4") {
		t.Errorf("summary line wrong:\n%s", stderr)
	}
}

// TestPipelineGolden runs produce | match | sma | profit on files and
// compares every output with its golden file: the same input gives the
// same bytes on every run.
func TestPipelineGolden(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	steps := [][]string{
		{"produce", "--count", "1500", "--seed", "7", "--step-ms", "600", "--quiet", "--out", p("orders.jsonl")},
		{"match", "--in", p("orders.jsonl"), "--out", p("trades.jsonl"), "--events", p("events.jsonl"), "--quiet"},
		{"sma", "--in", p("trades.jsonl"), "--out", p("sma.jsonl"), "--bars", p("bars.jsonl")},
		{"profit", "--in", p("trades.jsonl"), "--out", p("profit.jsonl")},
	}
	for _, args := range steps {
		if _, stderr, code := bourse(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	for _, n := range []string{"orders.jsonl", "trades.jsonl", "events.jsonl", "sma.jsonl", "bars.jsonl", "profit.jsonl"} {
		golden(t, "pipeline_"+n, read(t, p(n)))
	}
	if n := strings.Count(read(t, p("trades.jsonl")), "\n"); n < 300 {
		t.Errorf("only %d trades from 1500 orders: the flow does not cross enough", n)
	}
	if !strings.Contains(read(t, p("profit.jsonl")), `"rank":1,`) {
		t.Error("no rank-1 profit line")
	}
}

func TestExitCodes(t *testing.T) {
	cases := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"match", "--no-such-flag"}, 2, "unknown flag"},
		{[]string{"match", "--policy", "fifo"}, 2, "--policy must be price-time or exact"},
		{[]string{"sma", "--window", "90s", "--slide", "60s"}, 2, "multiple"},
		{[]string{"match", "--follow"}, 2, "--follow needs --brokers"},
		{[]string{"produce", "--count", "-1"}, 2, "--count must be >= 0"},
		{[]string{"produce", "order", "--instrument", "TCS", "--qty", "5", "--price", "1"}, 2, "--side"},
		{[]string{"match", "--brokers", "127.0.0.1:1", "--restarts", "-1"}, 2, "--restarts must be >= 0"},
		{[]string{"match", "--in", "/nonexistent/orders.jsonl"}, 1, "no such file"},
		{[]string{"match", "--instruments", "/nonexistent.csv", "--in", "testdata/orders_small.jsonl"}, 2, "--instruments"},
	}
	for _, c := range cases {
		_, stderr, code := bourse(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}

// The stream jobs restart a run that failed with a transient Kafka error
// three times by default.
func TestRestartsFlag(t *testing.T) {
	for _, sub := range []string{"match", "sma", "profit"} {
		out, _, code := bourse(t, sub, "--help")
		if code != 0 || !regexp.MustCompile(`--restarts int .*transient Kafka error.*\(default 5\)`).MatchString(out) {
			t.Errorf("bourse %s --help: exit %d, no --restarts flag with default 5:\n%s", sub, code, out)
		}
	}
}

func TestHelpShowsExamples(t *testing.T) {
	for _, sub := range []string{"produce", "match", "sma", "profit", "archive", "run", "version", "topics create"} {
		out, _, code := bourse(t, append(strings.Fields(sub), "--help")...)
		if code != 0 || !strings.Contains(out, "Examples:") {
			t.Errorf("bourse %s --help: exit %d, no Examples section:\n%s", sub, code, out)
		}
	}
}

func TestEnvAndConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.json")
	if err := os.WriteFile(cfg, []byte(`{"policy": "exact", "quiet": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The config file asks for the exact policy: a partial fill that
	// price-time would make must not happen.
	out := filepath.Join(dir, "t.jsonl")
	if _, stderr, code := bourse(t, "--config", cfg, "match", "--in", "testdata/orders_small.jsonl", "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got := read(t, out); got != "" {
		t.Fatalf("exact policy (from --config) still traded:\n%s", got)
	}
	// The environment beats the file; a flag beats the environment.
	t.Setenv("BOURSE_POLICY", "price-time")
	if _, _, code := bourse(t, "--config", cfg, "match", "--in", "testdata/orders_small.jsonl", "--out", out); code != 0 || read(t, out) == "" {
		t.Fatal("BOURSE_POLICY did not override the config file")
	}
	if _, _, code := bourse(t, "--config", cfg, "match", "--policy", "exact", "--in", "testdata/orders_small.jsonl", "--out", out); code != 0 || read(t, out) != "" {
		t.Fatal("--policy did not override BOURSE_POLICY")
	}
	t.Setenv("BOURSE_POLICY", "bogus")
	if _, stderr, code := bourse(t, "match", "--in", "testdata/orders_small.jsonl", "--out", out); code != 2 {
		t.Fatalf("bad BOURSE_POLICY: exit %d, %s", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	out, _, code := bourse(t, "version")
	if code != 0 || !strings.HasPrefix(out, "bourse "+version) {
		t.Fatalf("version: %d %q", code, out)
	}
}
