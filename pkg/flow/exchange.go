package flow

import (
	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// ProfileExchange is the profile whose flow uses the exchange rules:
// icebergs, post-only orders, stops, DAY orders, self-trade prevention
// per order and CANCEL_ALL, with cancels and replaces aimed at orders that are still
// live. The generator keeps a shadow book per instrument (pkg/book, as
// match runs it by default: price-time, no --stp, no band) and picks its
// cancels, replaces and mass cancels among the orders that shadow book
// holds, so that under match's defaults none is rejected UNKNOWN_ORDER.
const ProfileExchange = "exchange"

// The exchange profile's shares, in percent: of all orders, the mass
// cancels; of the NEW orders that would be GTC limits, the rule kinds;
// of all NEW orders, those carrying their own stp.
const (
	exCancelAllPct = 1
	exStopPct      = 8
	exIcebergPct   = 12
	exPostOnlyPct  = 10
	exSTPPct       = 15
	exDayPct       = 10 // of the resting NEW limits (plain, iceberg, post-only): DAY
)

// live is one order a shadow book holds.
type live struct {
	id     uint64
	side   record.Side
	trader string
	stop   bool // pending stop: cancellable, not replaceable
}

// shadow is one instrument's shadow book and the orders it holds, as a
// slice (to pick from) and an index into it.
type shadow struct {
	b     *book.Book
	live  []live
	index map[uint64]int
	in    book.Order
}

func newShadow(in record.Instrument) *shadow {
	return &shadow{b: book.New(in, book.PriceTime, 1024), index: make(map[uint64]int)}
}

func (s *shadow) add(l live) {
	if i, ok := s.index[l.id]; ok {
		s.live[i] = l
		return
	}
	s.index[l.id] = len(s.live)
	s.live = append(s.live, l)
}

func (s *shadow) drop(id uint64) {
	i, ok := s.index[id]
	if !ok {
		return
	}
	last := len(s.live) - 1
	s.live[i] = s.live[last]
	s.index[s.live[i].id] = i
	s.live = s.live[:last]
	delete(s.index, id)
}

// OnTrade is part of book.Listener.
func (s *shadow) OnTrade(*book.Trade) {}

// OnEvent keeps the live orders: ACCEPTED adds (a stop as pending),
// TRIGGERED makes a stop an order, and what leaves the book is dropped.
func (s *shadow) OnEvent(e *book.Event) {
	switch e.Type {
	case record.Accepted:
		s.add(live{id: e.OrderID, side: e.Side, trader: e.TraderID, stop: s.in.ID == e.OrderID && s.in.Stop != 0})
	case book.Triggered:
		s.add(live{id: e.OrderID, side: e.Side, trader: e.TraderID})
	case record.Fill, record.Cancelled, record.Expired, record.Killed:
		s.drop(e.OrderID)
	}
}

// apply runs o, whose Price, Quantity and StopPrice are on the
// instrument's tick and lot, through the shadow book.
func (s *shadow) apply(o *record.Order, inst *record.Instrument) {
	s.in = book.Order{ID: o.ID, Ticks: int64(o.Price / inst.TickSize), Lots: int64(o.Quantity / inst.LotSize),
		Time: o.Time, ExpiresAt: o.ExpiresAt, TraderID: o.TraderID, Side: o.Side, Type: o.Type, TIF: o.TIF,
		Action: o.Action, Stop: int64(o.StopPrice / inst.TickSize), Display: int64(o.Display / inst.LotSize),
		STP: book.STPMode(o.STP), PostOnly: o.PostOnly}
	if o.Action == record.Replace {
		_, ticks, lots, _ := s.b.Resting(o.ID)
		if o.Price == 0 {
			s.in.Ticks = ticks
		}
		if o.Quantity == 0 {
			s.in.Lots = lots
		}
	}
	s.b.Apply(&s.in, s)
}

// nextExchange fills o with the next order of the exchange profile.
func (g *Generator) nextExchange(o *record.Order) {
	st, si := g.step()
	sh := g.shadows[si]
	*o = record.Order{Instrument: st.in.Symbol, Time: g.now, TraderID: g.traders[g.rng.IntN(len(g.traders))]}
	m := g.cfg.Mix
	k := g.rng.IntN(g.total)
	switch {
	case g.rng.IntN(100) < exCancelAllPct && len(sh.live) > 0:
		l := sh.live[g.rng.IntN(len(sh.live))]
		o.Action, o.TraderID = record.CancelAll, l.trader
		if g.rng.IntN(2) == 0 {
			o.Side = l.side
		}
		o.ID = g.newID()
	case k < m.Cancel && len(sh.live) > 0:
		l := sh.live[g.rng.IntN(len(sh.live))]
		o.Action, o.ID, o.Side, o.TraderID = record.Cancel, l.id, l.side, l.trader
	case k < m.Cancel+m.Replace && len(sh.live) > 0:
		l := sh.live[g.rng.IntN(len(sh.live))]
		o.Action, o.ID, o.Side, o.TraderID = record.Replace, l.id, l.side, l.trader
		if l.stop {
			o.Action = record.Cancel
			break
		}
		g.price(st, o)
		if g.rng.IntN(2) == 0 {
			o.Quantity = st.in.LotSize * record.Fixed(1+g.rng.IntN(100))
		}
	default:
		g.newExchangeOrder(st, o)
	}
	sh.apply(o, &st.in)
}

// newExchangeOrder fills o with a NEW order of the exchange profile.
func (g *Generator) newExchangeOrder(st *instState, o *record.Order) {
	m := g.cfg.Mix
	o.ID = g.newID()
	o.Side = record.Buy
	if g.rng.IntN(2) == 0 {
		o.Side = record.Sell
	}
	lots := 1 + g.rng.IntN(100)
	o.Quantity = st.in.LotSize * record.Fixed(lots)
	if g.rng.IntN(100) < exSTPPct {
		o.STP = record.STP(1 + g.rng.IntN(3))
	}
	k := g.rng.IntN(m.Limit + m.IOC + m.FOK + m.Market)
	switch {
	case k < m.Market:
		o.Type = record.Market
		return
	case k < m.Market+m.IOC:
		o.TIF = record.IOC
		g.price(st, o)
		return
	case k < m.Market+m.IOC+m.FOK:
		o.TIF = record.FOK
		g.price(st, o)
		return
	}
	switch r := g.rng.IntN(100); {
	case r < exStopPct:
		// A BUY stop above the mid, a SELL stop below it: the walk reaches
		// it now and then. Half are STOP_LIMITs a few ticks beyond.
		dist := 1 + g.rng.Int64N(4)
		trigger := st.mid + dist
		if o.Side == record.Sell {
			trigger = max(st.mid-dist, 1)
		}
		o.StopPrice = record.Fixed(trigger) * st.in.TickSize
		if g.rng.IntN(2) == 0 {
			o.Type = record.Market
			return
		}
		limit := trigger + 2
		if o.Side == record.Sell {
			limit = max(trigger-2, 1)
		}
		o.Price = record.Fixed(limit) * st.in.TickSize
		return
	case r < exStopPct+exIcebergPct:
		g.price(st, o)
		o.Display = st.in.LotSize * record.Fixed(1+g.rng.IntN(max(lots/4, 1)))
	case r < exStopPct+exIcebergPct+exPostOnlyPct:
		g.price(st, o)
		o.PostOnly = true
	default:
		g.price(st, o)
	}
	if g.rng.IntN(100) < exDayPct {
		o.TIF = record.DAY
	}
	if g.rng.IntN(100) < g.cfg.ExpiringPct {
		o.ExpiresAt = g.now + 1000*(30+g.rng.Int64N(600))
	}
}

func (g *Generator) newID() uint64 {
	id := g.nextID
	g.nextID++
	return id
}
