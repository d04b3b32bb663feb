package main

import (
	"path/filepath"
	"strings"
	"testing"
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
	if _, stderr, code := bourse(t, "produce", "--profile", "exchange", "--count", "1", "--batch-dir", t.TempDir()); code != 2 || !strings.Contains(stderr, "--batch-dir") {
		t.Errorf("--profile exchange --batch-dir: exit %d, %s", code, stderr)
	}
}
