package book

import (
	"fmt"
	"strings"

	"github.com/bourse/bourse/pkg/record"
)

// testInst has a tick and a lot that are not 1, so that a confusion of
// ticks/lots with Fixed values shows.
var testInst = record.Instrument{
	Symbol:   "TST",
	TickSize: record.MustFixed("0.05"),
	LotSize:  record.MustFixed("10"),
}

// out is one record a book produced: a trade or an event.
type out struct {
	trade  bool
	t      record.Trade
	e      record.Event
	status bool // a phase change (Apply only)
	s      Status
}

func (o out) String() string {
	if o.status {
		return fmt.Sprintf("STATUS %s at=%d", o.s.Phase, o.s.At)
	}
	if o.trade {
		t := o.t
		return fmt.Sprintf("TRADE #%d %s x %s buy=%d(%s) sell=%d(%s) aggr=%s t=%d",
			t.TradeID, t.Price, t.Quantity, t.BuyOrderID, t.BuyTrader, t.SellOrderID, t.SellTrader, t.Aggressor, t.Time)
	}
	e := o.e
	s := fmt.Sprintf("%s id=%d %s %s %s %s px=%s qty=%s leaves=%s filled=%s",
		e.Type, e.OrderID, e.Side, e.OrderType, e.TIF, e.TraderID, e.Price, e.Quantity, e.Leaves, e.Filled)
	if e.TradeID != 0 {
		s += fmt.Sprintf(" trade=%d", e.TradeID)
	}
	if e.Reason != "" {
		s += " reason=" + e.Reason
	}
	return s + fmt.Sprintf(" t=%d", e.Time)
}

// recorder is an Emitter that copies everything it receives.
type recorder struct{ outs []out }

func (r *recorder) Emit(x record.Record) {
	switch x := x.(type) {
	case *record.Trade:
		r.outs = append(r.outs, out{trade: true, t: *x})
	case *record.Event:
		r.outs = append(r.outs, out{e: *x})
	}
}

func (r *recorder) take() []out {
	o := r.outs
	r.outs = nil
	return o
}

func dump(outs []out) string {
	var sb strings.Builder
	for _, o := range outs {
		sb.WriteString("  ")
		sb.WriteString(o.String())
		sb.WriteByte('\n')
	}
	return sb.String()
}

// ord builds a validated order for testInst: prices in ticks, quantities in
// lots, with Price/Quantity filled in as Validate would.
type ord struct {
	id     uint64
	act    record.Action
	side   record.Side
	typ    record.OrderType
	tif    record.TimeInForce
	ticks  int64
	lots   int64
	time   int64
	exp    int64
	trader string
	// the opt-in rules' fields (Order.Stop, Display, STP, PostOnly)
	stop, display int64
	stpm          STPMode
	post          bool
}

func (s ord) order() *record.Order {
	o := &record.Order{
		ID: s.id, Instrument: testInst.Symbol, Side: s.side, Type: s.typ, TIF: s.tif, Action: s.act,
		Ticks: s.ticks, Lots: s.lots, Time: s.time, ExpiresAt: s.exp, TraderID: s.trader,
		Price: record.Fixed(s.ticks) * testInst.TickSize, Quantity: record.Fixed(s.lots) * testInst.LotSize,
	}
	if o.TraderID == "" {
		o.TraderID = fmt.Sprintf("T%d", s.id%7)
	}
	return o
}

func buy(id uint64, ticks, lots int64) ord {
	return ord{id: id, side: record.Buy, ticks: ticks, lots: lots}
}

func sell(id uint64, ticks, lots int64) ord {
	return ord{id: id, side: record.Sell, ticks: ticks, lots: lots}
}

func cancelOf(id uint64) ord { return ord{id: id, act: record.Cancel, side: record.Buy} }

func replaceOf(id uint64, ticks, lots int64) ord {
	return ord{id: id, act: record.Replace, side: record.Buy, ticks: ticks, lots: lots}
}

func (s ord) at(t int64) ord       { s.time = t; return s }
func (s ord) expires(t int64) ord  { s.exp = t; return s }
func (s ord) ioc() ord             { s.tif = record.IOC; return s }
func (s ord) fok() ord             { s.tif = record.FOK; return s }
func (s ord) market() ord          { s.typ = record.Market; s.ticks = 0; return s }
func (s ord) by(trader string) ord { s.trader = trader; return s }
func (s ord) stopAt(t int64) ord   { s.stop = t; return s }
func (s ord) iceberg(d int64) ord  { s.display = d; return s }
func (s ord) stp(m STPMode) ord    { s.stpm = m; return s }
func (s ord) postOnly() ord        { s.post = true; return s }

func cancelAllOf(trader string, side record.Side) ord {
	return ord{act: MassCancel, side: side, trader: trader}
}

func (s ord) day() ord { s.tif = DAY; return s }
