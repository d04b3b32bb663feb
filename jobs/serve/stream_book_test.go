package serve

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

// bookFlow is a book feed of TCS made by testFeed from random orders: the
// updates in order and the snapshot as of each of them (snaps[seq]).
func bookFlow(t *testing.T, seed uint64, n int) (updates []record.BookUpdate, snaps []record.BookSnapshot) {
	t.Helper()
	t.Logf("book flow seed %d", seed)
	ins := testInstruments(t)
	tcs, _ := ins.Lookup("TCS")
	b := book.New(*tcs, book.PriceTime, 64)
	feed := &testFeed{b: b}
	r := rand.New(rand.NewPCG(seed, 11))
	snaps = append(snaps, feed.snapshot())
	for id := uint64(1); len(updates) < n; id++ {
		o := record.Order{ID: id, Instrument: "TCS", Time: 1_700_000_000_000 + int64(id), TraderID: "T",
			Side: record.Side(1 + r.IntN(2)), Quantity: record.Fixed(1+r.IntN(10)) * record.One,
			Price: record.Fixed(3490+r.IntN(20)) * record.One}
		if err := ins.Validate(&o); err != nil {
			t.Fatal(err)
		}
		b.Submit(&o, record.Discard{})
		if u, ok := feed.next(); ok {
			updates = append(updates, u)
			snaps = append(snaps, feed.snapshot())
		}
	}
	return updates, snaps
}

// clientBook is a stream client's book built by the join protocol: a
// book_snapshot replaces it, a book event must continue it (seq = last+1).
type clientBook struct {
	seq    uint64
	levels [2]map[record.Fixed]Level
}

func (c *clientBook) take(t *testing.T, e sseEvent) {
	t.Helper()
	switch e.Event {
	case "book_snapshot":
		var s record.BookSnapshot
		if err := record.DecodeBookSnapshot([]byte(e.Data), &s); err != nil {
			t.Fatalf("book_snapshot %q: %v", e.Data, err)
		}
		c.seq, c.levels = s.Seq, [2]map[record.Fixed]Level{{}, {}}
		for side, ls := range [2][]record.BookLevel{s.Bids, s.Asks} {
			for _, l := range ls {
				c.levels[side][l.Price] = Level{l.Price, l.Quantity, int(l.Orders)}
			}
		}
	case "book":
		var u record.BookUpdate
		if err := record.DecodeBookUpdate([]byte(e.Data), &u); err != nil {
			t.Fatalf("book %q: %v", e.Data, err)
		}
		if c.levels[0] == nil || u.Seq != c.seq+1 {
			t.Fatalf("book event seq %d after %d without a snapshot: the client's book would be wrong", u.Seq, c.seq)
		}
		for _, l := range u.Levels {
			if l.Quantity == 0 && l.Orders == 0 {
				delete(c.levels[sideIndex(l.Side)], l.Price)
			} else {
				c.levels[sideIndex(l.Side)][l.Price] = Level{l.Price, l.Quantity, int(l.Orders)}
			}
		}
		c.seq = u.Seq
	default:
		t.Fatalf("unexpected event %+v on a book stream", e)
	}
}

// readUntil takes events until the client's book is at seq.
func (c *clientBook) readUntil(t *testing.T, s *sseClient, seq uint64) (events []string, lastID uint64) {
	t.Helper()
	for c.seq != seq || c.levels[0] == nil {
		e := s.next(t, 5*time.Second)
		if e.Event == "reset" {
			events = append(events, "reset")
			continue
		}
		c.take(t, e)
		events = append(events, fmt.Sprint(e.Event, " ", c.seq))
		if e.ID != 0 {
			lastID = e.ID
		}
	}
	return events, lastID
}

// equal checks the client's book against the snapshot want and the
// server's REST depth.
func (c *clientBook) equal(t *testing.T, f *fixture, want record.BookSnapshot) {
	t.Helper()
	var rest struct {
		Seq    uint64
		Synced bool
		Bids   []levelJSON
		Asks   []levelJSON
	}
	if code := f.do(t, "GET", "/api/instruments/TCS/book?levels=10000", f.alice, "", &rest); code != 200 {
		t.Fatalf("GET book: %d", code)
	}
	if rest.Seq != want.Seq || !rest.Synced || c.seq != want.Seq {
		t.Fatalf("seq: client %d, REST %d (synced %v), want %d", c.seq, rest.Seq, rest.Synced, want.Seq)
	}
	for side, ls := range [2][]record.BookLevel{want.Bids, want.Asks} {
		got := [2][]levelJSON{rest.Bids, rest.Asks}[side]
		if len(c.levels[side]) != len(ls) || len(got) != len(ls) {
			t.Fatalf("side %d: client %d levels, REST %d, want %d", side, len(c.levels[side]), len(got), len(ls))
		}
		for i, l := range ls {
			w := Level{l.Price, l.Quantity, int(l.Orders)}
			if c.levels[side][l.Price] != w || got[i] != (levelJSON{num(l.Price), num(l.Quantity), int(l.Orders)}) {
				t.Fatalf("side %d level %d: client %+v, REST %+v, want %+v", side, i, c.levels[side][l.Price], got[i], w)
			}
		}
	}
}

// TestStreamBookAcrossGaps: a client that resumes with Last-Event-ID
// across a gap in the book feed (updates 16..18 never arrive; serve
// resynchronises from the snapshot at 20) gets the updates before the gap,
// then a book_snapshot, then the updates after it; a client that fell
// behind the ring gets a reset and a fresh book_snapshot, never a book
// event it cannot apply. Its book always equals the server's and the
// order book's.
func TestStreamBookAcrossGaps(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.History = 16 })
	updates, snaps := bookFlow(t, 1, 64)
	send := func(seqs ...uint64) {
		for _, s := range seqs {
			if err := f.srv.Ingest(record.KindBook, record.AppendBookUpdateJSON(nil, &updates[s-1])); err != nil {
				t.Fatal(err)
			}
		}
	}
	seqs := func(from, to uint64) (out []uint64) {
		for s := from; s <= to; s++ {
			out = append(out, s)
		}
		return out
	}
	var c clientBook
	c.seq, c.levels = 0, [2]map[record.Fixed]Level{{}, {}} // joined before the first update
	s := openStream(t, f.ts.URL+"/api/stream?kinds=book", f.alice, "")
	send(seqs(1, 10)...)
	_, last := c.readUntil(t, s, 10)
	c.equal(t, f, snaps[10])
	s.close()

	// the gap: 16..18 lost; 19 and 20 are held until the snapshot at 20.
	send(seqs(11, 15)...)
	send(19, 20)
	if d := f.srv.view.Depth("TCS", 0); d.Synced || d.Seq != 15 {
		t.Fatalf("after a gap: synced %v at %d, want out of sync at 15", d.Synced, d.Seq)
	}
	if err := f.srv.Ingest(record.KindBookSnapshot, record.AppendBookSnapshotJSON(nil, &snaps[20])); err != nil {
		t.Fatal(err)
	}
	send(seqs(21, 25)...)
	s = openStream(t, f.ts.URL+"/api/stream?kinds=book", f.alice, fmt.Sprint(last))
	evs, last := c.readUntil(t, s, 25)
	want := "[book 11 book 12 book 13 book 14 book 15 book_snapshot 20 book 21 book 22 book 23 book 24 book 25]"
	if fmt.Sprint(evs) != want {
		t.Fatalf("resumed across the gap: %v, want %s", evs, want)
	}
	c.equal(t, f, snaps[25])
	s.close()

	// fall behind the 16 events held: reset, then the book as of now.
	send(seqs(26, 60)...)
	s = openStream(t, f.ts.URL+"/api/stream?kinds=book", f.alice, fmt.Sprint(last))
	evs, _ = c.readUntil(t, s, 60)
	if fmt.Sprint(evs) != "[reset book_snapshot 60]" {
		t.Fatalf("resumed behind the ring: %v, want [reset book_snapshot 60]", evs)
	}
	// the next events follow the snapshot: the held book events 45..60
	// are in it, not sent again.
	send(61, 62)
	if evs, _ = c.readUntil(t, s, 62); fmt.Sprint(evs) != "[book 61 book 62]" {
		t.Fatalf("after the snapshot at 60: %v, want [book 61 book 62]", evs)
	}
	c.equal(t, f, snaps[62])
	if got := f.srv.resyncs.Load(); got != 1 {
		t.Fatalf("%d resyncs, want 1", got)
	}
}
