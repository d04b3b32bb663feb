package book

import (
	"fmt"
	"slices"

	"github.com/bourse/bourse/pkg/record"
)

// The reference matcher's rules, as naive as the rest of it: FOK by
// matching a copy of the book, stops by scanning the pending list, mass
// cancel by sorting the trader's orders into priority order.

func (r *refBook) findStop(id uint64) int {
	for i := range r.stops {
		if r.stops[i].id == id {
			return i
		}
	}
	return -1
}

func (r *refBook) inBand(ticks int64) bool {
	if r.rules.BandBP == 0 {
		return true
	}
	ref, bp := r.rules.BandRef, r.rules.BandBP
	// ref×(1-bp/10⁴) <= ticks <= ref×(1+bp/10⁴), in integers
	return ticks*10_000 >= ref*(10_000-bp) && ticks*10_000 <= ref*(10_000+bp)
}

// crossesBook reports whether a LIMIT at ticks on side meets any resting
// opposite order.
func (r *refBook) crossesBook(side record.Side, ticks int64) bool {
	a := refOrder{side: side, ticks: ticks}
	for _, x := range r.rest {
		if x.side != side && r.acceptable(&a, x.ticks) {
			return true
		}
	}
	return false
}

// ruleReject checks a NEW against the rules, as Book.checkRules does.
func (r *refBook) ruleReject(o *record.Order, x *Order) string {
	if x.Stop == 0 && x.Display == 0 && x.STP == 0 && !x.PostOnly && r.rules == (Rules{}) {
		return ""
	}
	switch {
	case r.policy == Exact:
		return record.ReasonUnsupported
	case x.STP > STPCancelBoth:
		return record.ReasonBadField
	case x.Stop < 0, x.Display < 0:
		return record.ReasonNonPositive
	case (x.Display != 0 || x.PostOnly) && (o.Type != record.Limit || (o.TIF != record.GTC && o.TIF != DAY) || x.Stop != 0):
		return record.ReasonBadField
	case o.Type == record.Limit && !r.inBand(o.Ticks):
		return "PRICE_BAND"
	case x.PostOnly && r.crossesBook(o.Side, o.Ticks):
		return "WOULD_TRADE"
	}
	return ""
}

// ruleMsg is the message of a NEW or REPLACE at ticks REJECTED why by
// the price band or post_only, built with fmt; "" for other reasons.
func (r *refBook) ruleMsg(why string, ticks int64) string {
	switch why {
	case "PRICE_BAND":
		d := r.rules.BandRef * r.rules.BandBP / 10_000 // the band is symmetric in whole ticks
		return fmt.Sprintf("expected a limit price within the price band %s to %s of %s, received %s",
			r.px(r.rules.BandRef-d), r.px(r.rules.BandRef+d), r.inst.Symbol, r.px(ticks))
	case "WOULD_TRADE":
		return fmt.Sprintf("expected a post_only price that does not trade on arrival, received %s, which meets the best opposite price on %s",
			r.px(ticks), r.inst.Symbol)
	}
	return ""
}

func msgStopReplace(id uint64) string {
	return fmt.Sprintf("expected REPLACE of a resting order, received order %d which is a pending stop (cancel it and enter a new one)", id)
}

// wouldFill matches a copy of a against a copy of the book and reports
// whether it filled completely (not cut by self-trade prevention).
func (r *refBook) wouldFill(a refOrder) bool {
	saved := *r
	r.rest = slices.Clone(r.rest)
	r.stops = slices.Clone(r.stops)
	r.match(&a)
	*r = saved
	return a.lots == 0 && !a.stpCut
}

// runStops enters the triggered stops, earliest accepted first, until none
// is triggered.
func (r *refBook) runStops() {
	for {
		i := slices.IndexFunc(r.stops, func(s refOrder) bool { return s.fired })
		if i < 0 || r.ph.phase != Continuous {
			return
		}
		s := r.stops[i]
		r.stops = slices.Delete(r.stops, i, i+1)
		s.fired, s.stop = false, 0
		r.event(Triggered, &s, s.ticks, s.lots, s.lots)
		r.execute(s)
	}
}

func (r *refBook) massCancel(o *record.Order) {
	switch {
	case o.TraderID == "":
		r.rejectEv(o, record.ReasonBadTraderID, "expected a trader_id on CANCEL_ALL, received none")
		return
	case o.Side > record.Sell:
		r.rejectEv(o, record.ReasonBadField, "")
		return
	}
	var mine, keep []refOrder
	for _, x := range r.rest {
		if x.trader == o.TraderID && (o.Side == 0 || x.side == o.Side) {
			mine = append(mine, x)
		} else {
			keep = append(keep, x)
		}
	}
	priority(mine)
	var stops []refOrder
	for _, x := range r.stops {
		if x.trader == o.TraderID && (o.Side == 0 || x.side == o.Side) {
			mine = append(mine, x)
		} else {
			stops = append(stops, x)
		}
	}
	for i := range mine {
		r.eventWhy(record.Cancelled, &mine[i], "MASS_CANCEL")
	}
	r.rest, r.stops = keep, stops
}

// restIDs lists the ids of resting orders and pending stops.
func (r *refBook) liveIDs() []uint64 {
	ids := r.ids()
	for _, s := range r.stops {
		ids = append(ids, s.id)
	}
	return ids
}
