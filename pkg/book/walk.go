package book

import (
	"iter"

	"github.com/bourse/bourse/pkg/record"
)

// everyOrder visits the resting orders on side (0: both), then the pending
// stops on it, in the order CANCEL_ALL and the close take them out: bids
// best level first and oldest first within a level, then asks, then stops
// in acceptance order. The loop body may remove the order it is given, and
// no other.
func (b *Book) everyOrder(side record.Side) iter.Seq2[int32, *node] {
	return func(yield func(int32, *node) bool) {
		for s := range b.sides {
			if side != 0 && s != sideIdx(side) {
				continue
			}
			l := &b.sides[s]
			for i := len(l.lvls) - 1; i >= 0; i-- {
				for ni := b.levels[l.lvls[i]].head; ni != nilIdx; {
					next := b.nodes[ni].next // removing ni may drop level i, the last of its walk
					if !yield(ni, &b.nodes[ni]) {
						return
					}
					ni = next
				}
			}
		}
		for i := 0; i < len(b.stops); {
			ni := b.stops[i].ni
			if n := &b.nodes[ni]; side == 0 || n.side == side {
				if !yield(ni, n) {
					return
				}
			}
			if i < len(b.stops) && b.stops[i].ni == ni { // not removed
				i++
			}
		}
	}
}
