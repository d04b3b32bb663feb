package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// TestRunOnEmbeddedBroker runs `bourse run` end to end on the embedded
// broker and checks its summary against the pure core run in-process.
func TestRunOnEmbeddedBroker(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Count, cfg.Seed = 12000, 3
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out bytes.Buffer
	res, err := Run(ctx, cfg, &out, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}

	// The same orders through the core directly.
	ins, _ := record.NewInstruments(record.DefaultInstruments())
	gc := flow.DefaultConfig()
	gc.Seed = cfg.Seed
	gen, err := flow.NewGenerator(gc, ins.List())
	if err != nil {
		t.Fatal(err)
	}
	procs := map[string]*match.Processor{}
	counter := &stream.Counter{Next: record.Discard{}}
	var o record.Order
	for i := 0; i < cfg.Count; i++ {
		gen.Next(&o)
		p := procs[o.Instrument]
		if p == nil {
			p = match.NewProcessor(ins, book.PriceTime)
			procs[o.Instrument] = p
		}
		p.Process(&stream.Record{Value: record.AppendOrderJSON(nil, &o)}, counter)
	}
	if res.Orders != cfg.Count || res.Match.Read != int64(cfg.Count) {
		t.Errorf("orders %d, match read %d; want %d", res.Orders, res.Match.Read, cfg.Count)
	}
	if res.Match.Out.ByKind[record.KindTrade] != counter.ByKind[record.KindTrade] || res.Match.Out.Rejected != counter.Rejected {
		t.Errorf("trades %d rejected %d on Kafka; the core gives %d and %d",
			res.Match.Out.ByKind[record.KindTrade], res.Match.Out.Rejected, counter.ByKind[record.KindTrade], counter.Rejected)
	}
	if len(res.LastSMA) != 4 || len(res.Top) == 0 {
		t.Errorf("last SMA for %d instruments, %d top-profit windows", len(res.LastSMA), len(res.Top))
	}
	for _, p := range res.Top {
		if p.Rank != 1 {
			t.Errorf("top-profit line with rank %d", p.Rank)
		}
	}
	for _, want := range []string{"bourse run: 12000 orders", "last SMA per instrument", "top-profit instrument per window", "TCS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}
