package book

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestSnapshotRoundTrip cuts random streams at random points: a book
// restored from the snapshot must produce exactly the outputs of the
// unbroken run, and re-encode to the same bytes.
func TestSnapshotRoundTrip(t *testing.T) {
	resting := 0
	defer func() {
		if resting < 40*2*10 {
			t.Errorf("restored books held only %d orders in all", resting)
		}
	}()
	for seed := range uint64(40) {
		for _, policy := range []Policy{PriceTime, Exact} {
			g := newGen(seed, policy)
			g.band = 41
			orders := make([]*record.Order, 1200)
			for i := range orders {
				orders[i] = g.order()
			}
			cut := 1 + int(seed*37)%(len(orders)-1)

			whole := New(testInst, policy, 4)
			var all recorder
			for _, o := range orders[:cut] {
				whole.Submit(o, &all)
			}
			snap := whole.Snapshot([]byte("prefix"))[len("prefix"):]
			all.take()
			for _, o := range orders[cut:] {
				whole.Submit(o, &all)
			}

			restored := New(testInst, policy, 4)
			var junk recorder
			for _, o := range orders[:cut/2] { // some unrelated prior state
				restored.Submit(o, &junk)
			}
			if err := restored.Restore(snap); err != nil {
				t.Fatalf("seed %d: restore: %v", seed, err)
			}
			resting += restored.Len()
			if err := checkInvariants(restored); err != nil {
				t.Fatalf("seed %d: restored book: %v", seed, err)
			}
			if again := restored.Snapshot(nil); !bytes.Equal(again, snap) {
				t.Fatalf("seed %d: snapshot of the restored book differs", seed)
			}
			var rest recorder
			for _, o := range orders[cut:] {
				restored.Submit(o, &rest)
			}
			if !sameOuts(all.outs, rest.outs) {
				t.Fatalf("seed %d %s cut %d: outputs after restore differ:\nunbroken:\n%srestored:\n%s",
					seed, policy, cut, dump(all.outs[:min(20, len(all.outs))]), dump(rest.outs[:min(20, len(rest.outs))]))
			}
			if !bytes.Equal(whole.Snapshot(nil), restored.Snapshot(nil)) {
				t.Fatalf("seed %d: final states differ", seed)
			}
		}
	}
}

func someSnapshot(t testing.TB) (*Book, []byte) {
	b := New(testInst, PriceTime, 4)
	var rec recorder
	for i := range int64(12) {
		b.Submit(buy(uint64(2*i+1), 90+i%5, 1+i).by(fmt.Sprint("b", i)).at(100+i).expires(200*(i%2)).order(), &rec)
		b.Submit(sell(uint64(2*i+2), 110-i%4, 2+i).by(fmt.Sprint("s", i)).at(100+i).order(), &rec)
	}
	b.Submit(buy(99, 108, 3).at(120).order(), &rec) // some filled quantity
	if b.Len() < 20 {
		t.Fatalf("only %d resting orders", b.Len())
	}
	return b, b.Snapshot(nil)
}

// TestRestoreGarbage: every truncation, every single-byte change and random
// bytes are errors wrapping ErrBadSnapshot, never panics, and leave the book
// as it was.
func TestRestoreGarbage(t *testing.T) {
	_, snap := someSnapshot(t)
	target, _ := someSnapshot(t)
	before := target.Snapshot(nil)
	check := func(what string, src []byte) {
		t.Helper()
		err := target.Restore(src)
		if err == nil {
			t.Fatalf("%s: restore succeeded", what)
		}
		if !errors.Is(err, ErrBadSnapshot) {
			t.Fatalf("%s: error %v does not wrap ErrBadSnapshot", what, err)
		}
		if !bytes.Equal(target.Snapshot(nil), before) {
			t.Fatalf("%s: failed restore changed the book", what)
		}
	}
	for n := 0; n < len(snap); n++ {
		check(fmt.Sprintf("truncated to %d", n), snap[:n])
	}
	for i := range snap {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(snap)
			bad[i] ^= x
			check(fmt.Sprintf("byte %d ^ %#x", i, x), bad)
		}
	}
	check("trailing byte", append(bytes.Clone(snap), 0))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		junk := make([]byte, rng.IntN(200))
		for j := range junk {
			junk[j] = byte(rng.Uint32())
		}
		if i%2 == 0 && len(junk) > 5 {
			copy(junk, snapMagic+"\x01")
		}
		check(fmt.Sprintf("random %d", i), junk)
	}
}

// TestRestoreRejectsWellFormedNonsense builds snapshots with a valid
// checksum whose content is inconsistent.
func TestRestoreRejectsWellFormedNonsense(t *testing.T) {
	build := func(edit func(b *Book)) []byte {
		b := New(testInst, PriceTime, 4)
		var rec recorder
		b.Submit(buy(1, 100, 5).at(10).expires(50).order(), &rec)
		b.Submit(sell(2, 101, 5).at(10).order(), &rec)
		edit(b)
		return b.Snapshot(nil)
	}
	cases := map[string][]byte{
		"crossed":       build(func(b *Book) { b.nodes[0].ticks, b.levels[0].ticks = 102, 102 }),
		"zero lots":     build(func(b *Book) { b.nodes[0].lots = 0 }),
		"negative tick": build(func(b *Book) { b.nodes[1].ticks = -1 }),
		"negative fill": build(func(b *Book) { b.nodes[1].filled = -1 }),
		"stale expiry":  build(func(b *Book) { b.clock = 60 }),
		"duplicate id":  build(func(b *Book) { b.nodes[1].id = 1 }),
		"other symbol":  build(func(b *Book) { b.inst.Symbol = "XYZ" }),
		"other tick":    build(func(b *Book) { b.inst.TickSize = record.One }),
		"other policy":  build(func(b *Book) { b.policy = Exact }),
	}
	for name, snap := range cases {
		err := New(testInst, PriceTime, 4).Restore(snap)
		if !errors.Is(err, ErrBadSnapshot) {
			t.Errorf("%s: got %v, want ErrBadSnapshot", name, err)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
