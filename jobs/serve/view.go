package serve

import (
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// Limits bound what the View keeps.
type Limits struct {
	Trades int // recent trades per instrument
	Series int // bars, SMA and profit windows per instrument; top-profit windows
	Orders int // finished orders kept per trader (open ones are always kept)
}

// View is the serving layer's in-memory picture of the market, rebuilt from
// the committed output topics: recent trades, the book feed, bars, SMA and
// profit series per instrument, the top-profit instrument per window, and
// every trader's orders. It is pure: records in, queries out, no I/O, no
// clock, no locking (the Server guards it).
type View struct {
	lim    Limits
	ref    map[string]record.Instrument
	inst   map[string]*instView
	orders map[uint64]*OrderState
	trader map[string]*series[uint64] // finished (or pending) order ids, oldest first
	top    []record.Profit            // rank-1 profit per window, by window end then start
}

type instView struct {
	trades     series[record.Trade]
	bars       series[record.Bar]
	sma        series[record.SMA]
	profit     series[record.Profit]
	book       *bookState    // from the book feed (view_book.go); nil until its first record
	phase      record.Status // the latest trading phase change; Phase "" until the first
	last       record.Trade
	tradeCount int64
	volume     record.Fixed
}

// Level is one price level of the book: the open quantity of the resting
// orders at Price and how many they are.
type Level struct {
	Price    record.Fixed
	Quantity record.Fixed
	Orders   int
}

// Order statuses that are not execution report types.
const (
	StatusPending = "PENDING" // submitted through this server, no report yet
)

// OrderState is what the View knows of one order: its terms and its latest
// state from the execution reports.
type OrderState struct {
	OrderID    uint64
	Instrument string
	TraderID   string
	Side       record.Side
	OrderType  record.OrderType
	TIF        record.TimeInForce
	Price      record.Fixed // limit price (0 for MARKET)
	Quantity   record.Fixed // quantity as accepted or last replaced
	Leaves     record.Fixed
	Filled     record.Fixed
	Status     string // PENDING or the latest report type
	Reason     string // of the latest REJECTED report about this order
	Message    string
	Updated    int64 // time of the latest report, Unix ms UTC

	queued bool // its id is in the trader's finished queue
}

// Open reports whether the order may still trade.
func (o *OrderState) Open() bool {
	switch o.Status {
	case StatusPending:
		return true
	case "ACCEPTED", "PARTIAL_FILL", "REPLACED":
		return o.Leaves > 0
	}
	return false
}

// NewView makes an empty view over the instruments reference (nil: only
// the instruments seen in records are listed).
func NewView(ref *record.Instruments, lim Limits) *View {
	v := &View{lim: lim, ref: map[string]record.Instrument{}, inst: map[string]*instView{},
		orders: map[uint64]*OrderState{}, trader: map[string]*series[uint64]{}}
	if ref != nil {
		for _, in := range ref.List() {
			v.ref[in.Symbol] = in
			v.instrument(in.Symbol)
		}
	}
	return v
}

func (v *View) instrument(sym string) *instView {
	iv, ok := v.inst[sym]
	if !ok {
		iv = &instView{
			trades: newSeries[record.Trade](v.lim.Trades),
			bars:   newSeries[record.Bar](v.lim.Series),
			sma:    newSeries[record.SMA](v.lim.Series),
			profit: newSeries[record.Profit](v.lim.Series),
		}
		v.inst[sym] = iv
	}
	return iv
}

// Known reports whether sym is listed or has been seen in a record.
func (v *View) Known(sym string) bool {
	_, ok := v.inst[sym]
	return ok
}

// apply records an execution report, bar, SMA or profit window or status
// with its Apply method (trades and the book feed have their own paths in
// Server.Ingest); only a status older than the current phase fails.
func (v *View) apply(r record.Record) error {
	switch r := r.(type) {
	case *record.Event:
		v.ApplyEvent(r)
	case *record.Bar:
		v.ApplyBar(r)
	case *record.SMA:
		v.ApplySMA(r)
	case *record.Profit:
		v.ApplyProfit(r)
	case *record.Status:
		return v.ApplyStatus(r)
	}
	return nil
}

// ApplyTrade records a trade.
func (v *View) ApplyTrade(t *record.Trade) {
	iv := v.instrument(t.Instrument)
	iv.trades.push(*t)
	iv.last = *t
	iv.tradeCount++
	iv.volume += t.Quantity
}

// ApplyBar records a bar; a bar with the same start as the latest one
// replaces it.
func (v *View) ApplyBar(b *record.Bar) {
	s := &v.instrument(b.Instrument).bars
	if last, ok := s.last(); ok && last.Start == b.Start {
		*last = *b
		return
	}
	s.push(*b)
}

// ApplySMA records an SMA window (same start as the latest: replaced).
func (v *View) ApplySMA(m *record.SMA) {
	s := &v.instrument(m.Instrument).sma
	if last, ok := s.last(); ok && last.WindowStart == m.WindowStart {
		*last = *m
		return
	}
	s.push(*m)
}

// ApplyProfit records a profit window and, for rank 1, the window's top
// instrument.
func (v *View) ApplyProfit(p *record.Profit) {
	s := &v.instrument(p.Instrument).profit
	if last, ok := s.last(); ok && last.WindowStart == p.WindowStart {
		*last = *p
	} else {
		s.push(*p)
	}
	if p.Rank != 1 {
		return
	}
	i := sort.Search(len(v.top), func(i int) bool {
		t := &v.top[i]
		return t.WindowEnd > p.WindowEnd || (t.WindowEnd == p.WindowEnd && t.WindowStart >= p.WindowStart)
	})
	if i < len(v.top) && v.top[i].WindowEnd == p.WindowEnd && v.top[i].WindowStart == p.WindowStart {
		v.top[i] = *p
		return
	}
	v.top = append(v.top, record.Profit{})
	copy(v.top[i+1:], v.top[i:])
	v.top[i] = *p
	if max := v.lim.Series; max > 0 && len(v.top) > max {
		v.top = append(v.top[:0], v.top[len(v.top)-max:]...)
	}
}

// ApplyStatus records an instrument's trading phase change. Match writes
// an instrument's changes in order of time on one partition, so a change
// older than the instrument's current phase is refused (ReasonBadTimestamp)
// and changes nothing.
func (v *View) ApplyStatus(st *record.Status) error {
	iv := v.instrument(st.Instrument)
	if iv.phase.Phase != "" && st.Time < iv.phase.Time {
		return &record.Error{Reason: record.ReasonBadTimestamp, Message: "time: expected " +
			string(record.AppendTime(nil, iv.phase.Time)) + " (the current phase's) or later, got " + string(record.AppendTime(nil, st.Time))}
	}
	iv.phase = *st
	return nil
}

// Submitted records an order accepted by this server's order entry as
// PENDING, until its first execution report arrives.
func (v *View) Submitted(o *record.Order) {
	if _, ok := v.orders[o.ID]; ok {
		return
	}
	st := &OrderState{OrderID: o.ID, Instrument: o.Instrument, TraderID: o.TraderID, Side: o.Side,
		OrderType: o.Type, TIF: o.TIF, Price: o.Price, Quantity: o.Quantity, Leaves: o.Quantity,
		Status: StatusPending, Updated: o.Time}
	v.orders[o.ID] = st
	v.enqueue(st)
}
