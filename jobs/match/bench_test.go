package match

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// BenchmarkMatchFile measures match's file mode end to end — JSON Lines
// in, decoding, the checks, the books, JSON Lines of trades and execution
// reports out — with the book feed off and on (updates and snapshots
// encoded too), over 100,000 generator orders. It reports orders/s; the
// difference is the feed's cost per order.
func BenchmarkMatchFile(b *testing.B) {
	g, err := flow.NewGenerator(flow.DefaultConfig(), record.DefaultInstruments())
	if err != nil {
		b.Fatal(err)
	}
	var in []byte
	var o record.Order
	const orders = 100_000
	for range orders {
		g.Next(&o)
		in = record.AppendOrderJSON(in, &o)
		in = append(in, '\n')
	}
	ins := record.DefaultInstruments()
	for _, tc := range []struct {
		name string
		feed bool
	}{{"feed=off", false}, {"feed=on", true}} {
		b.Run(tc.name, func(b *testing.B) {
			is, err := record.NewInstruments(ins)
			if err != nil {
				b.Fatal(err)
			}
			w := stream.JSONWriters{record.KindTrade: io.Discard, record.KindEvent: io.Discard}
			if tc.feed {
				w[record.KindBook], w[record.KindBookSnapshot] = io.Discard, io.Discard
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				p := NewProcessorWith(is, book.PriceTime, Options{Feed: FeedOptions{On: tc.feed}})
				sink := stream.NewJSONSink(w)
				if _, err := stream.RunLines(context.Background(), bytes.NewReader(in), "orders.jsonl", p, sink, nil, 0); err != nil {
					b.Fatal(err)
				}
				if err := sink.Flush(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(orders)*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
		})
	}
}
