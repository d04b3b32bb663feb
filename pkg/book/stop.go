package book

import (
	"slices"

	"github.com/bourse/bourse/pkg/record"
)

// Stops. A STOP (Type MARKET) or STOP_LIMIT (Type LIMIT) order, Order.Stop
// > 0, is ACCEPTED and then waits outside the book: indexed by id (a
// duplicate id is DUPLICATE_ID, CANCEL and CANCEL_ALL reach it, its expiry
// counts), but in no level, not in Depth or Len, and not REPLACEable
// (ReasonStopReplace). A BUY stop triggers on a trade at or above its
// trigger price, a SELL stop on a trade at or below it; only trades after
// its acceptance count. Triggering is checked once the instruction that
// traded is done (its remainder rested or cancelled): the stops triggered
// by any of its trades are marked, and the earliest accepted marked stop
// enters as a new order — a TRIGGERED report, then FOK check, matching,
// and resting with new time priority or cancelling, as a NEW would — with
// the Tag of the instruction. Its trades mark further stops; the next to
// enter is again the earliest accepted marked one, until none is marked.
// Pending stops are kept in acceptance order with the lowest BUY and the
// highest SELL trigger beside them: an instruction whose trades reach
// neither costs two comparisons, one that does a pass over the stops, and
// a stop leaving the list another.

// stopEntry is one pending stop.
type stopEntry struct {
	trigger int64 // ticks
	ni      int32
	fired   bool
}

// addStop makes the accepted node ni a pending stop.
func (b *Book) addStop(ni int32, trigger int64) {
	n := &b.nodes[ni]
	n.flags |= flagStop
	b.index.put(n.id, ni)
	if n.expires != 0 {
		b.heapPush(ni)
	}
	b.stops = append(b.stops, stopEntry{trigger: trigger, ni: ni})
	b.gate(n.side, trigger)
}

// gate widens the trigger bounds that let apply skip the stop check when
// no trade since reached any trigger.
func (b *Book) gate(side record.Side, trigger int64) {
	if side == record.Buy {
		if b.buyMin == 0 || trigger < b.buyMin {
			b.buyMin = trigger
		}
	} else if trigger > b.sellMax {
		b.sellMax = trigger
	}
}

// dropped keeps the bounds right after a stop with trigger left the list:
// only the stop that set a bound makes it scan the rest.
func (b *Book) dropped(side record.Side, trigger int64) {
	if (side == record.Buy && trigger == b.buyMin) || (side == record.Sell && trigger == b.sellMax) {
		b.regate()
	}
}

// regate recomputes the bounds from the pending stops.
func (b *Book) regate() {
	b.buyMin, b.sellMax = 0, 0
	for _, e := range b.stops {
		b.gate(b.nodes[e.ni].side, e.trigger)
	}
}

// unstop drops pending stop ni from the stop list.
func (b *Book) unstop(ni int32) {
	for i := range b.stops {
		if e := b.stops[i]; e.ni == ni {
			b.stops = slices.Delete(b.stops, i, i+1)
			b.dropped(b.nodes[ni].side, e.trigger)
			break
		}
	}
	b.nodes[ni].flags &^= flagStop
}

// traded notes a trade price for the stop check.
func (b *Book) traded(ticks int64) {
	if ticks > b.trHi {
		b.trHi = ticks
	}
	if b.trLo == 0 || ticks < b.trLo {
		b.trLo = ticks
	}
}

// markStops marks the stops the trades since the last check triggered.
func (b *Book) markStops() {
	for i := range b.stops {
		e := &b.stops[i]
		if b.nodes[e.ni].side == record.Buy {
			e.fired = e.fired || e.trigger <= b.trHi
		} else {
			e.fired = e.fired || e.trigger >= b.trLo
		}
	}
	b.trHi, b.trLo = 0, 0
}

// runStops enters the triggered stops, as described above.
func (b *Book) runStops(h Listener) {
	for {
		if b.trHi != 0 {
			b.markStops()
		}
		i := slices.IndexFunc(b.stops, func(e stopEntry) bool { return e.fired })
		if i < 0 || b.ss.phase != Continuous { // a halt keeps them for its end
			return
		}
		ni, trigger := b.stops[i].ni, b.stops[i].trigger
		b.stops = slices.Delete(b.stops, i, i+1)
		b.dropped(b.nodes[ni].side, trigger)
		n := &b.nodes[ni]
		n.flags &^= flagStop
		b.index.del(n.id)
		b.heapRemove(ni)
		b.emitState(h, Triggered, n)
		b.execute(ni, h)
	}
}
