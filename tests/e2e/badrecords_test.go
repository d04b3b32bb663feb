package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
)

// TestBadRecordsOnTopic: malformed records on the orders topic become
// REJECTED execution reports with a reason; the job keeps going and the
// good orders give exactly the trades file mode gives without the bad ones.
func TestBadRecordsOnTopic(t *testing.T) {
	e := newEnv(t)
	tp := e.topics()
	orders := filepath.Join(e.dir, "orders.jsonl")
	file(t, "produce", "--count", "3000", "--seed", "31", "--quiet", "--out", orders)
	trades := filepath.Join(e.dir, "trades.jsonl")
	file(t, "match", "--quiet", "--in", orders, "--out", trades)

	bad := []struct{ key, value, reason string }{
		{"TCS", `{"id": 1, "instrument": "TCS", "txn_type": "BUY"`, record.ReasonBadJSON},
		{"TCS", `not json`, record.ReasonBadJSON},
		{"INFY", `{"id": "seven", "instrument": "INFY", "txn_type": "BUY", "quantity": 1, "price": 1500, "order_timestamp": "2023-03-13T09:15:00Z"}`, record.ReasonBadField},
		{"XYZ", `{"id": 9000001, "instrument": "XYZ", "txn_type": "BUY", "quantity": 1, "price": 1, "order_timestamp": "2023-03-13T09:15:00Z"}`, record.ReasonUnknownInstrument},
		{"RIL", `{"id": 9000002, "instrument": "RIL", "txn_type": "BUY", "quantity": -5, "price": 2500, "order_timestamp": "2023-03-13T09:15:00Z"}`, record.ReasonNonPositive},
		{"RIL", `{"id": 9000003, "instrument": "RIL", "txn_type": "SELL", "quantity": 1, "price": 2500, "order_timestamp": "yesterday"}`, record.ReasonBadTimestamp},
		{"ONGC", `{"id": 9000004, "instrument": "ONGC", "txn_type": "SELL", "quantity": 1, "price": 250, "order_timestamp": "2023-03-13T09:15:00Z", "pad": "` + strings.Repeat("x", 100_000) + `"}`, record.ReasonOversize},
		{"", "\x00\x01\xff", record.ReasonBadJSON},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := kafka.NewProducer(kafka.Config{Brokers: brokers}, kafka.ProducerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, orders))), "\n")
	for i, l := range lines {
		p.Produce(tp.Orders, []byte(instrumentOf(t, []byte(l))), []byte(l))
		if i%400 == 0 && i/400 < len(bad) { // bad records spread through the flow
			b := bad[i/400]
			p.Produce(tp.Orders, []byte(b.key), []byte(b.value))
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	p.Close()
	out := e.bourse(120*time.Second, "match", "--quiet")
	if !strings.Contains(out, "read 3008") || !strings.Contains(out, "rejected") {
		t.Fatalf("match summary: %s", tail(out, 2))
	}
	sameGroups(t, "trades around bad records", readTopic(t, tp.Out[record.KindTrade]), groupLines(t, mustRead(t, trades)))

	reasons := map[string]int{}
	for _, vals := range readTopic(t, tp.Out[record.KindEvent]) {
		for _, v := range vals {
			var ev record.Event
			if err := record.DecodeEvent([]byte(v), &ev); err != nil {
				t.Fatalf("execution report does not decode: %v", err)
			}
			if ev.Type == record.Rejected && ev.Raw != "" {
				reasons[ev.Reason]++
			}
		}
	}
	want := map[string]int{}
	for _, b := range bad {
		want[b.reason]++
	}
	for r, n := range want {
		if reasons[r] < n {
			t.Errorf("reason %s: %d REJECTED reports with the raw record, want %d (all: %v)", r, reasons[r], n, reasons)
		}
	}
}
