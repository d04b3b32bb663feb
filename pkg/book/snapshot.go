package book

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"
	"slices"

	"github.com/bourse/bourse/pkg/record"
)

// ErrBadSnapshot is wrapped by every error Restore returns.
var ErrBadSnapshot = errors.New("book: bad snapshot")

const (
	snapMagic   = "BKSN"
	snapVersion = 1 // a book without the rules' state
	snapRules   = 2 // a book with icebergs, pending stops or order flags
	snapSession = 3 // a book with a session: version 2 and the session state
	snapWindow  = 4 // a book with a halt window: version 3 and the window
	// minOrderBytes is the smallest encoding of one order: id, ticks,
	// lots, filled, expires and trader length, one byte each.
	minOrderBytes = 6
)

// Snapshot appends the book's whole state to dst and returns the extended
// slice: instrument identity, policy, clock, trade sequence and every
// resting order in exact priority order (bids then asks, best level first,
// oldest first within a level). The encoding is compact (varints), versioned
// and ends with a CRC-32 of what precedes it.
//
// Layout, version 1:
//
//	"BKSN" version:u8 symbol:str tick:varint lot:varint policy:u8
//	clock:varint tradeSeq:uvarint
//	2 × { count:uvarint, count × order }
//	crc32:u32le
//	order = id:uvarint ticks:varint lots:varint filled:varint expires:varint trader:str
//	str   = len:uvarint bytes
//
// Version 2, written only when the book holds state of the opt-in rules
// (an iceberg, a pending stop, an order with its own self-trade prevention
// mode or POST_ONLY), so that a book without them encodes exactly as
// before, adds to each order its flags:u8 display:varint hidden:varint
// (the shown part is lots; display 0: not an iceberg), and after the two
// sides the pending stops in acceptance order:
//
//	count:uvarint, count × { side:u8 type:u8 tif:u8 order trigger:varint }
//
// Version 3, written only by a book with a session (SetSession), is
// version 2 with the session after the trade sequence, fired:u8 (1:
// triggered, waiting for CONTINUOUS) after each stop's trigger, and the
// session's state after the stops:
//
//	session = offset preOpen auction open close ref haltBP haltFor (varints)
//	state   = phase:u8 which:u8 at:varint sched:varint haltEnd:varint
//	          haltRef:varint lastTrade:varint hasDays:u8
//
// Version 4, written only by a book whose session has a halt window
// (Session.HaltWindow), is version 3 with haltWindow:varint after the
// session's haltFor and the window's start, haltBase:varint, after the
// state's haltRef.
func (b *Book) Snapshot(dst []byte) []byte {
	if b.ss.sess.HaltWindow != 0 {
		out, _ := b.snapshot(dst, snapWindow)
		return out
	}
	if b.ss.on {
		out, _ := b.snapshot(dst, snapSession)
		return out
	}
	if len(b.stops) == 0 {
		if out, ok := b.snapshot(dst, snapVersion); ok {
			return out
		}
	}
	out, _ := b.snapshot(dst, snapRules)
	return out
}

// snapshot appends the encoding of the given version; version 1 gives up,
// reporting false, at the first order it cannot hold.
func (b *Book) snapshot(dst []byte, version byte) ([]byte, bool) {
	start := len(dst)
	dst = append(dst, snapMagic...)
	dst = append(dst, version)
	dst = appendString(dst, b.inst.Symbol)
	dst = binary.AppendVarint(dst, int64(b.inst.TickSize))
	dst = binary.AppendVarint(dst, int64(b.inst.LotSize))
	dst = append(dst, byte(b.policy))
	dst = binary.AppendVarint(dst, b.clock)
	dst = binary.AppendUvarint(dst, b.tradeSeq)
	if version >= snapSession {
		dst = appendSession(dst, &b.ss.sess, version)
	}
	for s := range b.sides {
		l := &b.sides[s]
		count := 0
		for _, li := range l.lvls {
			count += int(b.levels[li].orders)
		}
		dst = binary.AppendUvarint(dst, uint64(count))
		for i := len(l.lvls) - 1; i >= 0; i-- {
			for ni := b.levels[l.lvls[i]].head; ni != nilIdx; ni = b.nodes[ni].next {
				n := &b.nodes[ni]
				if version == snapVersion && (n.flags != 0 || n.ice != 0) {
					return dst[:start], false
				}
				dst = binary.AppendUvarint(dst, n.id)
				dst = binary.AppendVarint(dst, n.ticks)
				dst = binary.AppendVarint(dst, n.lots)
				dst = binary.AppendVarint(dst, n.filled)
				dst = binary.AppendVarint(dst, n.expires)
				dst = appendString(dst, n.trader)
				if version >= snapRules {
					dst = b.appendRuleFields(dst, n)
				}
			}
		}
	}
	if version >= snapRules {
		dst = binary.AppendUvarint(dst, uint64(len(b.stops)))
		for _, e := range b.stops {
			n := &b.nodes[e.ni]
			dst = append(dst, byte(n.side), byte(n.typ), byte(n.tif))
			dst = binary.AppendUvarint(dst, n.id)
			dst = binary.AppendVarint(dst, n.ticks)
			dst = binary.AppendVarint(dst, n.lots)
			dst = binary.AppendVarint(dst, n.filled)
			dst = binary.AppendVarint(dst, n.expires)
			dst = appendString(dst, n.trader)
			dst = b.appendRuleFields(dst, n)
			dst = binary.AppendVarint(dst, e.trigger)
			if version >= snapSession {
				dst = append(dst, b2u(e.fired))
			}
		}
	}
	if version >= snapSession {
		dst = b.appendSessionState(dst, version)
	}
	return binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(dst[start:])), true
}

func (b *Book) appendRuleFields(dst []byte, n *node) []byte {
	dst = append(dst, n.flags&^flagStop)
	var display, hidden int64
	if n.ice != 0 {
		display, hidden = b.ices[n.ice-1].display, b.ices[n.ice-1].hidden
	}
	dst = binary.AppendVarint(dst, display)
	return binary.AppendVarint(dst, hidden)
}

func b2u(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func appendString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

// openSnapshot checks src's size, magic, version and checksum and returns a
// decoder positioned at the symbol, which knows the version.
func openSnapshot(src []byte) (decoder, error) {
	if len(src) < len(snapMagic)+1+4 {
		return decoder{}, fmt.Errorf("%w: expected at least %d bytes, received %d", ErrBadSnapshot, len(snapMagic)+5, len(src))
	}
	if string(src[:len(snapMagic)]) != snapMagic {
		return decoder{}, fmt.Errorf("%w: expected magic %q, received %q", ErrBadSnapshot, snapMagic, src[:len(snapMagic)])
	}
	v := src[len(snapMagic)]
	if v < snapVersion || v > snapWindow {
		return decoder{}, fmt.Errorf("%w: expected version %d to %d, received %d", ErrBadSnapshot, snapVersion, snapWindow, v)
	}
	body := src[:len(src)-4]
	if want, got := binary.LittleEndian.Uint32(src[len(body):]), crc32.ChecksumIEEE(body); want != got {
		return decoder{}, fmt.Errorf("%w: checksum mismatch: expected %08x, computed %08x", ErrBadSnapshot, want, got)
	}
	return decoder{buf: body[len(snapMagic)+1:], version: v}, nil
}

// SnapshotInstrument returns the instrument a book snapshot was taken of:
// symbol, tick size and lot size (RefPrice is not recorded and stays 0).
// A caller whose reference no longer lists that instrument, or lists it
// with other sizes, can still restore the snapshot into
// New(SnapshotInstrument(src)) and then CancelAll its resting orders.
func SnapshotInstrument(src []byte) (record.Instrument, error) {
	d, err := openSnapshot(src)
	if err != nil {
		return record.Instrument{}, err
	}
	in := record.Instrument{Symbol: d.str("symbol"), TickSize: record.Fixed(d.varint("tick size")), LotSize: record.Fixed(d.varint("lot size"))}
	if d.err != nil {
		return record.Instrument{}, d.err
	}
	if in.Symbol == "" || in.TickSize <= 0 || in.LotSize <= 0 {
		return record.Instrument{}, fmt.Errorf("%w: expected a symbol and positive tick and lot sizes, received %q (tick %s, lot %s)",
			ErrBadSnapshot, in.Symbol, in.TickSize, in.LotSize)
	}
	return in, nil
}

// snapOrder is one decoded resting order.
type snapOrder struct {
	id                          uint64
	ticks, lots, filled, expire int64
	trader                      string
	side                        record.Side
	// version 2
	typ             record.OrderType
	tif             record.TimeInForce
	flags           uint8
	display, hidden int64
	trigger         int64 // > 0: a pending stop
	// version 3
	fired bool
}

// Restore replaces the book's state with the one encoded in src by
// Snapshot. The snapshot must be for the same instrument (symbol, tick and
// lot size) and policy, and list the orders in the order Snapshot writes
// them. Set the book's rules and session first: a version 3 or 4 snapshot
// (a book with a session) restores only into a book with the same
// session, and then may be crossed in PRE_OPEN or HALTED; an older one
// into a book with a session takes its phase from the clock. It costs O(n log n) at most in the number of orders n. On any
// error, which wraps ErrBadSnapshot and says what was expected, the book
// is left unchanged.
func (b *Book) Restore(src []byte) error {
	d, err := openSnapshot(src)
	if err != nil {
		return err
	}
	symbol := d.str("symbol")
	tick := record.Fixed(d.varint("tick size"))
	lot := record.Fixed(d.varint("lot size"))
	policy := Policy(d.byte("policy"))
	clock := d.varint("clock")
	seq := d.uvarint("trade sequence")
	sess := d.session()
	if d.err != nil {
		return d.err
	}
	if symbol != b.inst.Symbol || tick != b.inst.TickSize || lot != b.inst.LotSize {
		return fmt.Errorf("%w: expected instrument %s (tick %s, lot %s), received %s (tick %s, lot %s)",
			ErrBadSnapshot, b.inst.Symbol, b.inst.TickSize, b.inst.LotSize, symbol, tick, lot)
	}
	if policy != b.policy {
		return fmt.Errorf("%w: expected policy %s, received %s", ErrBadSnapshot, b.policy, policy)
	}
	if policy == Exact && d.version >= snapRules {
		return fmt.Errorf("%w: expected version %d under the exact policy, which has no rules, received %d", ErrBadSnapshot, snapVersion, d.version)
	}
	if d.version >= snapSession && (!b.ss.on || sess != b.ss.sess) {
		return fmt.Errorf("%w: expected the book's session %+v (SetSession before Restore), received %+v", ErrBadSnapshot, b.ss.sess, sess)
	}
	// Decode into scratch space kept on the Book, so that restoring a
	// large book repeatedly does not churn the heap. Snapshot lists each
	// side best level first, a level's orders contiguous and oldest first:
	// the orders are checked to come in that order, so load can append
	// them without searching.
	orders := b.restoreBuf[:0]
	traders := map[string]string{} // trader ids repeat: keep one copy of each
	var bestTicks, nLevels [2]int64
	for s, side := range [2]record.Side{record.Buy, record.Sell} {
		count := d.uvarint("order count")
		if d.err == nil && count > uint64(len(d.buf)/minOrderBytes) {
			return fmt.Errorf("%w: %s order count %d exceeds what %d remaining bytes can hold", ErrBadSnapshot, side, count, len(d.buf))
		}
		orders = slices.Grow(orders, int(count))
		l := &b.sides[s]
		prev := int64(math.MaxInt64) // ladder key of the previous order
		for i := uint64(0); i < count && d.err == nil; i++ {
			o := snapOrder{
				id: d.uvarint("order id"), ticks: d.varint("price"), lots: d.varint("open quantity"),
				filled: d.varint("filled quantity"), expire: d.varint("expiry"), trader: d.intern("trader id", traders),
				side: side,
			}
			if d.version >= snapRules {
				d.ruleFields(&o)
			}
			if d.err != nil {
				break
			}
			if err := checkSnapOrder(&o, clock); err != nil {
				return err
			}
			switch k := l.key(o.ticks); {
			case k > prev:
				return fmt.Errorf("%w: %s order %d: expected levels best first, received %d ticks after %d ticks",
					ErrBadSnapshot, side, o.id, o.ticks, l.key(prev))
			case k < prev:
				if nLevels[s] == 0 {
					bestTicks[s] = o.ticks
				}
				nLevels[s]++
				prev = k
			}
			orders = append(orders, o)
		}
	}
	if d.err != nil {
		return d.err
	}
	var nStops int
	if d.version >= snapRules {
		count := d.uvarint("stop count")
		if d.err == nil && count > uint64(len(d.buf)/(minOrderBytes+7)) {
			return fmt.Errorf("%w: stop count %d exceeds what %d remaining bytes can hold", ErrBadSnapshot, count, len(d.buf))
		}
		for i := uint64(0); i < count && d.err == nil; i++ {
			o := snapOrder{side: record.Side(d.byte("stop side")), typ: record.OrderType(d.byte("stop type")),
				tif: record.TimeInForce(d.byte("stop time in force"))}
			o.id, o.ticks, o.lots = d.uvarint("order id"), d.varint("price"), d.varint("open quantity")
			o.filled, o.expire, o.trader = d.varint("filled quantity"), d.varint("expiry"), d.intern("trader id", traders)
			d.ruleFields(&o)
			o.trigger = d.varint("stop trigger")
			if d.version >= snapSession {
				o.fired = d.flag("stop fired")
			}
			if d.err != nil {
				break
			}
			if err := checkSnapStop(&o, clock); err != nil {
				return err
			}
			orders = append(orders, o)
			nStops++
		}
		if d.err != nil {
			return d.err
		}
	}
	st, err := b.decodeSession(&d, clock, orders)
	if err != nil {
		return err
	}
	if len(d.buf) != 0 {
		return fmt.Errorf("%w: expected end of snapshot, received %d trailing bytes", ErrBadSnapshot, len(d.buf))
	}
	crossable := d.version >= snapSession && (st.phase == PreOpen || st.phase == Halted)
	if bid, ask := bestTicks[0], bestTicks[1]; b.policy == PriceTime && !crossable && bid != 0 && ask != 0 && bid >= ask {
		return fmt.Errorf("%w: expected an uncrossed book outside PRE_OPEN and HALTED, received best bid %d ticks >= best ask %d ticks", ErrBadSnapshot, bid, ask)
	}
	if err := b.indexOrders(orders); err != nil {
		return err
	}
	b.load(clock, seq, orders, nLevels, nStops)
	b.restoreSession(d.version >= snapSession, &st)
	b.index, b.restoreSeen = b.restoreSeen, b.index
	clear(orders) // drop the trader strings
	b.restoreBuf = orders[:0]
	return nil
}

// indexOrders builds in b.restoreSeen the id index the restored book will
// have, order i being node i, and fails on a duplicate id. It inserts the
// ids in the order of their home slots, so that the table fills front to
// back instead of at random: with a million orders, cache and TLB misses
// made random insertion the largest cost of Restore. The index is never
// iterated, so its layout is not observable.
func (b *Book) indexOrders(orders []snapOrder) error {
	x := &b.restoreSeen
	if len(x.slots) == 0 || 2*len(orders) > len(x.slots) {
		x.init(len(orders))
	} else {
		x.clear()
	}
	ids := make([]homedID, 2*len(orders))
	ids, tmp := ids[:len(orders)], ids[len(orders):]
	for i := range orders {
		ids[i] = homedID{home: uint32(mix(orders[i].id) & x.mask), node: int32(i), id: orders[i].id}
	}
	// LSD radix sort by home slot, 11 bits a pass; stable, so ties keep
	// snapshot order and the layout is deterministic.
	for shift := 0; shift < bits.Len64(x.mask); shift += 11 {
		var count [1 << 11]int
		for _, e := range ids {
			count[e.home>>shift&(1<<11-1)]++
		}
		sum := 0
		for d, c := range count {
			count[d], sum = sum, sum+c
		}
		for _, e := range ids {
			d := e.home >> shift & (1<<11 - 1)
			tmp[count[d]] = e
			count[d]++
		}
		ids, tmp = tmp, ids
	}
	for _, e := range ids {
		if _, dup := x.get(e.id); dup {
			return fmt.Errorf("%w: expected unique order ids, received id %d twice", ErrBadSnapshot, e.id)
		}
		x.put(e.id, e.node)
	}
	return nil
}

// checkSnapStop checks a pending stop: a trigger, a valid kind, and a
// limit price for a STOP_LIMIT only.
func checkSnapStop(o *snapOrder, clock int64) error {
	switch {
	case o.side != record.Buy && o.side != record.Sell:
		return fmt.Errorf("%w: stop %d: expected side 1 or 2, received %d", ErrBadSnapshot, o.id, o.side)
	case o.typ > record.Market || o.tif > DAY || (o.tif == DAY) != (o.flags&flagDay != 0):
		return fmt.Errorf("%w: stop %d: expected type 0-1 and time in force 0-3 (3 with the DAY flag), received %d and %d", ErrBadSnapshot, o.id, o.typ, o.tif)
	case o.trigger <= 0:
		return fmt.Errorf("%w: stop %d: expected a positive trigger in ticks, received %d", ErrBadSnapshot, o.id, o.trigger)
	case o.display != 0 || o.flags&flagPostOnly != 0:
		return fmt.Errorf("%w: stop %d: expected neither iceberg nor post-only", ErrBadSnapshot, o.id)
	case o.typ == record.Market && o.ticks != 0:
		return fmt.Errorf("%w: stop %d: expected no limit price on a STOP, received %d", ErrBadSnapshot, o.id, o.ticks)
	}
	check := *o
	if o.typ == record.Market {
		check.ticks = 1
	}
	return checkSnapOrder(&check, clock)
}

// homedID is an order id with its home slot in the id index and the node
// it will be restored to.
type homedID struct {
	home uint32
	node int32
	id   uint64
}

func checkSnapOrder(o *snapOrder, clock int64) error {
	switch {
	case o.flags&^(flagSTP|flagPostOnly|flagDay) != 0:
		return fmt.Errorf("%w: order %d: expected flags within %#x, received %#x", ErrBadSnapshot, o.id, flagSTP|flagPostOnly|flagDay, o.flags)
	case o.display < 0 || o.hidden < 0 || (o.display == 0 && o.hidden != 0) || (o.display != 0 && o.lots > o.display):
		return fmt.Errorf("%w: order %d: expected an iceberg showing at most its display (or none), received %d shown, display %d, hidden %d",
			ErrBadSnapshot, o.id, o.lots, o.display, o.hidden)
	case o.ticks <= 0:
		return fmt.Errorf("%w: order %d: expected a positive price in ticks, received %d", ErrBadSnapshot, o.id, o.ticks)
	case o.lots <= 0:
		return fmt.Errorf("%w: order %d: expected a positive open quantity in lots, received %d", ErrBadSnapshot, o.id, o.lots)
	case o.filled < 0:
		return fmt.Errorf("%w: order %d: expected a non-negative filled quantity, received %d", ErrBadSnapshot, o.id, o.filled)
	case o.expire != 0 && o.expire < clock:
		return fmt.Errorf("%w: order %d: expected an expiry at or after the clock %d, received %d", ErrBadSnapshot, o.id, clock, o.expire)
	}
	return nil
}

// load resets the book and rests orders, which Restore has checked to be
// in snapshot order (each side best level first, a level's orders
// contiguous and oldest first), with nLevels price levels per side, as
// nodes 0 to len(orders)-1; it leaves the id index to Restore. It
// appends levels to the ladders best first and reverses them at the end
// (a ladder keeps its best level last), so that it costs O(n) plus the expiry heap's O(n log n) instead of an
// insertion into the sorted ladder per level. The resulting state is the
// one resting the orders one by one would give.
func (b *Book) load(clock int64, seq uint64, orders []snapOrder, nLevels [2]int64, nStops int) {
	b.clock, b.tradeSeq = clock, seq
	b.ices, b.iceFree, b.stops = b.ices[:0], b.iceFree[:0], b.stops[:0]
	b.ss.hasDays = false
	b.trHi, b.trLo, b.buyMin, b.sellMax = 0, 0, 0, 0
	stops := orders[len(orders)-nStops:]
	orders = orders[:len(orders)-nStops]
	b.nodes = slices.Grow(b.nodes[:0], len(orders))
	b.levels = slices.Grow(b.levels[:0], int(nLevels[0]+nLevels[1]))
	b.freeNode, b.freeLevel = nilIdx, nilIdx
	for s := range b.sides {
		l := &b.sides[s]
		l.keys = slices.Grow(l.keys[:0], int(nLevels[s]))
		l.lvls = slices.Grow(l.lvls[:0], int(nLevels[s]))
	}
	b.heap = b.heap[:0]
	for i := range orders {
		o := &orders[i]
		ni := b.allocNode()
		l := &b.sides[sideIdx(o.side)]
		k := l.key(o.ticks)
		li := nilIdx
		if last := len(l.keys) - 1; last >= 0 && l.keys[last] == k {
			li = l.lvls[last]
		} else {
			li = b.allocLevel(o.ticks)
			l.keys = append(l.keys, k)
			l.lvls = append(l.lvls, li)
		}
		b.nodes[ni] = node{
			id: o.id, ticks: o.ticks, lots: o.lots, filled: o.filled, expires: o.expire,
			trader: o.trader, hpos: nilIdx, side: o.side, typ: record.Limit, tif: record.GTC, flags: o.flags,
		}
		if o.flags&flagDay != 0 {
			b.nodes[ni].tif = DAY
			b.ss.hasDays = true
		}
		if o.display != 0 {
			b.newIce(&b.nodes[ni], o.display)
			b.ices[b.nodes[ni].ice-1].hidden = o.hidden
		}
		b.enqueue(ni, li)
		if o.expire != 0 {
			b.heapPush(ni)
		}
	}
	for s := range b.sides {
		slices.Reverse(b.sides[s].keys)
		slices.Reverse(b.sides[s].lvls)
	}
	for i := range stops {
		o := &stops[i]
		ni := b.allocNode()
		b.nodes[ni] = node{
			id: o.id, ticks: o.ticks, lots: o.lots, filled: o.filled, expires: o.expire, trader: o.trader,
			prev: nilIdx, next: nilIdx, level: nilIdx, hpos: nilIdx, side: o.side, typ: o.typ, tif: o.tif, flags: o.flags | flagStop,
		}
		if o.expire != 0 {
			b.heapPush(ni)
		}
		if o.tif == DAY {
			b.ss.hasDays = true
		}
		b.stops = append(b.stops, stopEntry{trigger: o.trigger, ni: ni, fired: o.fired})
		b.gate(o.side, o.trigger)
	}
}

// decoder reads snapshot fields, remembering the first error.
type decoder struct {
	buf     []byte
	err     error
	version byte
}

// ruleFields reads version 2's flags, display and hidden of an order.
func (d *decoder) ruleFields(o *snapOrder) {
	o.flags = d.byte("order flags")
	o.display = d.varint("iceberg display")
	o.hidden = d.varint("iceberg reserve")
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: expected %s, received a truncated or malformed field", ErrBadSnapshot, what)
	}
	d.buf = nil
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.buf)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// flag reads a byte that must be 0 or 1.
func (d *decoder) flag(what string) bool {
	switch d.byte(what) {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail(what + " (0 or 1)")
	return false
}

func (d *decoder) byte(what string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) == 0 {
		d.fail(what)
		return 0
	}
	c := d.buf[0]
	d.buf = d.buf[1:]
	return c
}

// intern is str, returning the copy already in seen when there is one.
func (d *decoder) intern(what string, seen map[string]string) string {
	n := d.uvarint(what)
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)) {
		d.fail(what)
		return ""
	}
	raw := d.buf[:n]
	d.buf = d.buf[n:]
	if s, ok := seen[string(raw)]; ok {
		return s
	}
	s := string(raw)
	seen[s] = s
	return s
}

func (d *decoder) str(what string) string {
	n := d.uvarint(what)
	if d.err != nil {
		return ""
	}
	if n > uint64(len(d.buf)) {
		d.fail(what)
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}
