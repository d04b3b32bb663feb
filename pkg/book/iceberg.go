package book

// An ICEBERG rests with only its display quantity in its level (node.lots,
// counted in the level's lots, Depth and the changes feed); the rest is a
// hidden reserve kept beside the node in Book.ices and counted in the
// level's hidden total (for FOK). When a fill empties the displayed part
// and a reserve is left, min(display, reserve) is shown again and the
// order goes to the back of its level with new time priority. While an
// iceberg is the aggressor (arrival, a crossing REPLACE) its whole open
// quantity is in node.lots and its reserve is 0.

// iceberg is the reserve of one ICEBERG order.
type iceberg struct {
	display int64 // lots shown at each refill
	hidden  int64 // lots not shown
}

// newIce gives node n an iceberg entry with the display quantity.
func (b *Book) newIce(n *node, display int64) {
	var i int32
	if k := len(b.iceFree); k > 0 {
		i = b.iceFree[k-1]
		b.iceFree = b.iceFree[:k-1]
	} else {
		b.ices = append(b.ices, iceberg{})
		i = int32(len(b.ices) - 1)
	}
	b.ices[i] = iceberg{display: display}
	n.ice = i + 1
}

// hiddenOf is node n's hidden reserve (0 for a plain order).
func (b *Book) hiddenOf(n *node) int64 {
	if n.ice == 0 {
		return 0
	}
	return b.ices[n.ice-1].hidden
}

// open is node n's whole open quantity, shown and hidden.
func (b *Book) open(n *node) int64 {
	if n.ice == 0 {
		return n.lots
	}
	return n.lots + b.ices[n.ice-1].hidden
}

// split shows at most the display quantity of an unlinked iceberg and
// hides the rest, before it is linked.
func (b *Book) split(n *node) {
	ic := &b.ices[n.ice-1]
	total := n.lots + ic.hidden
	n.lots = min(ic.display, total)
	ic.hidden = total - n.lots
}

// merge puts an unlinked iceberg's whole open quantity back in node.lots,
// before it trades as the aggressor.
func (b *Book) merge(n *node) {
	ic := &b.ices[n.ice-1]
	n.lots += ic.hidden
	ic.hidden = 0
}

// refill shows the next part of resting iceberg ri, whose displayed part
// has just filled at the head of level li, and moves it to the back of the
// level. It reports false when no reserve is left.
func (b *Book) refill(ri, li int32) bool {
	r := &b.nodes[ri]
	ic := &b.ices[r.ice-1]
	if ic.hidden == 0 {
		return false
	}
	q := min(ic.display, ic.hidden)
	ic.hidden -= q
	r.lots = q
	lv := &b.levels[li]
	lv.lots += q
	lv.hidden -= q
	if r.next == nilIdx { // alone in its level: already at the back
		return true
	}
	lv.head = r.next
	b.nodes[r.next].prev = nilIdx
	r.next = nilIdx
	r.prev = lv.tail
	b.nodes[lv.tail].next = ri
	lv.tail = ri
	return true
}
