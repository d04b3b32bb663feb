package kafkabench

import (
	"fmt"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// MaxOrders bounds a workload: enough for seconds of broker work, small
// enough to keep in memory (about 200 bytes an order).
const MaxOrders = 2_000_000

// Workload is a pre-generated, seeded order flow: the JSON values and keys
// to produce, and what the match job must make of every prefix of it.
type Workload struct {
	// Lines are the orders as JSON values (no newline), Keys their
	// instruments: the record key, so an instrument stays in one partition.
	// Key slices are shared between records with the same instrument.
	Lines, Keys [][]byte
	// IDs are the orders' ids; a CANCEL or REPLACE carries its target's.
	IDs []uint64
	// FirstID is the generator's first id: NEW orders have ids
	// FirstID, FirstID+1, ... in flow order.
	FirstID uint64
	// Replaced marks the ids some REPLACE in the flow targets: their trades
	// cannot be traced to one send time.
	Replaced map[uint64]bool
	// trades[i] is how many trades the first i orders make.
	trades []int
}

// benchSymbols is how many instruments the workload trades: the four
// defaults and synthetic ones, enough that the orders spread over every
// partition (a few instruments would leave some partitions, and so some
// of match's threads, idle).
const benchSymbols = 24

// BenchInstruments is the workload's instruments reference: the defaults
// and S05..S24 (tick 0.01, lot 1, reference prices 200-3050).
func BenchInstruments() []record.Instrument {
	list := record.DefaultInstruments()
	for i := len(list) + 1; i <= benchSymbols; i++ {
		list = append(list, record.Instrument{Symbol: fmt.Sprintf("S%02d", i), Name: fmt.Sprintf("Synthetic %d", i),
			TickSize: record.MustFixed("0.01"), LotSize: record.One, RefPrice: record.Fixed(int64(i) * 150 * int64(record.One))})
	}
	return list
}

// NewWorkload generates n orders with pkg/flow's generator (seeded,
// the bench instruments and the default mix) and runs them through the match job's
// pure core to count the trades every prefix makes.
func NewWorkload(n int, seed uint64) (*Workload, error) {
	if n < 1 || n > MaxOrders {
		return nil, fmt.Errorf("workload: expected 1..%d orders, got %d", MaxOrders, n)
	}
	insts := BenchInstruments()
	gc := flow.DefaultConfig()
	gc.Seed = seed
	gen, err := flow.NewGenerator(gc, insts)
	if err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	ins, err := record.NewInstruments(insts)
	if err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	keys := map[string][]byte{}
	for _, in := range insts {
		keys[in.Symbol] = []byte(in.Symbol)
	}
	w := &Workload{
		Lines: make([][]byte, n), Keys: make([][]byte, n), IDs: make([]uint64, n),
		FirstID: gc.FirstID, Replaced: map[uint64]bool{}, trades: make([]int, n+1),
	}
	// One processor for every instrument gives the same trades as the job's
	// processor per partition: books are per instrument either way.
	proc := match.NewProcessor(ins, book.PriceTime)
	count := &stream.Counter{Next: record.Discard{}}
	buf := make([]byte, 0, 64<<10)
	var o record.Order
	var rec stream.Record
	for i := range n {
		gen.Next(&o)
		if len(buf)+512 > cap(buf) {
			buf = make([]byte, 0, 64<<10)
		}
		start := len(buf)
		buf = record.AppendOrderJSON(buf, &o)
		w.Lines[i] = buf[start:len(buf):len(buf)]
		w.Keys[i] = keys[o.Instrument]
		w.IDs[i] = o.ID
		if o.Action == record.Replace {
			w.Replaced[o.ID] = true
		}
		rec.Value = w.Lines[i]
		proc.Process(&rec, count)
		w.trades[i+1] = int(count.ByKind[record.KindTrade])
	}
	return w, nil
}

// Len is the number of orders.
func (w *Workload) Len() int { return len(w.Lines) }

// Trades is how many trades the first n orders make.
func (w *Workload) Trades(n int) int { return w.trades[min(max(n, 0), len(w.Lines))] }
