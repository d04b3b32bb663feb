package book

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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
		"bids worst first": build(func(b *Book) {
			b.Submit(buy(3, 99, 5).at(10).order(), nil)
			l := &b.sides[0]
			l.lvls[0], l.lvls[1] = l.lvls[1], l.lvls[0]
		}),
		"asks worst first": build(func(b *Book) {
			b.Submit(sell(3, 102, 5).at(10).order(), nil)
			l := &b.sides[1]
			l.lvls[0], l.lvls[1] = l.lvls[1], l.lvls[0]
		}),
		"split level": build(func(b *Book) { // bids 100, 99, 100
			b.Submit(buy(3, 99, 5).at(10).order(), nil)
			b.Submit(buy(4, 98, 5).at(10).order(), nil)
			b.nodes[3].ticks = 100
		}),
		"duplicate id across levels": build(func(b *Book) {
			b.Submit(buy(3, 99, 5).at(10).order(), nil)
			b.nodes[2].id = 1
		}),
		"other symbol": build(func(b *Book) { b.inst.Symbol = "XYZ" }),
		"other tick":   build(func(b *Book) { b.inst.TickSize = record.One }),
		"other policy": build(func(b *Book) { b.policy = Exact }),
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

// TestRestoreLargeBook: a book with tens of thousands of orders on
// thousands of price levels per side, restored into a book that held
// unrelated orders, has the same depth, re-encodes to the same bytes and
// then produces exactly the outputs of the original on a random stream.
func TestRestoreLargeBook(t *testing.T) {
	const seed, n, mid = 20261201, 60_000, 50_000
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	traders := []string{"ann", "bob", "cat", "dan", "eve"}
	orig := New(testInst, PriceTime, 16)
	tm := int64(1_700_000_000_000)
	for id := uint64(1); id <= n; id++ {
		tm += rng.Int64N(3)
		o := buy(id, mid-1-rng.Int64N(8000), 1+rng.Int64N(20))
		if rng.IntN(2) == 0 {
			o = sell(id, mid+rng.Int64N(8000), 1+rng.Int64N(20))
		}
		o = o.at(tm).by(traders[rng.IntN(len(traders))])
		if rng.IntN(4) == 0 {
			o = o.expires(tm + 1000 + rng.Int64N(100_000))
		}
		orig.Submit(o.order(), nil)
	}
	for i := range uint64(200) { // partial fills at the top of the book
		orig.Submit(buy(n+1+2*i, mid+rng.Int64N(50), 1+rng.Int64N(30)).at(tm).ioc().order(), nil)
		orig.Submit(sell(n+2+2*i, mid-1-rng.Int64N(50), 1+rng.Int64N(30)).at(tm).ioc().order(), nil)
	}
	if orig.Len() < n*9/10 || orig.Levels(record.Buy) < 5000 || orig.Levels(record.Sell) < 5000 {
		t.Fatalf("book too small: %d orders, %d bid and %d ask levels", orig.Len(), orig.Levels(record.Buy), orig.Levels(record.Sell))
	}
	snap := orig.Snapshot(nil)

	restored := New(testInst, PriceTime, 4)
	for i := range uint64(500) { // unrelated prior state, reused storage
		restored.Submit(buy(i+1, mid-rng.Int64N(300), 1+rng.Int64N(9)).at(1).order(), nil)
		restored.Submit(sell(i+1001, mid+rng.Int64N(300), 1+rng.Int64N(9)).at(1).order(), nil)
	}
	if err := restored.Restore(snap); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if err := checkInvariants(restored); err != nil {
		t.Fatalf("restored book: %v", err)
	}
	if restored.Len() != orig.Len() || restored.Clock() != orig.Clock() || restored.TradeSeq() != orig.TradeSeq() {
		t.Fatalf("restored %d orders, clock %d, trade seq %d; original %d, %d, %d",
			restored.Len(), restored.Clock(), restored.TradeSeq(), orig.Len(), orig.Clock(), orig.TradeSeq())
	}
	for _, side := range []record.Side{record.Buy, record.Sell} {
		want := orig.Depth(side, n, nil)
		got := restored.Depth(side, n, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("%s depth: %d levels restored, %d original; first difference at level %d",
				side, len(got), len(want), firstDiff(got, want))
		}
	}
	if !bytes.Equal(restored.Snapshot(nil), snap) {
		t.Fatalf("snapshot of the restored book differs")
	}

	var want, got recorder
	next := uint64(n + 1000)
	for range 30_000 {
		tm += rng.Int64N(8)
		var o ord
		switch r := rng.IntN(100); {
		case r < 55:
			next++
			o = buy(next, mid-150+rng.Int64N(300), 1+rng.Int64N(60))
			if rng.IntN(2) == 0 {
				o = sell(next, mid-150+rng.Int64N(300), 1+rng.Int64N(60))
			}
			switch rng.IntN(10) {
			case 0:
				o = o.market()
			case 1:
				o = o.ioc()
			case 2:
				o = o.fok()
			}
		case r < 80:
			o = cancelOf(1 + rng.Uint64N(next))
		default:
			o = replaceOf(1+rng.Uint64N(next), mid-4000+rng.Int64N(8000), 1+rng.Int64N(20))
		}
		o = o.at(tm)
		orig.Submit(o.order(), &want)
		restored.Submit(o.order(), &got)
	}
	if trades := countTrades(want.outs); trades < 1000 {
		t.Fatalf("stream produced only %d trades", trades)
	}
	if !sameOuts(want.outs, got.outs) {
		i := firstDiff(got.outs, want.outs)
		t.Fatalf("outputs after restore differ at %d:\noriginal:\n%srestored:\n%s",
			i, dump(want.outs[i:min(i+5, len(want.outs))]), dump(got.outs[i:min(i+5, len(got.outs))]))
	}
	if !bytes.Equal(orig.Snapshot(nil), restored.Snapshot(nil)) {
		t.Fatalf("final states differ")
	}
}

func firstDiff[T comparable](a, b []T) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func countTrades(outs []out) int {
	n := 0
	for _, o := range outs {
		if o.trade {
			n++
		}
	}
	return n
}

// TestRestoreEmptyIntoFreshBook: an empty snapshot restored into a book
// that never restored before leaves a usable book.
func TestRestoreEmptyIntoFreshBook(t *testing.T) {
	snap := New(testInst, PriceTime, 4).Snapshot(nil)
	b := New(testInst, PriceTime, 4)
	if err := b.Restore(snap); err != nil {
		t.Fatalf("restore: %v", err)
	}
	var rec recorder
	b.Submit(cancelOf(7).at(5).order(), &rec)
	b.Submit(buy(8, 100, 2).at(5).order(), &rec)
	if b.Len() != 1 || len(rec.outs) != 2 {
		t.Fatalf("after restore: %d resting, outputs:\n%s", b.Len(), dump(rec.outs))
	}
}
