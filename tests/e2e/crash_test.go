package e2e

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// TestCrashSafety kills match, then sma, with SIGKILL at random moments, at
// least 10 times each, restarting each time, and checks that the topics end
// up with exactly the file-mode results: no trade missing, none twice.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test is long; it runs in make test")
	}
	e := newEnv(t)
	seed := []string{"--count", "60000", "--seed", "23", "--step-ms", "30", "--quiet"}
	orders := filepath.Join(e.dir, "orders.jsonl")
	file(t, append([]string{"produce", "--out", orders}, seed...)...)
	trades, events, sma := filepath.Join(e.dir, "trades.jsonl"), filepath.Join(e.dir, "events.jsonl"), filepath.Join(e.dir, "sma.jsonl")
	file(t, "match", "--quiet", "--in", orders, "--out", trades, "--events", events)
	file(t, "sma", "--in", trades, "--out", sma)
	e.bourse(60*time.Second, append([]string{"produce"}, seed...)...)

	rng := faultSeed(t)
	small := []string{"--session-timeout", "6s", "--commit-interval", "20ms", "--commit-records", "100"}
	e.killRepeatedly(t, rng, 10, append([]string{"match", "--quiet"}, small...))
	e.killRepeatedly(t, rng, 10, append([]string{"sma"}, small...))

	tp := e.topics()
	fileTrades := groupLines(t, mustRead(t, trades))
	sameGroups(t, "trades after kill -9", readTopic(t, tp.Out[record.KindTrade]), fileTrades)
	sameGroups(t, "execution reports after kill -9", readTopic(t, tp.Out[record.KindEvent]), groupLines(t, mustRead(t, events)))
	sameGroups(t, "sma after kill -9", readTopic(t, tp.Out[record.KindSMA]), closedWindows(t, groupLines(t, mustRead(t, sma)), fileTrades, false))
}

// killRepeatedly starts the job, waits until it has restored its
// partitions and is working, kills it with SIGKILL after a further random
// 50-700 ms, kills times, then runs it to completion. A run that finishes
// before its kill fails the test: the flow must be large enough.
func (e *env) killRepeatedly(t *testing.T, rng *rand.Rand, kills int, args []string) {
	t.Helper()
	for i := 0; i < kills; i++ {
		p := e.start(args, "restored")
		if err := p.await("restored", 90*time.Second); err != nil {
			p.kill()
			t.Fatal(err)
		}
		wait := time.Duration(50+rng.IntN(650)) * time.Millisecond
		if !p.alive(wait) {
			t.Fatalf("%s finished (err %v) before kill %d; make the flow larger:\n%s", args[0], p.err, i+1, tail(p.output(), 10))
		}
		p.kill()
		t.Logf("%s: kill -9 #%d %s after restoring", args[0], i+1, wait)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	final := e.command(ctx, args...)
	if out, err := final.CombinedOutput(); err != nil {
		t.Fatalf("%s after the kills: %v\n%s", args[0], err, tail(string(out), 20))
	} else {
		t.Logf("%s after the kills: %s", args[0], tail(string(out), 1))
	}
}
