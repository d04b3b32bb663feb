package serve

import (
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// The book view follows match's book feed (docs/CONTRACT.md, "Book feed"):
// per instrument, the levels as of update seq. An update with seq = last+1
// is applied; an older one (a duplicate) is dropped; a newer one is a gap:
// the instrument is out of sync, its updates are held (up to maxPending),
// and the next snapshot with seq >= last replaces the levels, after which
// the held updates beyond the snapshot are applied. A snapshot that arrives
// while in sync is kept for the next gap, not applied: replaying updates
// keeps every level, a snapshot only the top --book-depth. After a
// resync the levels below the snapshot's depth are those updates touched
// since (the view is exact for the snapshot's top levels).

// maxPending bounds the updates held per instrument while waiting for a
// snapshot; the oldest are dropped beyond it (a later snapshot covers them).
const maxPending = 1 << 16

// bookState is one instrument's book as the feed gives it.
type bookState struct {
	seq     uint64
	time    int64
	synced  bool                      // levels are the state after update seq
	levels  [2]map[record.Fixed]Level // bids, asks
	pending []record.BookUpdate       // held while out of sync, seq ascending
	snap    record.BookSnapshot       // the newest snapshot seen
	hasSnap bool
}

func newBookState() *bookState {
	return &bookState{synced: true, levels: [2]map[record.Fixed]Level{{}, {}}}
}

// BookResult says what a book record did to the view.
type BookResult uint8

const (
	BookIgnored  BookResult = iota // a duplicate, a snapshot kept for later, or an update held across a gap
	BookApplied                    // an update applied in sequence: publish it
	BookResynced                   // the levels were replaced from a snapshot: publish the new book
)

func (v *View) book(sym string) *bookState {
	iv := v.instrument(sym)
	if iv.book == nil {
		iv.book = newBookState()
	}
	return iv.book
}

// ApplyBookUpdate applies one update of the book feed.
func (v *View) ApplyBookUpdate(u *record.BookUpdate) BookResult {
	b := v.book(u.Instrument)
	switch {
	case u.Seq <= b.seq:
		return BookIgnored
	case b.synced && u.Seq == b.seq+1:
		b.apply(u)
		return BookApplied
	}
	b.synced = false
	b.hold(u)
	if b.resync() {
		return BookResynced
	}
	return BookIgnored
}

// ApplyBookSnapshot takes one snapshot of the book feed.
func (v *View) ApplyBookSnapshot(s *record.BookSnapshot) BookResult {
	b := v.book(s.Instrument)
	if !b.hasSnap || s.Seq > b.snap.Seq {
		b.snap, b.hasSnap = *s, true
	}
	if b.synced {
		return BookIgnored
	}
	if b.resync() {
		return BookResynced
	}
	return BookIgnored
}

func (b *bookState) apply(u *record.BookUpdate) {
	for i := range u.Levels {
		l := &u.Levels[i]
		d := b.levels[sideIndex(l.Side)]
		if l.Quantity <= 0 && l.Orders <= 0 {
			delete(d, l.Price)
		} else {
			d[l.Price] = Level{Price: l.Price, Quantity: l.Quantity, Orders: int(l.Orders)}
		}
	}
	b.seq, b.time = u.Seq, u.Time
}

// hold keeps u among the pending updates (seq ascending, no duplicates).
func (b *bookState) hold(u *record.BookUpdate) {
	i := sort.Search(len(b.pending), func(i int) bool { return b.pending[i].Seq >= u.Seq })
	if i < len(b.pending) && b.pending[i].Seq == u.Seq {
		return
	}
	c := *u
	c.Levels = append([]record.BookLevel(nil), u.Levels...)
	b.pending = append(b.pending, record.BookUpdate{})
	copy(b.pending[i+1:], b.pending[i:])
	b.pending[i] = c
	if len(b.pending) > maxPending {
		b.pending = append(b.pending[:0], b.pending[len(b.pending)-maxPending:]...)
	}
}

// resync rebuilds an out-of-sync book: from the held updates alone when
// they continue the last one applied (they arrived out of order), else from
// the newest snapshot at or after the gap. It reports whether the levels
// changed that way; synced is true again when nothing is missing any more.
func (b *bookState) resync() bool {
	from := b.seq
	if len(b.pending) > 0 && b.pending[0].Seq == b.seq+1 {
		// the gap has closed by itself
	} else if b.hasSnap && b.snap.Seq >= b.seq && b.snap.Seq > 0 {
		b.levels = [2]map[record.Fixed]Level{{}, {}}
		for side, ls := range [2][]record.BookLevel{b.snap.Bids, b.snap.Asks} {
			for _, l := range ls {
				b.levels[side][l.Price] = Level{Price: l.Price, Quantity: l.Quantity, Orders: int(l.Orders)}
			}
		}
		b.seq, b.time = b.snap.Seq, b.snap.Time
	} else {
		return false
	}
	n := 0
	for ; n < len(b.pending); n++ {
		u := &b.pending[n]
		if u.Seq <= b.seq {
			continue
		}
		if u.Seq != b.seq+1 {
			break
		}
		b.apply(u)
	}
	b.pending = append(b.pending[:0], b.pending[n:]...)
	b.synced = len(b.pending) == 0
	return b.seq != from || b.synced
}

// BookDepth is the depth the view answers for one instrument.
type BookDepth struct {
	Seq    uint64 // the feed update the levels are as of (0: none yet)
	Time   int64  // its time
	Synced bool   // false: a gap in the feed, waiting for a snapshot
	Bids   []Level
	Asks   []Level
}

// Depth returns up to n price levels per side (all when n <= 0): bids from
// the highest price down, asks from the lowest up, as of the book feed's
// update Seq.
func (v *View) Depth(sym string, n int) BookDepth {
	iv, ok := v.inst[sym]
	if !ok || iv.book == nil {
		return BookDepth{Synced: true}
	}
	b := iv.book
	return BookDepth{Seq: b.seq, Time: b.time, Synced: b.synced,
		Bids: sortedLevels(b.levels[0], true, n), Asks: sortedLevels(b.levels[1], false, n)}
}

func sortedLevels(d map[record.Fixed]Level, desc bool, n int) []Level {
	out := make([]Level, 0, len(d))
	for _, lv := range d {
		out = append(out, lv)
	}
	sort.Slice(out, func(i, j int) bool {
		if desc {
			return out[i].Price > out[j].Price
		}
		return out[i].Price < out[j].Price
	})
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// BookSnapshot returns every level the view holds for sym as a snapshot
// record, as of its update Seq; ok is false when the instrument has no
// book yet.
func (v *View) BookSnapshot(sym string) (record.BookSnapshot, bool) {
	iv, ok := v.inst[sym]
	if !ok || iv.book == nil {
		return record.BookSnapshot{}, false
	}
	d := v.Depth(sym, 0)
	s := record.BookSnapshot{Instrument: sym, Seq: d.Seq, Time: d.Time,
		Bids: make([]record.BookLevel, len(d.Bids)), Asks: make([]record.BookLevel, len(d.Asks))}
	for i, l := range d.Bids {
		s.Bids[i] = record.BookLevel{Side: record.Buy, Price: l.Price, Quantity: l.Quantity, Orders: int64(l.Orders)}
	}
	for i, l := range d.Asks {
		s.Asks[i] = record.BookLevel{Side: record.Sell, Price: l.Price, Quantity: l.Quantity, Orders: int64(l.Orders)}
	}
	return s, true
}

// BookSymbols lists the instruments with a book, by symbol.
func (v *View) BookSymbols() []string {
	var out []string
	for sym, iv := range v.inst {
		if iv.book != nil {
			out = append(out, sym)
		}
	}
	sort.Strings(out)
	return out
}
