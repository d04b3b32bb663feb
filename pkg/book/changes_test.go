package book

import (
	"fmt"
	"maps"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

type lvlKey struct {
	side  record.Side
	ticks int64
}

type lvlVal struct {
	lots   int64
	orders int
}

// depthMap is the book's whole depth as a map.
func depthMap(b *Book) map[lvlKey]lvlVal {
	m := map[lvlKey]lvlVal{}
	for _, side := range []record.Side{record.Buy, record.Sell} {
		for _, l := range b.Depth(side, 1<<30, nil) {
			m[lvlKey{side, l.Ticks}] = lvlVal{l.Lots, l.Orders}
		}
	}
	return m
}

// applyChanges applies drained changes to a mirror and checks that each is
// a real change of a distinct level.
func applyChanges(mirror map[lvlKey]lvlVal, cs []Change) error {
	seen := map[lvlKey]bool{}
	for _, c := range cs {
		k := lvlKey{c.Side, c.Ticks}
		if seen[k] {
			return fmt.Errorf("level %v listed twice in %v", k, cs)
		}
		seen[k] = true
		if (c.Lots == 0) != (c.Orders == 0) || c.Lots < 0 || c.Orders < 0 {
			return fmt.Errorf("level %v has inconsistent totals %+v", k, c)
		}
		v := lvlVal{c.Lots, c.Orders}
		if mirror[k] == v {
			return fmt.Errorf("level %v listed with unchanged totals %+v", k, v)
		}
		if c.Lots == 0 {
			delete(mirror, k)
		} else {
			mirror[k] = v
		}
	}
	return nil
}

// TestChangesDifferential rebuilds every book of the differential
// generator's flows from the drained changes alone, after each order, and
// compares the mirror with the whole depth (which runDiff holds equal to
// the reference matcher's); restores and cancel-alls are mixed in.
func TestChangesDifferential(t *testing.T) {
	seeds := 120
	if testing.Short() {
		seeds = 20
	}
	changed := 0
	for seed := range uint64(seeds) {
		policy := PriceTime
		if seed%5 == 4 {
			policy = Exact
		}
		g := newGen(seed, policy)
		b := New(testInst, policy, 8)
		b.TrackChanges(true)
		ref := newRef(testInst, policy)
		g.live = ref.ids
		mirror := map[lvlKey]lvlVal{}
		var cs []Change
		for i := range 1500 {
			o := g.order()
			b.Submit(o, nil)
			ref.submit(o)
			cs = b.DrainChanges(cs[:0])
			if len(cs) > 0 {
				changed++
			}
			if err := applyChanges(mirror, cs); err != nil {
				t.Fatalf("seed %d order %d %+v: %v", seed, i, *o, err)
			}
			if want := depthMap(b); !maps.Equal(mirror, want) {
				t.Fatalf("seed %d order %d %+v: changes %v give\n%v\nbook depth\n%v", seed, i, *o, cs, mirror, want)
			}
			for _, side := range []record.Side{record.Buy, record.Sell} {
				if g, w := b.Depth(side, 1<<30, nil), ref.depth(side); fmt.Sprint(g) != fmt.Sprint(w) {
					t.Fatalf("seed %d after order %d: %s depth %v, reference %v", seed, i, side, g, w)
				}
			}
			if i%500 == 499 { // a restore is not a change; the next orders are tracked
				snap := b.Snapshot(nil)
				b = New(testInst, policy, 8)
				if err := b.Restore(snap); err != nil {
					t.Fatal(err)
				}
				b.TrackChanges(true)
				if cs = b.DrainChanges(cs[:0]); len(cs) != 0 {
					t.Fatalf("seed %d: changes right after a restore: %v", seed, cs)
				}
			}
		}
		b.CancelAll(record.ReasonInstrumentRemoved, "gone", nil)
		cs = b.DrainChanges(cs[:0])
		if err := applyChanges(mirror, cs); err != nil || len(mirror) != 0 {
			t.Fatalf("seed %d: CancelAll changes %v leave %v (%v)", seed, cs, mirror, err)
		}
	}
	if changed < seeds*500 {
		t.Errorf("only %d orders changed a book over %d seeds", changed, seeds)
	}
}

func TestChangesRules(t *testing.T) {
	const B, S = record.Buy, record.Sell
	tests := []struct {
		name  string
		setup []ord
		do    ord
		want  []Change
	}{
		{"rest", nil, buy(1, 100, 5), []Change{{B, 100, 5, 1}}},
		{"join level", []ord{buy(1, 100, 5)}, buy(2, 100, 3), []Change{{B, 100, 8, 2}}},
		{"reject changes nothing", []ord{buy(1, 100, 5)}, buy(1, 100, 3), nil},
		{"ioc without match", []ord{buy(1, 100, 5)}, sell(2, 101, 3).ioc(), nil},
		{"sweep two levels and rest", []ord{sell(1, 100, 2), sell(2, 101, 2), sell(3, 102, 2)}, buy(4, 101, 5),
			[]Change{{S, 100, 0, 0}, {S, 101, 0, 0}, {B, 101, 1, 1}}},
		{"partial fill", []ord{sell(1, 100, 5), sell(2, 100, 5)}, buy(3, 100, 7).ioc(), []Change{{S, 100, 3, 1}}},
		{"cancel", []ord{sell(1, 100, 5), sell(2, 100, 5)}, cancelOf(1), []Change{{S, 100, 5, 1}}},
		{"replace down keeps priority", []ord{sell(1, 100, 5)}, replaceOf(1, 100, 2), []Change{{S, 100, 2, 1}}},
		{"replace same totals", []ord{sell(1, 100, 5)}, replaceOf(1, 100, 5), nil},
		{"replace up goes to back, same level", []ord{sell(1, 100, 5), sell(2, 100, 1)}, replaceOf(1, 100, 6), []Change{{S, 100, 7, 2}}},
		{"replace moves level", []ord{sell(1, 100, 5)}, replaceOf(1, 103, 5), []Change{{S, 100, 0, 0}, {S, 103, 5, 1}}},
		{"replace only order to back: level dropped and recreated", []ord{sell(1, 100, 5)}, replaceOf(1, 100, 9), []Change{{S, 100, 9, 1}}},
		{"replace crosses", []ord{buy(1, 100, 5), sell(2, 102, 3)}, replaceOf(1, 102, 5), []Change{{B, 100, 0, 0}, {S, 102, 0, 0}, {B, 102, 2, 1}}},
		{"expiry then rest", []ord{sell(1, 100, 5).expires(5)}, buy(2, 99, 1).at(10), []Change{{S, 100, 0, 0}, {B, 99, 1, 1}}},
		{"fok killed", []ord{sell(1, 100, 5)}, buy(2, 100, 6).fok(), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(testInst, PriceTime, 8)
			for _, s := range tt.setup {
				b.Submit(s.order(), nil)
			}
			b.TrackChanges(true)
			b.Submit(tt.do.order(), nil)
			got := b.DrainChanges(nil)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("expected changes %v, got %v", tt.want, got)
			}
			b.Submit(cancelOf(999).order(), nil)
			if got := b.DrainChanges(nil); len(got) != 0 {
				t.Errorf("expected no changes after a reject, got %v (the set was not reset)", got)
			}
		})
	}
}

func TestChangesUntrackedRecordsNothing(t *testing.T) {
	b := New(testInst, PriceTime, 8)
	b.Submit(buy(1, 100, 5).order(), nil)
	if got := b.DrainChanges(nil); len(got) != 0 {
		t.Errorf("expected no changes without TrackChanges, got %v", got)
	}
	b.TrackChanges(true)
	b.Submit(buy(2, 100, 5).order(), nil)
	b.TrackChanges(false)
	b.TrackChanges(true)
	if got := b.DrainChanges(nil); len(got) != 0 {
		t.Errorf("expected TrackChanges to forget the set, got %v", got)
	}
}

// BenchmarkBookMixChanges is BenchmarkBookMix with change tracking on and
// the changes drained after every order, as the match job's feed does.
func BenchmarkBookMixChanges(b *testing.B) {
	seed, stream := benchWorkload(b)
	bk := New(benchInst, PriceTime, benchResting)
	if err := bk.Restore(seed); err != nil {
		b.Fatal(err)
	}
	bk.TrackChanges(true)
	var h counter
	cs := make([]Change, 0, 64)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		if n == len(stream) {
			b.StopTimer()
			if err := bk.Restore(seed); err != nil {
				b.Fatal(err)
			}
			bk.TrackChanges(true)
			n = 0
			b.StartTimer()
		}
		bk.Submit(&stream[n], &h)
		cs = bk.DrainChanges(cs[:0])
		n++
	}
}
