package book

import (
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// The reference's session, as naive as the rest of it: at each
// instruction it lists every boundary of every day between the previous
// clock and the new one, runs them in time order (after a close, skipping
// to the last pre-open), tries every crossed price for the auction and
// sorts the orders to expire at the close. Its halt window keeps every
// trade's price and event time and looks up, at each check, the last
// price printed before the current window began.

type refPhases struct {
	sess   Session
	on     bool
	placed bool
	phase  Phase
	last   int64 // the last trade price
	// halts
	haltEnd int64 // 0: not halted
	href    int64
	tag     uint64 // the instruction's
	// halt windows
	now    int64      // the event time: a boundary's, a halt end's, or the clock
	anchor int64      // the time of the last auction that traded
	prints []refPrint // every trade
}

// refPrint is a trade's price and event time.
type refPrint struct{ t, ticks int64 }

type refBoundary struct {
	t, day int64
	kind   int // 0 PreOpen, 1 Auction, 2 Open, 3 Close
}

func (r *refBook) setSession(s Session) {
	r.ph = refPhases{sess: s, on: s != Session{}, href: s.Ref}
}

// phaseAt is the phase at time t by the time of day.
func (p *refPhases) phaseAt(t int64) Phase {
	s := p.sess
	tod := ((t+s.Offset)%Day + Day) % Day
	switch {
	case tod < s.PreOpen:
		return Closed
	case tod < s.Auction:
		return PreOpen
	case tod < s.Open:
		return Buffer
	case tod < s.Close:
		return Continuous
	}
	return Closed
}

// runSession runs the boundaries in (prev, r.clock].
func (r *refBook) runSession(prev int64, tag uint64) {
	p := &r.ph
	p.tag = tag
	if !p.on {
		return
	}
	if !p.placed {
		p.placed = true
		r.status(tag, r.clock, p.phaseAt(r.clock))
		return
	}
	s := p.sess
	var bs []refBoundary
	for d := (prev+s.Offset)/Day - 2; d <= (r.clock+s.Offset)/Day+1; d++ {
		m := d*Day - s.Offset
		for k, tod := range []int64{s.PreOpen, s.Auction, s.Open, s.Close} {
			if k == 2 && s.Open == s.Auction {
				continue
			}
			if t := m + tod; t > prev && t <= r.clock {
				bs = append(bs, refBoundary{t, d, k})
			}
		}
	}
	sort.Slice(bs, func(i, j int) bool {
		return bs[i].day < bs[j].day || (bs[i].day == bs[j].day && bs[i].kind < bs[j].kind)
	})
	var lastPre int64
	for _, b := range bs {
		if b.kind == 0 {
			lastPre = b.t
		}
	}
	closed := false
	for _, b := range bs {
		if closed && b.t < lastPre {
			continue
		}
		r.endHalts(b.t - 1)
		p.now = b.t
		r.expireBefore(b.t)
		if p.haltEnd != 0 { // a halt still on at the close
			p.haltEnd = 0
			r.auction()
		}
		switch b.kind {
		case 0:
			r.status(tag, b.t, PreOpen)
		case 1:
			r.auction()
			if s.Auction == s.Open {
				r.status(tag, b.t, Continuous)
			} else {
				r.status(tag, b.t, Buffer)
			}
		case 2:
			r.status(tag, b.t, Continuous)
		case 3:
			r.status(tag, b.t, Closed)
			r.expireDays()
			closed = true
		}
		if p.phase == Continuous {
			r.runStops()
		}
	}
	r.endHalts(r.clock)
}

// endHalts ends the halts due by t: auction, CONTINUOUS, stops (which may
// halt again).
func (r *refBook) endHalts(t int64) {
	for p := &r.ph; p.haltEnd != 0 && p.haltEnd <= t; {
		at := p.haltEnd
		p.now = at
		r.expireBefore(at)
		p.haltEnd = 0
		r.auction()
		r.status(p.tag, at, Continuous)
		r.runStops()
	}
}

// breaches reports whether a trade at ticks is beyond the halt limit.
func (r *refBook) breaches(ticks int64) bool {
	p := &r.ph
	ref := r.haltRef()
	if p.sess.HaltBP == 0 || ref == 0 {
		return false
	}
	d := ticks - ref
	if d < 0 {
		d = -d
	}
	return d*10_000 > ref*p.sess.HaltBP
}

// haltRef is the halt reference now: with a window, the last price
// printed before the window now is in began (windows of HaltWindow from
// the last auction that traded, or from 0), if any.
func (r *refBook) haltRef() int64 {
	p := &r.ph
	w := p.sess.HaltWindow
	if w == 0 || p.now-p.anchor < w {
		return p.href
	}
	start := p.anchor + (p.now-p.anchor)/w*w
	ref := p.href
	for _, x := range p.prints {
		if x.t < start {
			ref = x.ticks
		}
	}
	return ref
}

func (r *refBook) halt() {
	r.ph.haltEnd = r.clock + r.ph.sess.HaltFor
	r.status(r.ph.tag, r.clock, Halted)
}

func (r *refBook) status(tag uint64, at int64, ph Phase) {
	r.ph.phase = ph
	r.out = append(r.out, out{status: true, s: Status{Tag: tag, At: at, Phase: ph}})
}

func (r *refBook) phaseReject(o *record.Order, x *Order) string {
	switch r.ph.phase {
	case Buffer, Closed:
		return "CLOSED"
	case PreOpen, Halted:
		if x.Stop == 0 && (o.Type != record.Limit || (o.TIF != record.GTC && o.TIF != DAY) || x.PostOnly) {
			return "PRE_OPEN"
		}
	}
	return ""
}

// priority sorts orders as CANCEL_ALL reports them: bids best first,
// then asks, oldest first within a price.
func priority(xs []refOrder) {
	sort.Slice(xs, func(i, j int) bool {
		a, b := xs[i], xs[j]
		switch {
		case a.side != b.side:
			return a.side == record.Buy
		case a.ticks != b.ticks:
			return (a.side == record.Buy) == (a.ticks > b.ticks)
		}
		return a.seq < b.seq
	})
}

func (r *refBook) expireDays() {
	var days, keep, stops []refOrder
	for _, x := range r.rest {
		if x.tif == DAY {
			days = append(days, x)
		} else {
			keep = append(keep, x)
		}
	}
	priority(days)
	for _, x := range r.stops {
		if x.tif == DAY {
			days = append(days, x)
		} else {
			stops = append(stops, x)
		}
	}
	for i := range days {
		r.event(record.Expired, &days[i], days[i].ticks, days[i].open(), 0)
	}
	r.rest, r.stops = keep, stops
}

// auction uncrosses the book at the price every candidate is tried for.
func (r *refBook) auction() {
	var maxBid, minAsk int64 = 0, 1 << 62
	for _, x := range r.rest {
		if x.side == record.Buy {
			maxBid = max(maxBid, x.ticks)
		} else {
			minAsk = min(minAsk, x.ticks)
		}
	}
	if maxBid < minAsk {
		return
	}
	ref := r.ph.last
	if ref == 0 {
		ref = r.ph.sess.Ref
	}
	type cand struct{ p, vol, imb, dist int64 }
	var cs []cand
	for _, c := range r.rest {
		if (c.side == record.Buy && c.ticks < minAsk) || (c.side == record.Sell && c.ticks > maxBid) {
			continue
		}
		var buy, sell int64
		for _, x := range r.rest {
			if x.side == record.Buy && x.ticks >= c.ticks {
				buy += x.open()
			}
			if x.side == record.Sell && x.ticks <= c.ticks {
				sell += x.open()
			}
		}
		d := int64(0)
		if ref != 0 {
			d = abs(c.ticks - ref)
		}
		cs = append(cs, cand{c.ticks, min(buy, sell), abs(buy - sell), d})
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		switch {
		case a.vol != b.vol:
			return a.vol > b.vol
		case a.imb != b.imb:
			return a.imb < b.imb
		case a.dist != b.dist:
			return a.dist < b.dist
		}
		return a.p < b.p
	})
	p := cs[0].p
	r.ph.href = p
	for {
		bi, si := -1, -1
		for i, x := range r.rest {
			if x.side == record.Buy && x.ticks >= p && (bi < 0 || x.ticks > r.rest[bi].ticks || (x.ticks == r.rest[bi].ticks && x.seq < r.rest[bi].seq)) {
				bi = i
			}
			if x.side == record.Sell && x.ticks <= p && (si < 0 || x.ticks < r.rest[si].ticks || (x.ticks == r.rest[si].ticks && x.seq < r.rest[si].seq)) {
				si = i
			}
		}
		if bi < 0 || si < 0 {
			return
		}
		bx, sx := &r.rest[bi], &r.rest[si]
		q := min(bx.lots, sx.lots)
		r.tradeSeq++
		r.ph.last = p
		r.ph.anchor = r.ph.now
		r.ph.prints = append(r.ph.prints, refPrint{r.ph.now, p})
		for i := range r.stops {
			if s := &r.stops[i]; (s.side == record.Buy && p >= s.stop) || (s.side == record.Sell && p <= s.stop) {
				s.fired = true
			}
		}
		r.out = append(r.out, out{trade: true, t: record.Trade{TradeID: r.tradeSeq, Instrument: r.inst.Symbol, Price: r.px(p),
			Quantity: r.qt(q), BuyOrderID: bx.id, BuyTrader: bx.trader, SellOrderID: sx.id, SellTrader: sx.trader, Time: r.clock}})
		for _, x := range []*refOrder{bx, sx} {
			x.lots -= q
			x.filled += q
			typ := record.PartialFill
			if x.open() == 0 {
				typ = record.Fill
			}
			r.event(typ, x, p, q, x.open())
			r.out[len(r.out)-1].e.TradeID = r.tradeSeq
			if x.lots == 0 && x.hidden > 0 {
				x.lots = min(x.display, x.hidden)
				x.hidden -= x.lots
				r.seq++
				x.seq = r.seq
			}
		}
		var keep []refOrder
		for _, x := range r.rest {
			if x.lots > 0 {
				keep = append(keep, x)
			}
		}
		r.rest = keep
	}
}
