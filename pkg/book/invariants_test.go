package book

import (
	"fmt"
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// checkInvariants walks the book's internal structures and compares them
// with each other and with the public accessors: sorted ladders, level
// aggregates equal to their FIFO lists, the id index, the expiry heap, an
// uncrossed book (price-time), and Depth equal to a brute-force aggregation
// of every indexed order.
func checkInvariants(b *Book) error {
	walked := 0
	withExpiry := 0
	for s := range b.sides {
		l := &b.sides[s]
		side := record.Side(s + 1)
		if len(l.keys) != len(l.lvls) {
			return fmt.Errorf("%s ladder: %d keys, %d levels", side, len(l.keys), len(l.lvls))
		}
		for i, li := range l.lvls {
			lv := &b.levels[li]
			if i > 0 && l.keys[i-1] >= l.keys[i] {
				return fmt.Errorf("%s ladder not strictly sorted at %d", side, i)
			}
			if l.keys[i] != l.key(lv.ticks) {
				return fmt.Errorf("%s ladder key %d for level at %d ticks", side, l.keys[i], lv.ticks)
			}
			var lots, hidden int64
			var orders int32
			prev := nilIdx
			for ni := lv.head; ni != nilIdx; ni = b.nodes[ni].next {
				n := &b.nodes[ni]
				if n.prev != prev || n.level != li || n.side != side || n.ticks != lv.ticks || n.lots <= 0 || n.flags&flagStop != 0 {
					return fmt.Errorf("node %d (id %d) inconsistent in level %d ticks", ni, n.id, lv.ticks)
				}
				if got, ok := b.index.get(n.id); !ok || got != ni {
					return fmt.Errorf("id %d not indexed to node %d", n.id, ni)
				}
				if n.expires != 0 {
					withExpiry++
					if n.hpos < 0 || int(n.hpos) >= len(b.heap) || b.heap[n.hpos] != ni {
						return fmt.Errorf("id %d has an expiry but a bad heap position %d", n.id, n.hpos)
					}
				} else if n.hpos != nilIdx {
					return fmt.Errorf("id %d has no expiry but is in the heap", n.id)
				}
				lots += n.lots
				hidden += b.hiddenOf(n)
				orders++
				walked++
				prev = ni
			}
			if lv.tail != prev || lv.lots != lots || lv.hidden != hidden || lv.orders != orders || orders == 0 {
				return fmt.Errorf("level %d ticks: recorded %d lots/%d orders, walked %d/%d", lv.ticks, lv.lots, lv.orders, lots, orders)
			}
		}
	}
	if walked+len(b.stops) != b.index.n || walked != b.Len() {
		return fmt.Errorf("walked %d orders and %d stops, index holds %d", walked, len(b.stops), b.index.n)
	}
	if err := checkRuleState(b); err != nil {
		return err
	}
	for _, e := range b.stops {
		if b.nodes[e.ni].expires != 0 {
			withExpiry++
		}
	}
	if withExpiry != len(b.heap) {
		return fmt.Errorf("%d orders with expiry, heap holds %d", withExpiry, len(b.heap))
	}
	for i := 1; i < len(b.heap); i++ {
		if b.heapLess(i, (i-1)/2) {
			return fmt.Errorf("heap property broken at %d", i)
		}
	}
	if b.policy == PriceTime && b.ss.phase != PreOpen && b.ss.phase != Halted {
		bt, _, bok := b.BestBid()
		at, _, aok := b.BestAsk()
		if bok && aok && bt >= at {
			return fmt.Errorf("crossed book: best bid %d >= best ask %d", bt, at)
		}
	}
	// Brute force: aggregate every indexed order, ignoring the levels.
	for _, side := range []record.Side{record.Buy, record.Sell} {
		agg := map[int64]*Level{}
		for _, s := range b.index.slots {
			if s.val == 0 {
				continue
			}
			n := &b.nodes[s.val-1]
			if n.side != side || n.flags&flagStop != 0 {
				continue
			}
			if agg[n.ticks] == nil {
				agg[n.ticks] = &Level{Ticks: n.ticks}
			}
			agg[n.ticks].Lots += n.lots
			agg[n.ticks].Orders++
		}
		var want []Level
		for _, l := range agg {
			want = append(want, *l)
		}
		sort.Slice(want, func(i, j int) bool {
			if side == record.Buy {
				return want[i].Ticks > want[j].Ticks
			}
			return want[i].Ticks < want[j].Ticks
		})
		got := b.Depth(side, len(want)+5, nil)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("%s depth %v, brute force %v", side, got, want)
		}
		for _, l := range want {
			if q := b.QtyAt(side, l.Ticks); q != l.Lots {
				return fmt.Errorf("%s QtyAt(%d) = %d, brute force %d", side, l.Ticks, q, l.Lots)
			}
		}
		if len(want) > 0 {
			if d := b.Depth(side, 1, nil); len(d) != 1 || d[0] != want[0] {
				return fmt.Errorf("%s Depth(1) = %v, want %v", side, d, want[0])
			}
		}
	}
	return nil
}

// restingLots sums the open lots of both sides through Depth, plus what
// Depth does not show: icebergs' hidden reserves and pending stops.
func restingLots(b *Book) int64 {
	var n int64
	for _, side := range []record.Side{record.Buy, record.Sell} {
		for _, l := range b.Depth(side, 1<<30, nil) {
			n += l.Lots
		}
	}
	for _, ic := range b.ices {
		n += ic.hidden // a free entry's reserve is 0
	}
	for _, e := range b.stops {
		n += b.nodes[e.ni].lots
	}
	return n
}

// checkConservation submits o to b and checks that quantity is conserved:
// resting before + incoming = 2 × traded + resting after + removed
// (cancelled, expired, killed), where incoming is an accepted NEW's
// quantity or a replace's change of open quantity. It returns the outputs.
func checkConservation(b *Book, o *record.Order) ([]out, error) {
	before := restingLots(b)
	var oldOpen int64
	if o.Action == record.Replace {
		_, _, oldOpen, _ = b.Resting(o.ID)
	}
	var rec recorder
	b.Submit(o, &rec)
	return rec.outs, conserved(b, rec.outs, before, oldOpen)
}

func conserved(b *Book, outs []out, before, oldOpen int64) error {
	lot := b.inst.LotSize
	var incoming, traded, removed int64
	filled := map[uint64]int64{} // lots filled by order, so far
	for _, x := range outs {
		if x.status {
			continue
		}
		if x.trade {
			traded += int64(x.t.Quantity / lot)
			continue
		}
		switch x.e.Type {
		case record.Fill, record.PartialFill:
			filled[x.e.OrderID] += int64(x.e.Quantity / lot)
		case record.Accepted:
			incoming += int64(x.e.Quantity / lot)
		case record.Replaced:
			// an auction in the clock advance may have filled it first
			incoming += int64(x.e.Leaves/lot) - (oldOpen - filled[x.e.OrderID])
		case record.Cancelled, record.Expired, record.Killed:
			removed += int64(x.e.Quantity / lot)
		}
	}
	after := restingLots(b)
	if before+incoming != 2*traded+after+removed {
		return fmt.Errorf("quantity not conserved: before %d + incoming %d != 2×traded %d + after %d + removed %d",
			before, incoming, traded, after, removed)
	}
	return nil
}
