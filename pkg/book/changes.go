package book

import "github.com/bourse/bourse/pkg/record"

// Level changes: the market-by-price feed of the match job needs to know
// which price levels an order changed. The book keeps that list itself, at
// the few places where a level's quantity or order count changes (linking
// and unlinking an order, a fill, a quantity-down replace), because only the
// book knows it exactly and cheaply: deriving it from the execution reports
// would re-implement the rules (which remainders rest, what a REPLACE
// moved). Tracking is off until TrackChanges; then each change costs an
// append to a reused slice the first time a level is touched, and nothing
// after, and DrainChanges hands the list out and starts a new one.

// Change is one price level whose totals changed: its side, price in
// ticks, and new open lots and order count (0 and 0: the level is gone).
type Change struct {
	Side   record.Side
	Ticks  int64
	Lots   int64
	Orders int
}

// touched is one level in the current change set, with its totals before
// the first change.
type touched struct {
	side    record.Side
	ticks   int64
	li      int32 // the level's index when touched (for clearing its mark)
	oldLots int64
	oldOrds int32
}

// TrackChanges turns level-change tracking on or off; turning it off
// forgets the current change set.
func (b *Book) TrackChanges(on bool) {
	b.clearChanges()
	b.tracking = on
}

// DrainChanges appends to dst the levels whose totals differ from what they
// were before the first change since the last drain (or since tracking
// started), each level once, in the order first touched, with their new
// totals; then it starts a new change set. A level that changed and came
// back to the same totals (an order moved to the back of its level) is not
// listed. It allocates only when dst has to grow.
func (b *Book) DrainChanges(dst []Change) []Change {
	for i := range b.changes {
		t := &b.changes[i]
		var lots int64
		var orders int32
		// A level still in the book carries this entry's mark; a level that
		// left it was released (unmarked), and a price that came back
		// re-pointed t.li at its new level (touchNew).
		if int(t.li) < len(b.levels) && b.levels[t.li].chg == int32(i+1) {
			lv := &b.levels[t.li]
			lots, orders = lv.lots, lv.orders
		}
		if lots != t.oldLots || orders != t.oldOrds {
			dst = append(dst, Change{Side: t.side, Ticks: t.ticks, Lots: lots, Orders: int(orders)})
		}
	}
	b.clearChanges()
	return dst
}

// clearChanges empties the change set and unmarks its levels. A level that
// was released since is already unmarked, and one reused since is either
// unmarked or marked by an entry of this same set.
func (b *Book) clearChanges() {
	for i := range b.changes {
		if li := b.changes[i].li; int(li) < len(b.levels) {
			b.levels[li].chg = 0
		}
	}
	b.changes = b.changes[:0]
}

// touch records level li of side s in the change set, before its totals
// change. A level already in the set costs one comparison.
func (b *Book) touch(s int, li int32) {
	if !b.tracking {
		return
	}
	lv := &b.levels[li]
	if lv.chg != 0 {
		return
	}
	side := record.Buy
	if s == 1 {
		side = record.Sell
	}
	b.changes = append(b.changes, touched{side: side, ticks: lv.ticks, li: li, oldLots: lv.lots, oldOrds: lv.orders})
	lv.chg = int32(len(b.changes))
}

// touchNew marks the new, empty level li of side s: if its price left the
// book earlier in this change set, the earlier entry (which has the totals
// before the first change) stands for it too. It scans the change set,
// which is short; an order creates at most one level.
func (b *Book) touchNew(s int, li int32) {
	if !b.tracking {
		return
	}
	ticks := b.levels[li].ticks
	side := record.Buy
	if s == 1 {
		side = record.Sell
	}
	for i := range b.changes {
		if t := &b.changes[i]; t.ticks == ticks && t.side == side {
			t.li = li
			b.levels[li].chg = int32(i + 1)
			return
		}
	}
	b.touch(s, li)
}
