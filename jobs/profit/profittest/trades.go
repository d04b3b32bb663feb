// Package profittest generates the profit job's benchmark flow: trade
// lines over many instruments at a fixed rate of event time. It serves the
// file-mode benchmarks in jobs/profit and the Kafka-mode one in
// tests/kafkabench.
package profittest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// TradeGen writes trade lines (docs/CONTRACT.md) for a flow of perSec
// trades per second of event time over n instruments: a cycle of
// templates, each instrument repeats times in a seeded shuffle, completed
// with the timestamp of the current millisecond.
type TradeGen struct {
	Names  []string
	tmpl   [][]byte // everything up to the timestamp's value
	perMs  int64
	pos    int   // next template
	Ms     int64 // event time of the next trade
	inMs   int64 // trades already given at ms
	stamp  []byte
	stampT int64
	line   []byte
}

// NewTradeGen makes the generator; seed fixes the cycle.
func NewTradeGen(n, repeats int, perSec int64, seed uint64) *TradeGen {
	r := rand.New(rand.NewPCG(seed, 11))
	g := &TradeGen{perMs: perSec / 1000, stampT: -1}
	for i := range n {
		g.Names = append(g.Names, fmt.Sprintf("S%05d", i))
	}
	order := make([]int, 0, n*repeats)
	for range repeats {
		for i := range n {
			order = append(order, i)
		}
	}
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for i, in := range order {
		price := 10_000 + r.IntN(1000)
		line := fmt.Appendf(nil, `{"trade_id":%d,"instrument":%q,"price":%d.%02d,"quantity":%d.0,"buy_order_id":%d,"sell_order_id":%d,"buy_trader_id":"T%02d","sell_trader_id":"T%02d","aggressor":"BUY","trade_timestamp":"`,
			i+1, g.Names[in], price/100, price%100, 1+r.IntN(100), 2*i+1, 2*i+2, r.IntN(20), r.IntN(20))
		g.tmpl = append(g.tmpl, line)
	}
	return g
}

// SeekTime makes ms the event time of the next trade.
func (g *TradeGen) SeekTime(ms int64) { g.Ms, g.inMs = ms, 0 }

// Next returns the next trade line, valid until the next call.
func (g *TradeGen) Next() []byte {
	if g.stampT != g.Ms {
		g.stamp = time.UnixMilli(g.Ms).UTC().AppendFormat(g.stamp[:0], "2006-01-02T15:04:05.000Z")
		g.stampT = g.Ms
	}
	g.line = append(append(append(g.line[:0], g.tmpl[g.pos]...), g.stamp...), '"', '}')
	if g.pos++; g.pos == len(g.tmpl) {
		g.pos = 0
	}
	if g.inMs++; g.inMs == g.perMs {
		g.Ms++
		g.inMs = 0
	}
	return g.line
}

// InstrumentsCSV is the instruments reference of the generator's symbols.
func (g *TradeGen) InstrumentsCSV() []byte {
	b := []byte("symbol,tick_size,lot_size,ref_price\n")
	for _, s := range g.Names {
		b = append(append(b, s...), ",0.01,1,100.00\n"...)
	}
	return b
}
