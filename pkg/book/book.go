package book

import (
	"math"

	"github.com/bourse/bourse/pkg/record"
)

// Level is one aggregated price level, as returned by Depth: the price in
// ticks, the open quantity in lots and the number of resting orders.
type Level struct {
	Ticks  int64
	Lots   int64
	Orders int
}

// Book is the order book of one instrument. It is not safe for concurrent
// use; a stream job owns one Book per instrument.
type Book struct {
	inst     record.Instrument
	policy   Policy
	clock    int64
	tradeSeq uint64

	nodes     []node
	freeNode  int32
	levels    []level
	freeLevel int32
	sides     [2]ladder // 0 bids, 1 asks
	index     idIndex   // id -> node of every resting order
	heap      []int32   // expiry min-heap of node indexes

	rules          Rules // opt-in exchange rules (rules.go)
	bandLo, bandHi int64 // the price band in ticks, when BandBP != 0
	ices           []iceberg
	iceFree        []int32
	stops          []stopEntry // pending stops in acceptance order
	trHi, trLo     int64       // trade price range since the last stop check; 0 = none
	buyMin         int64       // lowest pending BUY stop trigger; 0 = none
	sellMax        int64       // highest pending SELL stop trigger; 0 = none

	tag uint64 // the Tag of the Order being applied
	tr  Trade  // scratch reports handed to the Listener
	ev  Event
	in  Order   // Submit's translation of its record.Order
	rec records // Submit's Listener

	restoreBuf  []snapOrder // Restore's decode scratch
	restoreSeen idIndex

	ss sessionState // trading phases (phase.go)

	tracking bool      // level changes are recorded (changes.go)
	changes  []touched // the levels changed since the last drain
}

// New returns an empty book for inst. capacityHint is the number of resting
// orders to preallocate for; the book grows past it when needed.
func New(inst record.Instrument, policy Policy, capacityHint int) *Book {
	if capacityHint < 16 {
		capacityHint = 16
	}
	b := &Book{
		inst:      inst,
		policy:    policy,
		freeNode:  nilIdx,
		freeLevel: nilIdx,
		nodes:     make([]node, 0, capacityHint),
		levels:    make([]level, 0, 64),
		heap:      make([]int32, 0, 64),
	}
	b.rec.b = b
	b.ss.at = math.MaxInt64
	b.sides[0].bid = true
	for i := range b.sides {
		b.sides[i].keys = make([]int64, 0, 64)
		b.sides[i].lvls = make([]int32, 0, 64)
	}
	b.index.init(capacityHint)
	return b
}

func sideIdx(s record.Side) int { return int(s-1) & 1 }

// Instrument returns the instrument the book was made for.
func (b *Book) Instrument() record.Instrument { return b.inst }

// Policy returns the book's matching policy.
func (b *Book) Policy() Policy { return b.policy }

// Clock returns the instrument clock: the largest order timestamp (Unix ms)
// submitted so far, 0 before the first order.
func (b *Book) Clock() int64 { return b.clock }

// TradeSeq returns the id of the last trade, 0 before the first.
func (b *Book) TradeSeq() uint64 { return b.tradeSeq }

// Len returns the number of resting orders (pending stops not included).
func (b *Book) Len() int { return b.index.n - len(b.stops) }

// BestBid returns the highest bid price in ticks and the open lots there.
func (b *Book) BestBid() (ticks, lots int64, ok bool) { return b.best(0) }

// BestAsk returns the lowest ask price in ticks and the open lots there.
func (b *Book) BestAsk() (ticks, lots int64, ok bool) { return b.best(1) }

func (b *Book) best(s int) (int64, int64, bool) {
	li := b.sides[s].best()
	if li == nilIdx {
		return 0, 0, false
	}
	lv := &b.levels[li]
	return lv.ticks, lv.lots, true
}

// QtyAt returns the open lots resting on side at price ticks.
func (b *Book) QtyAt(side record.Side, ticks int64) int64 {
	if side != record.Buy && side != record.Sell {
		return 0
	}
	l := &b.sides[sideIdx(side)]
	pos, ok := l.find(l.key(ticks))
	if !ok {
		return 0
	}
	return b.levels[l.lvls[pos]].lots
}

// Depth appends the best n levels of side to dst, best first, and returns
// the extended slice. It costs O(n).
func (b *Book) Depth(side record.Side, n int, dst []Level) []Level {
	if side != record.Buy && side != record.Sell {
		return dst
	}
	l := &b.sides[sideIdx(side)]
	for i := len(l.lvls) - 1; i >= 0 && n > 0; i-- {
		lv := &b.levels[l.lvls[i]]
		dst = append(dst, Level{Ticks: lv.ticks, Lots: lv.lots, Orders: int(lv.orders)})
		n--
	}
	return dst
}

// Levels returns the number of price levels on side.
func (b *Book) Levels(side record.Side) int {
	if side != record.Buy && side != record.Sell {
		return 0
	}
	return len(b.sides[sideIdx(side)].keys)
}

// Resting reports the side, price in ticks and open lots (an iceberg's
// hidden reserve included) of the resting order id; false for a pending
// stop.
func (b *Book) Resting(id uint64) (side record.Side, ticks, lots int64, ok bool) {
	ni, ok := b.index.get(id)
	if !ok || b.nodes[ni].flags&flagStop != 0 {
		return 0, 0, 0, false
	}
	n := &b.nodes[ni]
	return n.side, n.ticks, b.open(n), true
}

// Apply applies one instruction (NEW, CANCEL or REPLACE) and reports the
// trades and execution reports that follow to l (nil drops them), each
// carrying o.Tag. Apply first advances the clock to o.Time and expires
// resting orders whose expiry is earlier than the clock. It never
// allocates once the book has reached its size, rejects included.
func (b *Book) Apply(o *Order, l Listener) {
	if l == nil {
		l = nop{}
	}
	b.apply(o, l)
}

func (b *Book) apply(o *Order, h Listener) {
	b.tick(o, h)
	b.act(o, h)
}

// tick advances the clock to o.Time: the session's boundaries up to it
// (auctions, phase changes), the halt window's re-base, then the expiries
// before it.
func (b *Book) tick(o *Order, h Listener) {
	b.tag = o.Tag
	if o.Time > b.clock {
		b.clock = o.Time
	}
	if b.clock >= b.ss.at {
		b.advance(h)
	}
	b.rebase(b.clock)
	if len(b.heap) != 0 {
		b.expire(h)
	}
}

// act applies o at the clock, then lets in the stops its trades
// triggered.
func (b *Book) act(o *Order, h Listener) {
	switch o.Action {
	case record.New:
		b.submitNew(o, h)
	case record.Cancel:
		b.cancel(o, h)
	case record.Replace:
		b.replace(o, h)
	case MassCancel:
		b.massCancel(o, h)
	default:
		b.reject(o, h, ReasonBadAction)
	}
	if b.trHi != 0 && b.ss.phase == Continuous {
		if (b.buyMin != 0 && b.trHi >= b.buyMin) || b.trLo <= b.sellMax {
			b.runStops(h)
		} else {
			b.trHi, b.trLo = 0, 0
		}
	}
}

// link appends node ni to the back of the level at its price, creating the
// level if needed.
func (b *Book) link(ni int32) {
	n := &b.nodes[ni]
	l := &b.sides[sideIdx(n.side)]
	k := l.key(n.ticks)
	pos, ok := l.find(k)
	var li int32
	if ok {
		li = l.lvls[pos]
	} else {
		li = b.allocLevel(n.ticks)
		l.insert(pos, k, li)
		n = &b.nodes[ni]
		b.touchNew(sideIdx(n.side), li)
	}
	b.touch(sideIdx(n.side), li)
	b.enqueue(ni, li)
}

// enqueue appends node ni to the back of level li's FIFO.
func (b *Book) enqueue(ni, li int32) {
	n := &b.nodes[ni]
	lv := &b.levels[li]
	n.level = li
	n.next = nilIdx
	n.prev = lv.tail
	if lv.tail != nilIdx {
		b.nodes[lv.tail].next = ni
	} else {
		lv.head = ni
	}
	lv.tail = ni
	lv.orders++
	lv.lots += n.lots
	if n.ice != 0 {
		lv.hidden += b.ices[n.ice-1].hidden
	}
}

// unlink takes node ni out of its level, dropping the level when it
// empties. The node keeps its index entry and heap position.
func (b *Book) unlink(ni int32) {
	n := &b.nodes[ni]
	li := n.level
	b.touch(sideIdx(n.side), li)
	lv := &b.levels[li]
	if n.prev != nilIdx {
		b.nodes[n.prev].next = n.next
	} else {
		lv.head = n.next
	}
	if n.next != nilIdx {
		b.nodes[n.next].prev = n.prev
	} else {
		lv.tail = n.prev
	}
	n.prev, n.next, n.level = nilIdx, nilIdx, nilIdx
	lv.orders--
	lv.lots -= n.lots
	if n.ice != 0 {
		lv.hidden -= b.ices[n.ice-1].hidden
	}
	if lv.orders == 0 {
		b.dropLevel(sideIdx(n.side), li)
	}
}

func (b *Book) dropLevel(s int, li int32) {
	l := &b.sides[s]
	if pos, ok := l.find(l.key(b.levels[li].ticks)); ok {
		l.removeAt(pos)
	}
	b.releaseLevel(li)
}

// rest makes node ni a resting order: level, id index, expiry heap.
func (b *Book) rest(ni int32) {
	if b.nodes[ni].ice != 0 {
		b.split(&b.nodes[ni])
	}
	b.link(ni)
	n := &b.nodes[ni]
	b.index.put(n.id, ni)
	if n.expires != 0 && n.hpos == nilIdx {
		b.heapPush(ni)
	}
}

// remove takes a resting node or a pending stop out of the book entirely
// and frees it.
func (b *Book) remove(ni int32) {
	if b.nodes[ni].flags&flagStop != 0 {
		b.unstop(ni)
	} else {
		b.unlink(ni)
	}
	b.retire(ni)
}

// retire drops an unlinked node from the index and heap and frees it.
func (b *Book) retire(ni int32) {
	b.index.del(b.nodes[ni].id)
	b.heapRemove(ni)
	b.releaseNode(ni)
}
