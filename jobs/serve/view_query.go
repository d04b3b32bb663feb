package serve

import (
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// InstrumentInfo is an instrument with its latest trade.
type InstrumentInfo struct {
	record.Instrument
	Listed     bool // in the instruments reference
	LastPrice  record.Fixed
	LastTime   int64
	TradeCount int64
	Volume     record.Fixed
	Phase      string // trading phase from match's status records; "" until the first
	PhaseSince int64  // when Phase began, Unix ms UTC
}

// Instruments lists the listed and seen instruments by symbol.
func (v *View) Instruments() []InstrumentInfo {
	out := make([]InstrumentInfo, 0, len(v.inst))
	for sym, iv := range v.inst {
		in, listed := v.ref[sym]
		if !listed {
			in = record.Instrument{Symbol: sym}
		}
		out = append(out, InstrumentInfo{Instrument: in, Listed: listed, LastPrice: iv.last.Price,
			LastTime: iv.last.Time, TradeCount: iv.tradeCount, Volume: iv.volume, Phase: iv.phase.Phase, PhaseSince: iv.phase.Time})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Symbol < out[j].Symbol })
	return out
}

// Trades returns the newest n trades of sym (all kept when n <= 0), oldest
// first.
func (v *View) Trades(sym string, n int) []record.Trade {
	if iv, ok := v.inst[sym]; ok {
		return iv.trades.tail(n)
	}
	return nil
}

// Bars returns the newest n bars of sym, oldest first.
func (v *View) Bars(sym string, n int) []record.Bar {
	if iv, ok := v.inst[sym]; ok {
		return iv.bars.tail(n)
	}
	return nil
}

// SMAs returns the newest n SMA windows of sym, oldest first.
func (v *View) SMAs(sym string, n int) []record.SMA {
	if iv, ok := v.inst[sym]; ok {
		return iv.sma.tail(n)
	}
	return nil
}

// Profits returns the newest n profit windows of sym, oldest first.
func (v *View) Profits(sym string, n int) []record.Profit {
	if iv, ok := v.inst[sym]; ok {
		return iv.profit.tail(n)
	}
	return nil
}

// TopProfit returns the rank-1 profit record of the newest n windows
// (latest first) ; the first is the top-profit instrument of the latest
// window.
func (v *View) TopProfit(n int) []record.Profit {
	if n <= 0 || n > len(v.top) {
		n = len(v.top)
	}
	out := make([]record.Profit, n)
	for i := range out {
		out[i] = v.top[len(v.top)-1-i]
	}
	return out
}
