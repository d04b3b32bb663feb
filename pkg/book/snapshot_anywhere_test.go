package book

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"
)

// liveIDsOf lists the ids resting or pending in b, for the generator's
// cancels.
func liveIDsOf(b *Book) []uint64 {
	var ids []uint64
	for s := range b.sides {
		for _, li := range b.sides[s].lvls {
			for ni := b.levels[li].head; ni != nilIdx; ni = b.nodes[ni].next {
				ids = append(ids, b.nodes[ni].id)
			}
		}
	}
	for _, e := range b.stops {
		ids = append(ids, b.nodes[e.ni].id)
	}
	return ids
}

// roundTrip restores b's snapshot into a fresh book with the same rules and
// session (set before Restore) and checks that it snapshots the same.
func roundTrip(t testing.TB, b *Book) *Book {
	t.Helper()
	snap := b.Snapshot(nil)
	c := New(b.inst, b.policy, 2)
	if err := c.SetRules(b.Rules()); err != nil {
		t.Fatal(err)
	}
	if err := c.SetSession(b.Session()); err != nil {
		t.Fatal(err)
	}
	if err := c.Restore(snap); err != nil {
		t.Fatalf("restore in %s: %v", b.Phase(), err)
	}
	if err := checkInvariants(c); err != nil {
		t.Fatalf("restored in %s: %v", b.Phase(), err)
	}
	if again := c.Snapshot(nil); !bytes.Equal(again, snap) {
		t.Fatalf("restored in %s: snapshot differs", b.Phase())
	}
	return c
}

// TestSnapshotAnywhere: over 120 seeds of 1500 orders of the phases
// differential test's flows (sessions, halts, stops, icebergs, DAY), a
// book that is snapshotted and restored into a fresh book at random points
// — often during PRE_OPEN and HALTED, with the book crossed — gives
// exactly the reports of the uninterrupted book, and ends in the same
// state.
func TestSnapshotAnywhere(t *testing.T) {
	seeds := 120
	if testing.Short() {
		seeds = 20
	}
	seen := map[string]int{}
	for seed := range uint64(seeds) {
		sess := diffSession(seed)
		g := newGen(seed, PriceTime)
		g.rules, g.session = true, true
		b := New(testInst, PriceTime, 8)
		if err := b.SetRules(rulesFor(seed)); err != nil {
			t.Fatal(err)
		}
		if err := b.SetSession(sess); err != nil {
			t.Fatal(err)
		}
		c := roundTrip(t, b) // unplaced: no instruction yet
		g.live = func() []uint64 { return liveIDsOf(b) }
		when := rand.New(rand.NewPCG(seed, 7)) // the restore points
		for i := range 1500 {
			o, s := g.orderRules()
			lo := leanOf(b, o, s, uint64(i+1))
			var x, y leanRecorder
			b.Apply(lo, &x)
			c.Apply(lo, &y)
			if fmt.Sprint(x.outs) != fmt.Sprint(y.outs) {
				t.Fatalf("seed %d order %d %+v:\nuninterrupted %v\nrestored      %v", seed, i, *lo, x.outs, y.outs)
			}
			if b.trHi != 0 || b.trLo != 0 { // not in snapshots: always 0 between instructions
				t.Fatalf("seed %d order %d: trade range %d-%d left over", seed, i, b.trLo, b.trHi)
			}
			p := 3
			if ph := c.Phase(); ph == PreOpen || ph == Halted {
				p = 15
			}
			if when.IntN(100) < p {
				c = roundTrip(t, c)
				seen["phase "+c.Phase().String()]++
				if c.crossed() {
					seen["crossed"]++
				}
				for _, e := range c.stops {
					if e.fired {
						seen["fired stop"]++
					}
				}
				if c.ss.haltEnd != 0 && len(c.stops) != 0 {
					seen["halted with stops"]++
				}
			}
		}
		if !bytes.Equal(b.Snapshot(nil), c.Snapshot(nil)) {
			t.Fatalf("seed %d: final snapshots differ", seed)
		}
	}
	for _, k := range []string{"phase PRE_OPEN", "phase HALTED", "phase CONTINUOUS", "phase BUFFER", "phase CLOSED", "crossed", "halted with stops"} {
		if seen[k] < 20 {
			t.Errorf("only %d restores with %q over %d seeds", seen[k], k, seeds)
		}
	}
	t.Logf("%v", seen)
}

// fuzzSession is the session of FuzzRestore's version 3 snapshots:
// FuzzBookRules' with halts; fuzzWindowSession, of its version 4 ones,
// adds FuzzBookRules' halt window.
var (
	fuzzSession       = Session{PreOpen: 1_010, Auction: 1_060, Open: 1_080, Close: 1_150, Ref: 100, HaltBP: 300, HaltFor: 7}
	fuzzWindowSession = func() Session { s := fuzzSession; s.HaltWindow = 20; return s }()
)

// restoreTarget is the book FuzzRestore restores data into: with
// fuzzSession for a version 3 snapshot, fuzzWindowSession for a version 4.
func restoreTarget(t testing.TB, data []byte) *Book {
	b := New(testInst, PriceTime, 2)
	if len(data) <= len(snapMagic) {
		return b
	}
	var s Session
	switch data[len(snapMagic)] {
	case snapSession:
		s = fuzzSession
	case snapWindow:
		s = fuzzWindowSession
	}
	if err := b.SetSession(s); err != nil {
		t.Fatal(err)
	}
	return b
}

// sessionSnapshots returns version 3 snapshots of books with fuzzSession,
// and version 4 ones of books with fuzzWindowSession: crossed in
// PRE_OPEN, and crossed in a halt with a pending stop it triggered and a
// DAY order.
func sessionSnapshots(t testing.TB) [][]byte {
	var out [][]byte
	for _, v := range []string{"\x03", "\x04"} {
		b := restoreTarget(t, []byte(snapMagic+v))
		for i, o := range []ord{buy(1, 101, 3).day().at(1_020), sell(2, 99, 2).at(1_021), sell(3, 90, 1).stopAt(98).at(1_022)} {
			b.Apply(o.lean(uint64(i+1)), nil)
		}
		if b.Phase() != PreOpen || !b.crossed() {
			t.Fatalf("pre-open seed: %s, crossed %v", b.Phase(), b.crossed())
		}
		out = append(out, b.Snapshot(nil))
		for i, o := range []ord{sell(4, 104, 1).at(1_081), buy(5, 104, 1).at(1_082), buy(6, 104, 2).at(1_083), sell(7, 95, 2).at(1_084)} {
			b.Apply(o.lean(uint64(i+10)), nil)
		}
		if b.Phase() != Halted || !b.crossed() {
			t.Fatalf("halt seed: %s, crossed %v\n%v %v", b.Phase(), b.crossed(), b.Depth(1, 9, nil), b.Depth(2, 9, nil))
		}
		out = append(out, b.Snapshot(nil))
	}
	return out
}

// TestRestoreSessionSeeds: the fuzz seeds restore, the crossed ones only
// into a book with their session, and a session's snapshot not into a
// book with another.
func TestRestoreSessionSeeds(t *testing.T) {
	for _, snap := range sessionSnapshots(t) {
		b := restoreTarget(t, snap)
		sess := b.Session()
		if err := b.Restore(snap); err != nil {
			t.Fatal(err)
		}
		if again := b.Snapshot(nil); !bytes.Equal(again, snap) {
			t.Fatal("snapshot differs after restore")
		}
		if err := New(testInst, PriceTime, 2).Restore(snap); err == nil {
			t.Fatal("a session's snapshot restored into a book without one")
		}
		c := New(testInst, PriceTime, 2)
		other := sess
		other.HaltFor++
		if err := c.SetSession(other); err != nil {
			t.Fatal(err)
		}
		if err := c.Restore(snap); err == nil {
			t.Fatal("a session's snapshot restored into a book with another")
		}
		if got, err := SnapshotSession(snap); err != nil || got != sess {
			t.Fatalf("SnapshotSession: %+v, %v", got, err)
		}
		if err := b.SetSession(other); err == nil {
			t.Fatal("a crossed restored book took another session")
		}
	}
	if got, err := SnapshotSession(New(testInst, PriceTime, 2).Snapshot(nil)); err != nil || got != (Session{}) {
		t.Fatalf("SnapshotSession of version 1: %+v, %v", got, err)
	}
}

// TestRestoreOldIntoSession: a version 1 or 2 snapshot restores into a
// book with a session, whose phase then comes from the clock.
func TestRestoreOldIntoSession(t *testing.T) {
	for _, tc := range []struct {
		orders  []ord
		version byte
		phase   Phase
	}{
		{[]ord{buy(1, 99, 2).at(150)}, snapVersion, PreOpen},
		{[]ord{buy(1, 99, 2).at(250), sell(2, 90, 1).stopAt(95).at(260)}, snapRules, Buffer},
		{[]ord{buy(1, 99, 2).iceberg(1).at(350)}, snapRules, Continuous},
		{nil, snapVersion, Continuous}, // clock 0: placed by the first instruction
	} {
		b := New(testInst, PriceTime, 4)
		for i, o := range tc.orders {
			b.Apply(o.lean(uint64(i+1)), nil)
		}
		snap := b.Snapshot(nil)
		if snap[len(snapMagic)] != tc.version {
			t.Fatalf("%v: version %d, want %d", tc.orders, snap[len(snapMagic)], tc.version)
		}
		c := New(testInst, PriceTime, 4)
		if err := c.SetSession(testSession); err != nil {
			t.Fatal(err)
		}
		if err := c.Restore(snap); err != nil {
			t.Fatalf("%v: %v", tc.orders, err)
		}
		if c.Phase() != tc.phase || c.Len() != b.Len() || c.Clock() != b.Clock() {
			t.Fatalf("%v: restored %s, %d orders, clock %d; want %s, %d, %d", tc.orders, c.Phase(), c.Len(), c.Clock(), tc.phase, b.Len(), b.Clock())
		}
		if v := c.Snapshot(nil)[len(snapMagic)]; v != snapSession {
			t.Fatalf("%v: restored book writes version %d", tc.orders, v)
		}
	}
}

// TestSnapshotSessionLayout pins version 3's encoding: a crossed book in
// PRE_OPEN, with a DAY bid.
func TestSnapshotSessionLayout(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	if err := b.SetSession(testSession); err != nil {
		t.Fatal(err)
	}
	b.Apply(buy(1, 99, 2).day().at(150).lean(1), nil)
	b.Apply(sell(2, 98, 1).at(160).lean(2), nil)
	want := "424b534e" + "03" + "03545354" + "80ade204" + "80a8d6b907" + "00" + "c002" + "00" + // header, clock 160, no trades
		"00" + "c801" + "9003" + "d804" + "a006" + "00" + "00" + "00" + // session
		"01" + "01" + "c601" + "04" + "00" + "00" + "00" + "10" + "00" + "00" + // bid 1: 99x2, DAY
		"01" + "02" + "c401" + "02" + "00" + "00" + "00" + "00" + "00" + "00" + // ask 2: 98x1
		"00" + // no stops
		"01" + "01" + "9003" + "9003" + "00" + "00" + "00" + "01" // PRE_OPEN until the auction at 200, DAY orders
	snap := b.Snapshot(nil)
	if got := hex.EncodeToString(snap[:len(snap)-4]); got != want {
		t.Fatalf("snapshot\n%s\nwant\n%s", got, want)
	}
}
