package book

import (
	"bytes"
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
