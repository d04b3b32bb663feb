package book

import "github.com/bourse/bourse/pkg/record"

// nilIdx marks the end of an intrusive list or an absent slot.
const nilIdx int32 = -1

// node is one order, resting or being matched. Nodes live in Book.nodes and
// are recycled through a free list linked by next; they are addressed by
// int32 index so that the pool can grow without invalidating links.
type node struct {
	id      uint64
	ticks   int64 // limit price; 0 for MARKET
	lots    int64 // open quantity
	filled  int64 // cumulative filled quantity
	expires int64 // Unix ms; 0 = never
	trader  string
	prev    int32 // FIFO neighbours within the price level
	next    int32 // (next also links the free list)
	level   int32 // index into Book.levels while linked
	hpos    int32 // position in the expiry heap, or nilIdx
	side    record.Side
	typ     record.OrderType
	tif     record.TimeInForce
	flags   uint8 // own STPMode, flagPostOnly, flagStop (rules.go)
	ice     int32 // 1 + its entry in Book.ices for an ICEBERG, else 0
}

// level is one price level: an intrusive doubly-linked FIFO of nodes with
// its aggregate open quantity. Levels are pooled like nodes.
type level struct {
	ticks  int64
	lots   int64 // open quantity shown: icebergs count their display only
	hidden int64 // icebergs' hidden reserve
	orders int32
	head   int32
	tail   int32
	chg    int32 // 1 + its entry in Book.changes, 0 when not in the change set
}

func (b *Book) allocNode() int32 {
	if i := b.freeNode; i != nilIdx {
		b.freeNode = b.nodes[i].next
		return i
	}
	b.nodes = append(b.nodes, node{})
	return int32(len(b.nodes) - 1)
}

func (b *Book) releaseNode(i int32) {
	n := &b.nodes[i]
	n.trader = "" // let the GC have it
	if n.ice != 0 {
		b.ices[n.ice-1] = iceberg{}
		b.iceFree = append(b.iceFree, n.ice-1)
		n.ice = 0
	}
	n.flags = 0
	n.next, n.prev, n.level, n.hpos = b.freeNode, nilIdx, nilIdx, nilIdx
	b.freeNode = i
}

func (b *Book) allocLevel(ticks int64) int32 {
	var i int32
	if i = b.freeLevel; i != nilIdx {
		b.freeLevel = b.levels[i].head
	} else {
		b.levels = append(b.levels, level{})
		i = int32(len(b.levels) - 1)
	}
	b.levels[i] = level{ticks: ticks, head: nilIdx, tail: nilIdx}
	return i
}

func (b *Book) releaseLevel(i int32) {
	b.levels[i] = level{head: b.freeLevel, tail: nilIdx}
	b.freeLevel = i
}
