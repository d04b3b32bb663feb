package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// TestKafkaEqualsFileMode produces a seeded order flow to Kafka, runs match,
// sma and profit as bounded exactly-once runs, and checks that the topics
// hold, record for record, what file mode gives on the same orders.
func TestKafkaEqualsFileMode(t *testing.T) {
	e := newEnv(t)
	const n = "20000"
	seed := []string{"--count", n, "--seed", "11", "--step-ms", "40", "--quiet"}
	orders := filepath.Join(e.dir, "orders.jsonl")
	file(t, append([]string{"produce", "--out", orders}, seed...)...)
	trades, events := filepath.Join(e.dir, "trades.jsonl"), filepath.Join(e.dir, "events.jsonl")
	file(t, "match", "--quiet", "--in", orders, "--out", trades, "--events", events)
	sma, profit := filepath.Join(e.dir, "sma.jsonl"), filepath.Join(e.dir, "profit.jsonl")
	file(t, "sma", "--in", trades, "--out", sma)
	file(t, "profit", "--in", trades, "--out", profit)

	e.bourse(60*time.Second, append([]string{"produce"}, seed...)...)
	out := e.bourse(120*time.Second, "match", "--quiet")
	if !strings.Contains(out, "read "+n) {
		t.Fatalf("match did not read %s orders:\n%s", n, tail(out, 5))
	}
	e.bourse(120*time.Second, "sma")
	e.bourse(120*time.Second, "profit")

	tp := e.topics()
	fileTrades := groupLines(t, mustRead(t, trades))
	sameGroups(t, "trades", readTopic(t, tp.Out[record.KindTrade]), fileTrades)
	sameGroups(t, "execution reports", readTopic(t, tp.Out[record.KindEvent]), groupLines(t, mustRead(t, events)))
	sameGroups(t, "sma", readTopic(t, tp.Out[record.KindSMA]), closedWindows(t, groupLines(t, mustRead(t, sma)), fileTrades, false))
	sameGroups(t, "profit", readTopic(t, tp.Out[record.KindProfit]), closedWindows(t, groupLines(t, mustRead(t, profit)), fileTrades, true))
	if got := sortedKeys(readTopic(t, tp.Instruments)); got != "INFY,ONGC,RIL,TCS" {
		t.Errorf("instruments topic keys = %s", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
