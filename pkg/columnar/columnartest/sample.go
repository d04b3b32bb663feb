// Package columnartest makes deterministic record sets for the storage
// tests: edge values (MaxValue prices and quantities, timestamps on day
// boundaries, unicode and empty strings) and bulk trades, and writes them
// as micro-batches.
package columnartest

import (
	"fmt"

	"github.com/bourse/bourse/pkg/columnar"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// Day0 is 2023-03-12T00:00:00.000Z in Unix ms, the first day of the samples.
const Day0 int64 = 1678579200000

// Set is one record slice per dataset.
type Set struct {
	Orders   []record.Order
	Trades   []record.Trade
	Events   []record.Event
	Bars     []record.Bar
	SMAs     []record.SMA
	Profits  []record.Profit
	Rejects  []record.Reject
	Statuses []record.Status
}

// Len is the total number of records.
func (s *Set) Len() int {
	return len(s.Orders) + len(s.Trades) + len(s.Events) + len(s.Bars) + len(s.SMAs) + len(s.Profits) + len(s.Rejects) + len(s.Statuses)
}

// Instruments used by the samples.
var Instruments = []string{"INFY", "RIL", "TCS"}

// Edge times: the last and first millisecond around Day0 and Day0+1.
var EdgeTimes = []int64{Day0 - 1, Day0, Day0 + 86_400_000 - 1, Day0 + 86_400_000}

var traders = []string{"T1", "trader-ü-日本", "", "Ωmega 🚀"}

var phases = []string{"PRE_OPEN", "BUFFER", "CONTINUOUS", "HALTED", "CLOSED"}

// Edge returns a small set with n records per dataset that covers the edge
// values, spread over Day0-1 .. Day0+1. Orders set the exchange-rule
// fields in turns (each alone, all at once, none), with edge values too.
func Edge(n int) *Set {
	s := &Set{}
	big := record.MaxValue
	for i := 0; i < n; i++ {
		t := EdgeTimes[i%len(EdgeTimes)] + int64(i/len(EdgeTimes))*1000
		ins := Instruments[i%len(Instruments)]
		px := record.MustFixed("1500.25") + record.Fixed(i)
		qty := record.Fixed(int64(i+1)) * record.One
		if i%5 == 0 {
			px, qty = big, big
		}
		if i%7 == 3 {
			px = 1 // 0.00000001
		}
		tr := traders[i%len(traders)]
		var exp int64
		if i%3 == 1 {
			exp = t + 60_000
		}
		s.Orders = append(s.Orders, record.Order{
			ID: uint64(i + 1), Instrument: ins, Side: record.Side(1 + i%2), Type: record.OrderType(i % 2),
			TIF: record.TimeInForce(i % 3), Action: record.Action(i % 3), Price: px, Quantity: qty,
			Time: t, ExpiresAt: exp, TraderID: tr,
		})
		setRules(&s.Orders[i], i, big)
		s.Trades = append(s.Trades, record.Trade{
			TradeID: uint64(i + 1), Instrument: ins, Price: px, Quantity: qty,
			BuyOrderID: uint64(2*i + 1), SellOrderID: ^uint64(i), BuyTrader: tr,
			SellTrader: traders[(i+1)%len(traders)], Aggressor: record.Side(1 + i%2), Time: t,
		})
		ev := record.Event{
			Type: record.EventType(1 + i%8), OrderID: uint64(i + 1), Instrument: ins, TraderID: tr,
			Side: record.Side(1 + i%2), OrderType: record.OrderType(i % 2), TIF: record.TimeInForce(i % 3),
			Price: px, Quantity: qty, Leaves: qty / 2, Filled: qty - qty/2, TradeID: uint64(i), Time: t,
		}
		if ev.Type == record.Rejected {
			ev.Instrument, ev.Reason, ev.Message, ev.Raw = "", record.ReasonBadJSON, "bad json: ü", `{"id":`
		}
		s.Events = append(s.Events, ev)
		s.Bars = append(s.Bars, record.Bar{
			Instrument: ins, Start: t, End: t + 60_000, Open: px, High: px + 5, Low: px - px/2,
			Close: px - 1, Volume: qty, VWAP: px - 2, Count: int64(i + 1),
		})
		s.SMAs = append(s.SMAs, record.SMA{
			Instrument: ins, WindowStart: t, WindowEnd: t + 300_000, SMA: px - 3, Bars: int64(i%5 + 1),
		})
		s.Profits = append(s.Profits, record.Profit{
			Instrument: ins, WindowStart: t, WindowEnd: t + 300_000, AvgOpen: px, AvgClose: px / 2,
			Profit: px/2 - px, Rank: int64(i%len(Instruments) + 1), Bars: int64(i%5 + 1),
		})
		s.Statuses = append(s.Statuses, record.Status{Instrument: ins, Phase: phases[i%len(phases)], Time: t})
		s.Rejects = append(s.Rejects, record.Reject{
			Source: fmt.Sprintf("trades/0@%d", i), Reason: record.ReasonBadField,
			Message: traders[i%len(traders)], Raw: fmt.Sprintf(`{"n":%d}`, i),
		})
	}
	return s
}

// setRules sets the exchange-rule fields of the i-th edge order: none for
// i%6 == 0 (and so for most flows), one of them for 1..4, every one at
// its edge value (big, the smallest unit) for 5.
func setRules(o *record.Order, i int, big record.Fixed) {
	switch i % 6 {
	case 1:
		o.StopPrice = o.Price + record.One
	case 2:
		o.Display = record.One
	case 3:
		o.PostOnly = true
	case 4:
		o.STP = record.STP(1 + i/6%3)
	case 5:
		o.StopPrice, o.Display, o.PostOnly, o.STP = big, 1, true, record.STPCancelBoth
	}
}

// BulkTrades returns n trades over the instruments in trade-id order from
// Day0, pseudo-random but deterministic: prices walk by whole ticks around
// 1500, quantities 1..500, 2000 traders, 0..20 ms between trades.
func BulkTrades(n int) []record.Trade {
	out := make([]record.Trade, n)
	k := len(Instruments)
	x := uint64(88172645463325252)
	rnd := func(m uint64) uint64 { // xorshift64
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x % m
	}
	ticks := make([]int64, k)
	for i := range ticks {
		ticks[i] = 150000
	}
	t, oid := Day0, uint64(0)
	for i := range out {
		j := i % k
		ticks[j] += int64(rnd(21)) - 10
		t += int64(rnd(21))
		oid += 1 + rnd(5)
		out[i] = record.Trade{
			TradeID:     uint64(i/k + 1),
			Instrument:  Instruments[j],
			Price:       record.Fixed(ticks[j]) * record.One / 100,
			Quantity:    record.Fixed(1+rnd(500)) * record.One,
			BuyOrderID:  oid - rnd(1000),
			SellOrderID: oid,
			BuyTrader:   fmt.Sprintf("T%04d", rnd(2000)),
			SellTrader:  fmt.Sprintf("T%04d", rnd(2000)),
			Aggressor:   record.Side(1 + rnd(2)),
			Time:        t,
		}
	}
	return out
}

// Write emits every record of s to w, one input offset per record (from
// first), flushing a range every perBatch offsets. It returns the next
// offset.
func Write(w *columnar.BatchWriter, s *Set, source string, first int64, perBatch int) (int64, error) {
	off, start := first, first
	step := func(emit func()) error {
		w.SetOffset(off)
		emit()
		off++
		if off-start == int64(perBatch) {
			if err := w.Flush(stream.Range{Source: source, First: start, Last: off - 1}); err != nil {
				return err
			}
			start = off
		}
		return nil
	}
	var err error
	for i := range s.Orders {
		err = firstErr(err, step(func() { w.Order(&s.Orders[i]) }))
	}
	for i := range s.Trades {
		err = firstErr(err, step(func() { w.Emit(&s.Trades[i]) }))
	}
	for i := range s.Events {
		err = firstErr(err, step(func() { w.Emit(&s.Events[i]) }))
	}
	for i := range s.Bars {
		err = firstErr(err, step(func() { w.Emit(&s.Bars[i]) }))
	}
	for i := range s.SMAs {
		err = firstErr(err, step(func() { w.Emit(&s.SMAs[i]) }))
	}
	for i := range s.Profits {
		err = firstErr(err, step(func() { w.Emit(&s.Profits[i]) }))
	}
	for i := range s.Rejects {
		err = firstErr(err, step(func() { w.Emit(&s.Rejects[i]) }))
	}
	for i := range s.Statuses {
		err = firstErr(err, step(func() { w.Emit(&s.Statuses[i]) }))
	}
	if err == nil && off > start {
		err = w.Flush(stream.Range{Source: source, First: start, Last: off - 1})
	}
	return off, err
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
