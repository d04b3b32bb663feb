package book

import (
	"fmt"
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// refBook is a deliberately naive matcher: one flat slice of resting
// orders, linear scans for everything, priority by an explicit arrival
// sequence. It shares nothing with Book (its reject messages are built with fmt
// below), and the differential tests require both to produce identical
// records.
type refBook struct {
	inst     record.Instrument
	policy   Policy
	clock    int64
	tradeSeq uint64
	seq      uint64
	rest     []refOrder
	out      []out
	rules    Rules
	stops    []refOrder // pending stops, in acceptance order
	ph       refPhases  // the session (reference_phase_test.go)
}

type refOrder struct {
	id          uint64
	side        record.Side
	typ         record.OrderType
	tif         record.TimeInForce
	ticks, lots int64
	filled, exp int64
	trader      string
	seq         uint64
	// the rules' fields
	stp     STPMode
	post    bool
	display int64 // > 0: an iceberg, showing lots and hiding hidden
	hidden  int64
	stop    int64 // the trigger of a pending stop
	fired   bool  // a pending stop a trade has triggered
	stpCut  bool  // the aggressor was cancelled by self-trade prevention
}

func (o *refOrder) open() int64 { return o.lots + o.hidden }

func newRef(inst record.Instrument, p Policy) *refBook { return &refBook{inst: inst, policy: p} }

func (r *refBook) px(t int64) record.Fixed { return record.Fixed(t) * r.inst.TickSize }
func (r *refBook) qt(l int64) record.Fixed { return record.Fixed(l) * r.inst.LotSize }

func (r *refBook) eventWhy(typ record.EventType, o *refOrder, why string) {
	r.event(typ, o, o.ticks, o.open(), 0)
	r.out[len(r.out)-1].e.Reason = why
}

func (r *refBook) event(typ record.EventType, o *refOrder, price int64, qty, leaves int64) {
	r.out = append(r.out, out{e: record.Event{
		Type: typ, OrderID: o.id, Instrument: r.inst.Symbol, TraderID: o.trader,
		Side: o.side, OrderType: o.typ, TIF: o.tif, Price: r.px(price), Quantity: r.qt(qty),
		Leaves: r.qt(leaves), Filled: r.qt(o.filled), Time: r.clock,
	}})
}

func (r *refBook) rejectEv(o *record.Order, reason, msg string) {
	r.out = append(r.out, out{e: record.Event{
		Type: record.Rejected, OrderID: o.ID, Instrument: r.inst.Symbol, TraderID: o.TraderID,
		Side: o.Side, OrderType: o.Type, TIF: o.TIF, Price: o.Price, Quantity: o.Quantity,
		Reason: reason, Message: msg, Time: r.clock,
	}})
}

func (r *refBook) find(id uint64) int {
	for i := range r.rest {
		if r.rest[i].id == id {
			return i
		}
	}
	return -1
}

func (r *refBook) del(i int) { r.rest = append(r.rest[:i], r.rest[i+1:]...) }

func (r *refBook) submit(o *record.Order) []out { return r.submitRules(o, nil) }

// submitRules is submit with the rules' fields of x (nil: none).
func (r *refBook) submitRules(o *record.Order, x *Order) []out {
	r.out = nil
	prev := r.clock
	if o.Time > r.clock {
		r.clock = o.Time
	}
	var tag uint64
	if x != nil {
		tag = x.Tag
	}
	r.runSession(prev, tag)
	r.ph.now = r.clock
	r.expireBefore(r.clock)
	return r.handle(o, x)
}

// expireBefore expires the orders and stops whose expiry is before t.
func (r *refBook) expireBefore(t int64) {
	var exp []refOrder
	var keep, keepStops []refOrder
	for _, x := range r.rest {
		if x.exp != 0 && x.exp < t {
			exp = append(exp, x)
		} else {
			keep = append(keep, x)
		}
	}
	for _, x := range r.stops {
		if x.exp != 0 && x.exp < t {
			exp = append(exp, x)
		} else {
			keepStops = append(keepStops, x)
		}
	}
	r.stops = keepStops
	sort.Slice(exp, func(i, j int) bool {
		if exp[i].exp != exp[j].exp {
			return exp[i].exp < exp[j].exp
		}
		return exp[i].id < exp[j].id
	})
	for i := range exp {
		r.event(record.Expired, &exp[i], exp[i].ticks, exp[i].open(), 0)
	}
	r.rest = keep
}

func (r *refBook) handle(o *record.Order, x *Order) []out {
	switch o.Action {
	case record.New:
		r.submitNew(o, x)
	case record.Cancel:
		i := r.find(o.ID)
		if i < 0 {
			if j := r.findStop(o.ID); j >= 0 {
				if s := r.stops[j]; s.trader != "" && s.trader != o.TraderID {
					r.rejectEv(o, record.ReasonNotOwner, msgNotOwner(o))
				} else {
					r.event(record.Cancelled, &s, s.ticks, s.lots, 0)
					r.stops = append(r.stops[:j], r.stops[j+1:]...)
				}
				break
			}
			r.rejectEv(o, record.ReasonUnknownOrder, msgUnknown(o.ID, r.inst.Symbol))
			break
		}
		x := r.rest[i]
		if x.trader != "" && x.trader != o.TraderID {
			r.rejectEv(o, record.ReasonNotOwner, msgNotOwner(o))
			break
		}
		r.event(record.Cancelled, &x, x.ticks, x.open(), 0)
		r.del(i)
	case record.Replace:
		r.replace(o)
	case MassCancel:
		r.massCancel(o)
	default:
		r.rejectEv(o, record.ReasonBadField, msgAction(o.Action))
	}
	if r.ph.phase == Continuous {
		r.runStops()
	}
	return r.out
}

func (r *refBook) submitNew(o *record.Order, x *Order) {
	if x == nil {
		x = &Order{}
	}
	if o.Side != record.Buy && o.Side != record.Sell {
		r.rejectEv(o, record.ReasonBadField, msgSide(o.Side))
		return
	}
	if o.Type > record.Market || o.TIF > DAY {
		r.rejectEv(o, record.ReasonBadField, msgKind(o))
		return
	}
	if r.policy == Exact && (o.Type != record.Limit || o.TIF != record.GTC) {
		r.rejectEv(o, record.ReasonUnsupported, msgUnsupportedNew(o))
		return
	}
	if o.Lots <= 0 {
		r.rejectEv(o, record.ReasonNonPositive, msgLots(o.Lots))
		return
	}
	if o.Type == record.Limit && o.Ticks <= 0 {
		r.rejectEv(o, record.ReasonNonPositive, msgTicks(o.Ticks))
		return
	}
	if r.find(o.ID) >= 0 {
		r.rejectEv(o, record.ReasonDuplicateID, msgDuplicate(o.ID, r.inst.Symbol))
		return
	}
	if r.findStop(o.ID) >= 0 {
		r.rejectEv(o, record.ReasonDuplicateID, msgDuplicate(o.ID, r.inst.Symbol))
		return
	}
	if o.ExpiresAt != 0 && o.ExpiresAt < r.clock {
		r.rejectEv(o, record.ReasonExpired, msgExpired(o.ExpiresAt, r.clock))
		return
	}
	if why := r.ruleReject(o, x); why != "" {
		r.rejectEv(o, why, r.ruleMsg(why, o.Ticks))
		return
	}
	if why := r.phaseReject(o, x); why != "" {
		r.rejectEv(o, why, "")
		return
	}
	a := refOrder{id: o.ID, side: o.Side, typ: o.Type, tif: o.TIF, lots: o.Lots, exp: o.ExpiresAt, trader: o.TraderID,
		stp: x.STP, post: x.PostOnly, display: x.Display}
	if o.Type == record.Limit {
		a.ticks = o.Ticks
	}
	r.event(record.Accepted, &a, a.ticks, a.lots, a.lots)
	if r.policy != Exact && x.Stop != 0 {
		a.stop = x.Stop
		r.stops = append(r.stops, a)
		return
	}
	if r.ph.phase != Continuous {
		r.restAt(a)
		return
	}
	r.execute(a)
}

// execute runs an accepted order (a NEW, or a triggered stop).
func (r *refBook) execute(a refOrder) {
	if r.policy == Exact {
		best := -1
		for i, x := range r.rest {
			if x.side != a.side && x.ticks == a.ticks && x.lots == a.lots && (best < 0 || x.seq < r.rest[best].seq) {
				best = i
			}
		}
		if best >= 0 {
			r.fill(&a, best)
		}
	} else {
		if a.tif == record.FOK && !r.wouldFill(a) {
			r.event(record.Killed, &a, a.ticks, a.lots, 0)
			return
		}
		r.match(&a)
	}
	switch {
	case a.lots == 0:
	case a.typ == record.Market || (a.tif != record.GTC && a.tif != DAY):
		r.event(record.Cancelled, &a, a.ticks, a.lots, 0)
	default:
		r.restAt(a)
	}
}

// restAt rests a at the back of its level, an iceberg showing its display.
func (r *refBook) restAt(a refOrder) {
	if a.display > 0 {
		total := a.open()
		a.lots = min(a.display, total)
		a.hidden = total - a.lots
	}
	r.seq++
	a.seq = r.seq
	r.rest = append(r.rest, a)
}

func (r *refBook) acceptable(a *refOrder, p int64) bool {
	switch {
	case a.typ == record.Market:
		return true
	case a.side == record.Buy:
		return p <= a.ticks
	default:
		return p >= a.ticks
	}
}

func (r *refBook) match(a *refOrder) {
	stp := a.stp
	if stp == STPOff {
		stp = r.rules.STP
	}
	if a.trader == "" {
		stp = STPOff
	}
	for a.lots > 0 {
		best := -1
		for i, x := range r.rest {
			if x.side == a.side || !r.acceptable(a, x.ticks) {
				continue
			}
			if best < 0 {
				best = i
				continue
			}
			b := r.rest[best]
			better := (a.side == record.Buy && x.ticks < b.ticks) || (a.side == record.Sell && x.ticks > b.ticks)
			if better || (x.ticks == b.ticks && x.seq < b.seq) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		if r.breaches(r.rest[best].ticks) {
			r.halt()
			return
		}
		if x := r.rest[best]; stp != STPOff && x.trader == a.trader {
			if stp != STPCancelNewest {
				r.eventWhy(record.Cancelled, &x, "SELF_TRADE")
				r.del(best)
			}
			if stp != STPCancelOldest {
				r.eventWhy(record.Cancelled, a, "SELF_TRADE")
				a.lots, a.stpCut = 0, true
			}
			continue
		}
		r.fill(a, best)
	}
}

// fill trades the aggressor a against r.rest[i] for the smaller quantity.
func (r *refBook) fill(a *refOrder, i int) {
	x := &r.rest[i]
	q := min(a.lots, x.lots)
	a.lots -= q
	a.filled += q
	x.lots -= q
	x.filled += q
	r.tradeSeq++
	r.ph.last = x.ticks
	r.ph.prints = append(r.ph.prints, refPrint{r.ph.now, x.ticks})
	for i := range r.stops {
		if s := &r.stops[i]; (s.side == record.Buy && x.ticks >= s.stop) || (s.side == record.Sell && x.ticks <= s.stop) {
			s.fired = true
		}
	}
	t := record.Trade{TradeID: r.tradeSeq, Instrument: r.inst.Symbol, Price: r.px(x.ticks), Quantity: r.qt(q),
		Aggressor: a.side, Time: r.clock}
	if a.side == record.Buy {
		t.BuyOrderID, t.BuyTrader, t.SellOrderID, t.SellTrader = a.id, a.trader, x.id, x.trader
	} else {
		t.BuyOrderID, t.BuyTrader, t.SellOrderID, t.SellTrader = x.id, x.trader, a.id, a.trader
	}
	r.out = append(r.out, out{trade: true, t: t})
	for _, o := range []*refOrder{a, x} {
		typ := record.PartialFill
		if o.open() == 0 {
			typ = record.Fill
		}
		r.event(typ, o, x.ticks, q, o.open())
		r.out[len(r.out)-1].e.TradeID = r.tradeSeq
	}
	switch {
	case x.lots > 0:
	case x.hidden > 0: // an iceberg shows its next part, at the back
		x.lots = min(x.display, x.hidden)
		x.hidden -= x.lots
		r.seq++
		x.seq = r.seq
	default:
		r.del(i)
	}
}

func (r *refBook) replace(o *record.Order) {
	if r.policy == Exact {
		r.rejectEv(o, record.ReasonUnsupported, msgUnsupportedReplace())
		return
	}
	i := r.find(o.ID)
	if i < 0 {
		if j := r.findStop(o.ID); j >= 0 {
			if s := r.stops[j]; s.trader != "" && s.trader != o.TraderID {
				r.rejectEv(o, record.ReasonNotOwner, msgNotOwner(o))
			} else {
				r.rejectEv(o, record.ReasonUnsupported, msgStopReplace(o.ID))
			}
			return
		}
		r.rejectEv(o, record.ReasonUnknownOrder, msgUnknown(o.ID, r.inst.Symbol))
		return
	}
	x := r.rest[i]
	if x.trader != "" && x.trader != o.TraderID {
		r.rejectEv(o, record.ReasonNotOwner, msgNotOwner(o))
		return
	}
	if r.ph.phase == Buffer || r.ph.phase == Closed { // PRE_OPEN and HALTED take it
		r.rejectEv(o, "CLOSED", "")
		return
	}
	ticks, lots := x.ticks, x.open()
	if o.Price != 0 {
		ticks = o.Ticks
	}
	if o.Quantity != 0 {
		lots = o.Lots
	}
	if ticks <= 0 {
		r.rejectEv(o, record.ReasonNonPositive, msgTicks(ticks))
		return
	}
	if lots <= 0 {
		r.rejectEv(o, record.ReasonNonPositive, msgLots(lots))
		return
	}
	if ticks != x.ticks && !r.inBand(ticks) {
		r.rejectEv(o, "PRICE_BAND", r.ruleMsg("PRICE_BAND", ticks))
		return
	}
	if x.post && r.crossesBook(x.side, ticks) {
		r.rejectEv(o, "WOULD_TRADE", r.ruleMsg("WOULD_TRADE", ticks))
		return
	}
	if ticks == x.ticks && lots <= x.open() {
		y := &r.rest[i]
		cut := y.open() - lots
		h := min(cut, y.hidden)
		y.hidden -= h
		y.lots -= cut - h
		r.event(record.Replaced, y, ticks, lots, lots)
		return
	}
	r.del(i)
	x.ticks, x.lots, x.hidden = ticks, lots, 0
	r.event(record.Replaced, &x, ticks, lots, lots)
	if r.ph.phase == Continuous {
		r.match(&x)
	}
	if x.lots > 0 {
		r.restAt(x)
	}
}

// depth aggregates the reference's resting orders like Book.Depth.
func (r *refBook) depth(side record.Side) []Level {
	m := map[int64]*Level{}
	for _, x := range r.rest {
		if x.side != side {
			continue
		}
		l := m[x.ticks]
		if l == nil {
			l = &Level{Ticks: x.ticks}
			m[x.ticks] = l
		}
		l.Lots += x.lots
		l.Orders++
	}
	var ls []Level
	for _, l := range m {
		ls = append(ls, *l)
	}
	sort.Slice(ls, func(i, j int) bool {
		if side == record.Buy {
			return ls[i].Ticks > ls[j].Ticks
		}
		return ls[i].Ticks < ls[j].Ticks
	})
	return ls
}

// ids lists the resting order ids, oldest first.
func (r *refBook) ids() []uint64 {
	ids := make([]uint64, len(r.rest))
	for i, x := range r.rest {
		ids[i] = x.id
	}
	return ids
}

// The reference builds reject messages with fmt, independently of the
// Book's appends: the differential test compares them byte for byte.

func msgAction(a record.Action) string {
	return fmt.Sprintf("expected action NEW, CANCEL or REPLACE, received action code %d", uint8(a))
}

func msgSide(s record.Side) string {
	return fmt.Sprintf("expected side BUY or SELL, received side code %d", uint8(s))
}

func msgKind(o *record.Order) string {
	return fmt.Sprintf("expected order type LIMIT or MARKET and time in force GTC, IOC, FOK or DAY, received codes %d and %d", uint8(o.Type), uint8(o.TIF))
}

func msgLots(lots int64) string {
	return fmt.Sprintf("expected a positive quantity in lots, received %d lots", lots)
}

func msgTicks(ticks int64) string {
	return fmt.Sprintf("expected a positive limit price in ticks, received %d ticks", ticks)
}

func msgDuplicate(id uint64, symbol string) string {
	return fmt.Sprintf("expected a new order id, received id %d which is already resting on %s", id, symbol)
}

func msgUnknown(id uint64, symbol string) string {
	return fmt.Sprintf("expected the id of an order resting on %s, received id %d which is not resting", symbol, id)
}

func msgExpired(expires, clock int64) string {
	return fmt.Sprintf("expected expires_at at or after the instrument clock %d, received %d", clock, expires)
}

func msgUnsupportedNew(o *record.Order) string {
	return fmt.Sprintf("expected a LIMIT GTC order under the exact matching policy, received %s %s", o.Type, o.TIF)
}

func msgUnsupportedReplace() string {
	return "expected NEW, CANCEL or CANCEL_ALL under the exact matching policy, received REPLACE"
}

func msgNotOwner(o *record.Order) string {
	return fmt.Sprintf("expected the trader_id that entered order %d, received %q", o.ID, o.TraderID)
}
