package book

import (
	"fmt"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// runDiff feeds the same stream to Book and the reference and fails at the
// first difference in output or resting book, or the first broken property.
func runDiff(t testing.TB, seed uint64, policy Policy, n int) (stats map[record.EventType]int, trades int) {
	g := newGen(seed, policy)
	b := New(testInst, policy, 8)
	ref := newRef(testInst, policy)
	g.live = ref.ids
	stats = map[record.EventType]int{}
	for i := range n {
		o := g.order()
		got, err := checkConservation(b, o)
		if err != nil {
			t.Fatalf("seed %d order %d %+v: %v", seed, i, *o, err)
		}
		want := ref.submit(o)
		if fmt.Sprint(got) != fmt.Sprint(want) || !sameOuts(got, want) {
			t.Fatalf("seed %d order %d %+v:\nbook:\n%sreference:\n%s", seed, i, *o, dump(got), dump(want))
		}
		if err := checkInvariants(b); err != nil {
			t.Fatalf("seed %d after order %d %+v: %v", seed, i, *o, err)
		}
		for _, side := range []record.Side{record.Buy, record.Sell} {
			if g, w := b.Depth(side, 1<<30, nil), ref.depth(side); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Fatalf("seed %d after order %d: %s depth %v, reference %v", seed, i, side, g, w)
			}
		}
		if b.Clock() != ref.clock || b.Len() != len(ref.rest) || b.TradeSeq() != ref.tradeSeq {
			t.Fatalf("seed %d after order %d: clock/len/seq %d/%d/%d, reference %d/%d/%d",
				seed, i, b.Clock(), b.Len(), b.TradeSeq(), ref.clock, len(ref.rest), ref.tradeSeq)
		}
		for _, x := range got {
			if x.trade {
				trades++
			} else {
				stats[x.e.Type]++
				if x.e.Reason == record.ReasonNotOwner {
					stats[notOwnerKey]++
				}
			}
		}
	}
	return stats, trades
}

// notOwnerKey counts NOT_OWNER rejects in runDiff's stats.
const notOwnerKey record.EventType = 255

func sameOuts(a, b []out) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDifferentialPriceTime(t *testing.T) {
	seeds := 100
	if testing.Short() {
		seeds = 20
	}
	total := map[record.EventType]int{}
	trades := 0
	for seed := range uint64(seeds) {
		st, tr := runDiff(t, seed, PriceTime, 1500)
		for k, v := range st {
			total[k] += v
		}
		trades += tr
	}
	// The stream must actually exercise every kind of outcome.
	for _, typ := range []record.EventType{record.Accepted, record.Rejected, record.Fill, record.PartialFill,
		record.Cancelled, record.Expired, record.Killed, record.Replaced} {
		if total[typ] < 100 {
			t.Errorf("only %d %s events over %d seeds", total[typ], typ, seeds)
		}
	}
	if trades < 1000 {
		t.Errorf("only %d trades", trades)
	}
	if total[notOwnerKey] < 100 {
		t.Errorf("only %d NOT_OWNER rejects", total[notOwnerKey])
	}
	t.Logf("events %v, trades %d", total, trades)
}

func TestDifferentialExact(t *testing.T) {
	seeds := 40
	if testing.Short() {
		seeds = 5
	}
	total := map[record.EventType]int{}
	for seed := range uint64(seeds) {
		st, _ := runDiff(t, 1000+seed, Exact, 1500)
		for k, v := range st {
			total[k] += v
		}
	}
	for _, typ := range []record.EventType{record.Accepted, record.Rejected, record.Fill, record.Cancelled, record.Expired} {
		if total[typ] < 50 {
			t.Errorf("only %d %s events", total[typ], typ)
		}
	}
	if total[record.PartialFill] != 0 || total[record.Killed] != 0 || total[record.Replaced] != 0 {
		t.Errorf("exact policy produced partial fills, kills or replaces: %v", total)
	}
	t.Logf("events %v", total)
}
