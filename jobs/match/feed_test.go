package match

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// feedOut collects the feed records of one input record, through their
// JSON encoding and decoders (what a client reads).
type feedOut struct {
	updates []record.BookUpdate
	snaps   []record.BookSnapshot
	err     error
}

func (f *feedOut) Emit(r record.Record) {
	switch r := r.(type) {
	case *record.BookUpdate:
		f.bookUpdate(r)
	case *record.BookSnapshot:
		f.bookSnapshot(r)
	}
}

func (f *feedOut) bookUpdate(u *record.BookUpdate) {
	var v record.BookUpdate
	if err := record.DecodeBookUpdate(record.AppendBookUpdateJSON(nil, u), &v); err != nil && f.err == nil {
		f.err = err
	}
	f.updates = append(f.updates, v)
}

func (f *feedOut) bookSnapshot(s *record.BookSnapshot) {
	var v record.BookSnapshot
	if err := record.DecodeBookSnapshot(record.AppendBookSnapshotJSON(nil, s), &v); err != nil && f.err == nil {
		f.err = err
	}
	f.snaps = append(f.snaps, v)
}

type px struct {
	side  record.Side
	price record.Fixed
}

type qo struct {
	qty    record.Fixed
	orders int64
}

// client is a feed reader following the join protocol: from a snapshot
// (or from the empty book at seq 0), apply updates with seq > its own, in
// order; seq > last+1 is a gap. depth is the snapshot depth it started
// from (0: it started from seq 0 and knows every level); edge[side] is the
// worst price of a full snapshot side, beyond which it knows only what
// updates told it.
type client struct {
	seq    uint64
	levels map[px]qo
	depth  int
	edge   map[record.Side]record.Fixed
}

func newClient() *client { return &client{levels: map[px]qo{}, edge: map[record.Side]record.Fixed{}} }

func clientFrom(s *record.BookSnapshot, depth int) *client {
	c := newClient()
	c.seq, c.depth = s.Seq, depth
	for side, ls := range map[record.Side][]record.BookLevel{record.Buy: s.Bids, record.Sell: s.Asks} {
		for _, l := range ls {
			c.levels[px{side, l.Price}] = qo{l.Quantity, l.Orders}
		}
		if len(ls) == depth {
			c.edge[side] = ls[len(ls)-1].Price
		}
	}
	return c
}

func (c *client) apply(u *record.BookUpdate) error {
	if u.Seq <= c.seq {
		return nil
	}
	if u.Seq != c.seq+1 {
		return fmt.Errorf("gap: seq %d after %d", u.Seq, c.seq)
	}
	c.seq = u.Seq
	for _, l := range u.Levels {
		if l.Quantity == 0 {
			delete(c.levels, px{l.Side, l.Price})
		} else {
			c.levels[px{l.Side, l.Price}] = qo{l.Quantity, l.Orders}
		}
	}
	return nil
}

// known reports whether a level at p lies where the client knows the book.
func (c *client) known(p px) bool {
	e, ok := c.edge[p.side]
	if !ok {
		return true
	}
	if p.side == record.Buy {
		return p.price >= e
	}
	return p.price <= e
}

// bookLevels is the whole book as the feed writes it.
func bookLevels(b *book.Book) map[px]qo {
	in := b.Instrument()
	m := map[px]qo{}
	for _, side := range []record.Side{record.Buy, record.Sell} {
		for _, l := range b.Depth(side, 1<<30, nil) {
			m[px{side, record.Fixed(l.Ticks) * in.TickSize}] = qo{record.Fixed(l.Lots) * in.LotSize, int64(l.Orders)}
		}
	}
	return m
}

// check compares what the client knows with the book.
func (c *client) check(b *book.Book) error {
	want := bookLevels(b)
	for p, v := range want {
		if c.known(p) && c.levels[p] != v {
			return fmt.Errorf("level %s %s: client has %+v, book %+v", p.side, p.price, c.levels[p], v)
		}
	}
	for p, v := range c.levels {
		if _, ok := want[p]; !ok && c.known(p) {
			return fmt.Errorf("level %s %s: client has %+v, not in the book", p.side, p.price, v)
		}
	}
	return nil
}

func checkBBO(u *record.BookUpdate, b *book.Book) error {
	in := b.Instrument()
	bt, bl, bok := b.BestBid()
	at, al, aok := b.BestAsk()
	if u.HasBid != bok || (bok && (u.Bid != record.Fixed(bt)*in.TickSize || u.BidQty != record.Fixed(bl)*in.LotSize)) {
		return fmt.Errorf("bid %v %s x %s, book %v %d x %d", u.HasBid, u.Bid, u.BidQty, bok, bt, bl)
	}
	if u.HasAsk != aok || (aok && (u.Ask != record.Fixed(at)*in.TickSize || u.AskQty != record.Fixed(al)*in.LotSize)) {
		return fmt.Errorf("ask %v %s x %s, book %v %d x %d", u.HasAsk, u.Ask, u.AskQty, aok, at, al)
	}
	return nil
}

// TestFeedDifferential runs 120 generator flows (random seed, logged)
// through a processor with the feed on, restarting it from its own
// snapshot at random points, and checks after every input record that a
// client replaying the updates from the start, and one that joined at the
// latest book snapshot, hold exactly the depth the book's Depth query
// returns (the joiner: wherever the snapshot depth lets it know), with
// gap-free seqs, the right best bid and offer, and one update per record
// that changed a book.
func TestFeedDifferential(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	ins := defaultIns(t)
	flows, n := 100, 1000
	if testing.Short() {
		flows = 20
	}
	var updates, snapshots, restarts, joins int
	for f := range flows {
		rng := rand.New(rand.NewPCG(seed, uint64(f)))
		gc := flow.DefaultConfig()
		gc.Seed = seed + uint64(f)
		gc.Step = 1 + rng.Int64N(100)
		g, err := flow.NewGenerator(gc, record.DefaultInstruments())
		if err != nil {
			t.Fatal(err)
		}
		opt := Options{Feed: FeedOptions{On: true, SnapshotEvery: 1 + rng.Uint64N(60), Depth: 1 + rng.IntN(25)}}
		p := NewProcessorWith(ins, book.PriceTime, opt)
		starts := map[string]*client{} // replaying from seq 1
		joiners := map[string]*client{}
		var o record.Order
		for i := range n {
			if rng.IntN(300) == 0 { // a restart from the processor's own snapshot
				q := NewProcessorWith(ins, book.PriceTime, opt)
				if err := q.Restore(p.Snapshot(nil)); err != nil {
					t.Fatalf("flow %d (seed %d): restore: %v", f, seed, err)
				}
				p = q
				restarts++
			}
			g.Next(&o)
			line := record.AppendOrderJSON(nil, &o)
			if rng.IntN(50) == 0 {
				line = []byte(`{"id": oops`)
			}
			before := map[string]map[px]qo{}
			for sym, b := range p.Books() {
				before[sym] = bookLevels(b)
			}
			var out feedOut
			p.Process(&stream.Record{Value: line, Offset: int64(i + 1)}, &out)
			if err := checkFeed(p, &out, starts, joiners, before, opt.Feed.Depth); err != nil {
				t.Fatalf("flow %d (seed %d) record %d %s: %v", f, seed, i+1, line, err)
			}
			updates += len(out.updates)
			snapshots += len(out.snaps)
			joins += len(out.snaps)
		}
		var out feedOut
		p.Flush(&out)
		for _, s := range out.snaps {
			st := starts[s.Instrument]
			if st == nil || s.Seq != st.seq {
				t.Fatalf("flow %d: end snapshot of %s at seq %d, updates reached %v", f, s.Instrument, s.Seq, st)
			}
			if err := clientFrom(&s, opt.Feed.Depth).check(p.Books()[s.Instrument]); err != nil {
				t.Fatalf("flow %d: end snapshot of %s: %v", f, s.Instrument, err)
			}
		}
		for sym, st := range starts {
			if i := slices.IndexFunc(out.snaps, func(s record.BookSnapshot) bool { return s.Instrument == sym }); i < 0 && st.seq%opt.Feed.SnapshotEvery != 0 {
				t.Fatalf("flow %d: no end snapshot of %s at seq %d", f, sym, st.seq)
			}
		}
	}
	if updates < flows*n/2 || snapshots < flows || restarts < flows/2 {
		t.Errorf("too little exercised: %d updates, %d snapshots, %d restarts", updates, snapshots, restarts)
	}
	t.Logf("%d flows: %d updates, %d snapshots (%d joins), %d restarts", flows, updates, snapshots, joins, restarts)
}

func checkFeed(p *Processor, out *feedOut, starts, joiners map[string]*client, before map[string]map[px]qo, depth int) error {
	if out.err != nil {
		return out.err
	}
	seen := map[string]bool{}
	for i := range out.updates {
		u := &out.updates[i]
		if seen[u.Instrument] {
			return fmt.Errorf("two updates of %s for one record", u.Instrument)
		}
		seen[u.Instrument] = true
		b := p.Books()[u.Instrument]
		if u.Time != b.Clock() {
			return fmt.Errorf("update time %d, clock %d", u.Time, b.Clock())
		}
		if err := checkBBO(u, b); err != nil {
			return err
		}
		if starts[u.Instrument] == nil {
			starts[u.Instrument] = newClient()
		}
		if err := starts[u.Instrument].apply(u); err != nil {
			return fmt.Errorf("%s from the start: %w", u.Instrument, err)
		}
		if j := joiners[u.Instrument]; j != nil {
			if err := j.apply(u); err != nil {
				return fmt.Errorf("%s from snapshot: %w", u.Instrument, err)
			}
		}
	}
	for i := range out.snaps {
		s := &out.snaps[i]
		if st := starts[s.Instrument]; st == nil || s.Seq != st.seq {
			return fmt.Errorf("snapshot of %s at seq %d, updates at %v", s.Instrument, s.Seq, st)
		}
		joiners[s.Instrument] = clientFrom(s, depth)
	}
	for sym, b := range p.Books() {
		changed := !maps.Equal(before[sym], bookLevels(b))
		if changed != seen[sym] {
			return fmt.Errorf("%s: book changed %v, update emitted %v", sym, changed, seen[sym])
		}
		if st := starts[sym]; st != nil {
			if err := st.check(b); err != nil {
				return fmt.Errorf("%s from the start at seq %d: %w", sym, st.seq, err)
			}
		}
		if j := joiners[sym]; j != nil {
			if err := j.check(b); err != nil {
				return fmt.Errorf("%s from snapshot, at seq %d: %w", sym, j.seq, err)
			}
		}
	}
	return nil
}

// v1Snapshot encodes p's books in the version 1 format (no feed position).
func v1Snapshot(p *Processor) []byte {
	syms := slices.Sorted(maps.Keys(p.Books()))
	dst := []byte{1}
	dst = binary.AppendUvarint(dst, uint64(len(syms)))
	for _, s := range syms {
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		dst = append(dst, s...)
		body := p.Books()[s].Snapshot(nil)
		dst = binary.AppendUvarint(dst, uint64(len(body)))
		dst = append(dst, body...)
	}
	return dst
}

// TestFeedJoinsUnfollowedBooks: a book restored from a version 1 snapshot
// (seq 0) or from a run with the feed off is announced with a snapshot at
// the next seq before its next update, so a client sees a gap and reloads;
// seqs then continue across feed-on restarts with no gap.
func TestFeedJoinsUnfollowedBooks(t *testing.T) {
	ins := defaultIns(t)
	lines := orderLines(t, 3000)
	on := Options{Feed: FeedOptions{On: true, SnapshotEvery: 1 << 40, Depth: 5}}
	for _, tc := range []struct {
		name string
		snap func(p *Processor) []byte
	}{
		{"version 1", v1Snapshot},
		{"feed off", func(p *Processor) []byte { return p.Snapshot(nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			off := NewProcessor(ins, book.PriceTime)
			var out feedOut
			for i, l := range lines[:1000] {
				off.Process(&stream.Record{Value: l, Offset: int64(i + 1)}, &out)
			}
			if len(out.updates)+len(out.snaps) != 0 {
				t.Fatal("feed records with the feed off")
			}
			p := NewProcessorWith(ins, book.PriceTime, on)
			if err := p.Restore(tc.snap(off)); err != nil {
				t.Fatal(err)
			}
			starts, joiners := map[string]*client{}, map[string]*client{}
			last := map[string]uint64{}
			for i, l := range lines[1000:] {
				if i == 1000 {
					q := NewProcessorWith(ins, book.PriceTime, on)
					if err := q.Restore(p.Snapshot(nil)); err != nil {
						t.Fatal(err)
					}
					p = q
				}
				before := map[string]map[px]qo{}
				for sym, b := range p.Books() {
					before[sym] = bookLevels(b)
				}
				var out feedOut
				p.Process(&stream.Record{Value: l, Offset: int64(i + 1001)}, &out)
				for _, s := range out.snaps {
					if last[s.Instrument] != 0 {
						t.Fatalf("%s: a second resync snapshot at seq %d", s.Instrument, s.Seq)
					}
					if s.Seq != 1 {
						t.Fatalf("%s: resync snapshot at seq %d, expected 1 (seq 0 restored)", s.Instrument, s.Seq)
					}
					starts[s.Instrument] = clientFrom(&s, 5)
					last[s.Instrument] = s.Seq
				}
				for _, u := range out.updates {
					if last[u.Instrument] == 0 {
						t.Fatalf("%s: update %d before the resync snapshot", u.Instrument, u.Seq)
					}
					last[u.Instrument] = u.Seq
				}
				out.snaps = nil // the resync snapshots are already the clients' start
				if err := checkFeed(p, &out, starts, joiners, before, 5); err != nil {
					t.Fatalf("record %d: %v", i+1001, err)
				}
			}
			if len(last) != 4 {
				t.Errorf("expected all 4 instruments resynchronised, got %v", last)
			}
		})
	}
}

// TestFeedOffEmitsNothingAndKeepsSeq: with the feed off the processor
// emits no feed records and carries restored seqs through its snapshots.
func TestFeedOffEmitsNothingAndKeepsSeq(t *testing.T) {
	ins := defaultIns(t)
	lines := orderLines(t, 500)
	on := NewProcessorWith(ins, book.PriceTime, Options{Feed: FeedOptions{On: true}})
	var out feedOut
	for i, l := range lines {
		on.Process(&stream.Record{Value: l, Offset: int64(i + 1)}, &out)
	}
	off := NewProcessor(ins, book.PriceTime)
	if err := off.Restore(on.Snapshot(nil)); err != nil {
		t.Fatal(err)
	}
	for sym, s := range on.seqs {
		if got := off.seqs[sym]; got.seq != s.seq || got.snapSeq != s.snapSeq || !got.synced {
			t.Errorf("%s: restored feed position %+v, expected %+v", sym, *got, *s)
		}
	}
	var out2 feedOut
	off.Process(&stream.Record{Value: lines[0], Offset: 1}, &out2)
	off.Flush(&out2)
	if len(out2.updates)+len(out2.snaps) != 0 {
		t.Errorf("feed off: %d updates, %d snapshots", len(out2.updates), len(out2.snaps))
	}
	for _, bad := range [][]byte{{3}, {}, append(on.Snapshot(nil), 0)} {
		if err := NewProcessor(ins, book.PriceTime).Restore(bad); err == nil {
			t.Errorf("restore of a bad snapshot %.20q: no error", bad)
		}
	}
}

// TestFeedDoesNotAllocate: an order that changes a book costs no
// allocation for its update in steady state.
func TestFeedDoesNotAllocate(t *testing.T) {
	p := NewProcessorWith(defaultIns(t), book.PriceTime, Options{Feed: FeedOptions{On: true}})
	n := &stream.Record{Value: orderJSON(1, "TCS", "BUY", 5, "3500", t0, "")}
	c := &stream.Record{Value: cancelJSON(1, "TCS", t0, "")}
	var em record.Discard
	for range 10 {
		p.Process(n, em)
		p.Process(c, em)
	}
	if a := testing.AllocsPerRun(200, func() { p.Process(n, em); p.Process(c, em) }); a != 0 {
		t.Errorf("%v allocations per NEW+CANCEL pair with the feed on", a)
	}
}
