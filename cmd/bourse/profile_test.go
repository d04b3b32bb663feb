package main

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/parquet"
	"github.com/bourse/bourse/pkg/record"
)

// TestProduceExchangeProfile: `bourse produce --profile exchange` through
// `bourse match` (file mode, defaults) produces every rule's report at
// least once and not one UNKNOWN_ORDER (its cancels and replaces aim at
// live orders); the same seed gives the same orders.
func TestProduceExchangeProfile(t *testing.T) {
	for _, seed := range []string{"1", "7", "42"} {
		t.Run("seed "+seed, func(t *testing.T) {
			dir := t.TempDir()
			orders, events := filepath.Join(dir, "orders.jsonl"), filepath.Join(dir, "events.jsonl")
			run := func(args ...string) {
				t.Helper()
				if _, stderr, code := bourse(t, args...); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, stderr)
				}
			}
			run("produce", "--count", "5000", "--seed", seed, "--profile", "exchange", "--quiet", "--out", orders)
			run("match", "--quiet", "--in", orders, "--out", filepath.Join(dir, "trades.jsonl"), "--events", events)
			in, ev := read(t, orders), read(t, events)
			for _, want := range []string{`"stop_price"`, `"display_quantity"`, `"post_only":true`, `"stp":"CANCEL_`, `"action":"CANCEL_ALL"`, `"action":"CANCEL"`, `"action":"REPLACE"`, `"time_in_force":"DAY"`} {
				if !strings.Contains(in, want) {
					t.Errorf("orders lack %s", want)
				}
			}
			for _, want := range []string{`"type":"TRIGGERED"`, `"reason":"SELF_TRADE"`, `"reason":"MASS_CANCEL"`, `"reason":"WOULD_TRADE"`, `"type":"REPLACED"`} {
				if !strings.Contains(ev, want) {
					t.Errorf("execution reports lack %s", want)
				}
			}
			if n := strings.Count(ev, `"reason":"UNKNOWN_ORDER"`); n != 0 {
				t.Errorf("%d cancels or replaces hit orders no longer live", n)
			}
			again := filepath.Join(dir, "again.jsonl")
			run("produce", "--count", "5000", "--seed", seed, "--profile", "exchange", "--quiet", "--out", again)
			if read(t, again) != in {
				t.Error("the same seed gave other orders")
			}
		})
	}
	if _, stderr, code := bourse(t, "produce", "--profile", "nyse", "--count", "1"); code != 2 || !strings.Contains(stderr, "profile") {
		t.Errorf("--profile nyse: exit %d, %s", code, stderr)
	}
}

// TestExchangeProfileArchiveReplay: `bourse produce --profile exchange
// --batch-dir` keeps its orders, rule fields included; archived, they
// replay through match (from the micro-batches and from the Parquet
// archive) to the very trades and execution reports of the JSON Lines
// run. With --session, match keeps its status records in the status
// dataset, which archive turns into Parquet too.
func TestExchangeProfileArchiveReplay(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	batches, arch := p("batches"), p("archive")
	run := func(args ...string) {
		t.Helper()
		if _, stderr, code := bourse(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	session := []string{"--session", "09:00-09:08/09:15-09:40@Z"}
	run("produce", "--count", "6000", "--seed", "11", "--profile", "exchange", "--start", "2023-03-13T08:58:00Z", "--step-ms", "500",
		"--quiet", "--out", p("orders.jsonl"), "--batch-dir", batches, "--batch-size", "2500")
	run(append([]string{"match", "--quiet", "--in", p("orders.jsonl"), "--out", p("trades.jsonl"), "--events", p("events.jsonl"),
		"--status", p("status.jsonl"), "--batch-dir", batches}, session...)...)
	run("archive", "--batch-dir", batches, "--archive-dir", arch)
	for _, want := range []string{`"stop_price"`, `"display_quantity"`, `"post_only":true`, `"stp":"CANCEL_`} {
		if !strings.Contains(read(t, p("orders.jsonl")), want) {
			t.Fatalf("orders lack %s", want)
		}
	}
	status := read(t, p("status.jsonl"))
	for _, phase := range []string{"PRE_OPEN", "BUFFER", "CONTINUOUS", "CLOSED"} {
		if !strings.Contains(status, `"phase":"`+phase+`"`) {
			t.Fatalf("no %s status record:\n%s", phase, status)
		}
	}
	for _, ds := range []string{"orders", "status"} {
		if files, _ := filepath.Glob(filepath.Join(arch, ds, "dt=2023-03-13", "instrument=*", "*.parquet")); len(files) == 0 {
			t.Errorf("no Parquet files for %s", ds)
		}
	}
	for i, in := range []string{filepath.Join(batches, "orders"), filepath.Join(arch, "orders")} {
		var lines []byte
		if err := parquet.ReadOrders(in, func(o *record.Order) error {
			lines = append(record.AppendOrderJSON(lines, o), '\n')
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if got, want := byInstrument(string(lines)), byInstrument(read(t, p("orders.jsonl"))); got != want {
			t.Errorf("%s: the orders read back encode otherwise than orders.jsonl", in)
		}
		n := strconv.Itoa(i)
		run(append([]string{"match", "--quiet", "--in", in, "--out", p("trades" + n), "--events", p("events" + n), "--status", p("status" + n)}, session...)...)
		for _, f := range []string{"trades", "events", "status"} {
			got, want := byInstrument(read(t, p(f+n))), byInstrument(read(t, p(f+".jsonl")))
			if got != want || want == "" {
				t.Errorf("%s: %s of the replay differ from the JSON Lines run's (%d vs %d bytes)", in, f, len(got), len(want))
			}
		}
	}
}
