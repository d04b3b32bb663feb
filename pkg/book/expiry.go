package book

import "github.com/bourse/bourse/pkg/record"

// The expiry heap is a binary min-heap of the resting nodes that have an
// expiry, ordered by (expires, id) so that orders expiring together leave
// the book in a deterministic order. Each node records its heap position,
// so a node that fills or is cancelled leaves the heap in O(log n).

func (b *Book) heapLess(i, j int) bool {
	x, y := &b.nodes[b.heap[i]], &b.nodes[b.heap[j]]
	if x.expires != y.expires {
		return x.expires < y.expires
	}
	return x.id < y.id
}

func (b *Book) heapSwap(i, j int) {
	h := b.heap
	h[i], h[j] = h[j], h[i]
	b.nodes[h[i]].hpos = int32(i)
	b.nodes[h[j]].hpos = int32(j)
}

func (b *Book) heapUp(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !b.heapLess(i, p) {
			return
		}
		b.heapSwap(i, p)
		i = p
	}
}

func (b *Book) heapDown(i int) {
	n := len(b.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && b.heapLess(r, l) {
			m = r
		}
		if !b.heapLess(m, i) {
			return
		}
		b.heapSwap(i, m)
		i = m
	}
}

func (b *Book) heapPush(ni int32) {
	b.heap = append(b.heap, ni)
	i := len(b.heap) - 1
	b.nodes[ni].hpos = int32(i)
	b.heapUp(i)
}

// heapRemove takes node ni out of the heap if it is in it.
func (b *Book) heapRemove(ni int32) {
	i := int(b.nodes[ni].hpos)
	if i < 0 {
		return
	}
	last := len(b.heap) - 1
	if i != last {
		b.heapSwap(i, last)
	}
	b.heap = b.heap[:last]
	b.nodes[ni].hpos = nilIdx
	if i != last {
		b.heapDown(i)
		b.heapUp(i)
	}
}

// expire removes every resting order whose expiry is earlier than the
// clock, earliest first, with an EXPIRED event each.
func (b *Book) expire(h Listener) { b.expireBefore(h, b.clock) }

// expireBefore removes every resting order whose expiry is earlier than t.
func (b *Book) expireBefore(h Listener, t int64) {
	for len(b.heap) > 0 {
		ni := b.heap[0]
		n := &b.nodes[ni]
		if n.expires >= t {
			return
		}
		b.emitDone(h, n, record.Expired)
		b.remove(ni)
	}
}
