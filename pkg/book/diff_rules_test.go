package book

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// rulesFor gives each seed of the rules' differential test a set of book
// rules: every self-trade prevention mode, with and without a price band.
func rulesFor(seed uint64) Rules {
	r := Rules{STP: STPMode(seed % 4)}
	if seed%3 == 1 {
		r.BandRef, r.BandBP = 1000, 40 // 996..1004: the generator's band is 994..1006
	}
	return r
}

// runDiffRules is runDiff for streams using the rules, through Apply:
// reports (as records, messages aside), depth (shown quantities only) and
// the changes feed rebuilt into the same depth, counts, invariants,
// conservation and, with the book's prevention on, no self-trade.
func runDiffRules(t testing.TB, seed uint64, n int) (stats map[string]int) {
	return runDiffSession(t, seed, n, Session{})
}

// runDiffSession is runDiffRules on a book with the session sess (none
// when zero), whose generator then jumps through the day and uses DAY.
func runDiffSession(t testing.TB, seed uint64, n int, sess Session) (stats map[string]int) {
	g := newGen(seed, PriceTime)
	g.rules = true
	g.session = sess != Session{}
	rules := rulesFor(seed)
	b, ref := newRuled(t, rules, sess, 8)
	g.live = ref.liveIDs
	stats = map[string]int{}
	b.TrackChanges(true)
	mirror := map[lvlKey]lvlVal{}
	var cs []Change
	for i := range n {
		o, s := g.orderRules()
		lo := leanOf(b, o, s, uint64(i+1))
		hbase, href := b.ss.hbase, b.ss.href
		got, err := applyChecked(b, o, lo)
		if err != nil {
			t.Fatalf("seed %d order %d %+v %+v: %v\n%s", seed, i, *o, *lo, err, dump(got))
		}
		if b.ss.hbase != hbase && !slices.ContainsFunc(got, func(x out) bool { return x.trade && x.t.Aggressor == 0 }) {
			stats["window re-base"]++
			if b.ss.href != href {
				stats["window re-base, new reference"]++
			}
		}
		want := ref.submitRules(o, lo)
		for j := range want {
			want[j].e.Message = ""
		}
		if !sameOuts(got, want) {
			t.Fatalf("seed %d (rules %+v) order %d %+v %+v:\nbook:\n%sreference:\n%s", seed, rules, i, *o, *lo, dump(got), dump(want))
		}
		if err := checkInvariants(b); err != nil {
			t.Fatalf("seed %d after order %d %+v: %v", seed, i, *o, err)
		}
		for _, side := range []record.Side{record.Buy, record.Sell} {
			if g, w := b.Depth(side, 1<<30, nil), ref.depth(side); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Fatalf("seed %d after order %d: %s depth %v, reference %v", seed, i, side, g, w)
			}
		}
		cs = b.DrainChanges(cs[:0])
		if err := applyChanges(mirror, cs); err != nil {
			t.Fatalf("seed %d order %d: changes: %v", seed, i, err)
		}
		if d := depthMap(b); !maps.Equal(mirror, d) {
			t.Fatalf("seed %d after order %d: changes feed mirror %v, depth %v", seed, i, mirror, d)
		}
		if b.Clock() != ref.clock || b.Len() != len(ref.rest) || len(b.stops) != len(ref.stops) || b.TradeSeq() != ref.tradeSeq {
			t.Fatalf("seed %d after order %d: clock/len/stops/seq %d/%d/%d/%d, reference %d/%d/%d/%d", seed, i,
				b.Clock(), b.Len(), len(b.stops), b.TradeSeq(), ref.clock, len(ref.rest), len(ref.stops), ref.tradeSeq)
		}
		for _, x := range got {
			switch {
			case x.status:
				stats["STATUS "+x.s.Phase.String()]++
				if x.s.Phase == Halted && sess.HaltWindow != 0 {
					stats["STATUS HALTED in a window"]++
				}
			case x.trade && x.t.Aggressor == 0:
				stats["auction trade"]++
			case x.trade:
				stats["trade"]++
			case x.e.Reason != "":
				stats[x.e.Type.String()+" "+x.e.Reason]++
			default:
				stats[eventName(x.e.Type)]++
			}
		}
		for _, x := range got {
			if lo.Display > 0 && lo.Action == record.New && !x.trade && !x.status && x.e.Type == record.Accepted && x.e.OrderID == lo.ID {
				stats["iceberg"]++
			}
		}
	}
	return stats
}

// TestDifferentialRules runs 120 seeds of 1500 orders using every rule
// against the reference, and requires each rule to have been exercised.
func TestDifferentialRules(t *testing.T) {
	seeds := 120
	if testing.Short() {
		seeds = 20
	}
	total := map[string]int{}
	for seed := range uint64(seeds) {
		for k, v := range runDiffRules(t, seed, 1500) {
			total[k] += v
		}
	}
	for _, k := range []string{"trade", "TRIGGERED", "iceberg", "CANCELLED SELF_TRADE", "CANCELLED MASS_CANCEL",
		"REJECTED WOULD_TRADE", "REJECTED PRICE_BAND", "REJECTED UNSUPPORTED", "KILLED", "EXPIRED", "REPLACED"} {
		if total[k] < 50 {
			t.Errorf("only %d %q over %d seeds", total[k], k, seeds)
		}
	}
	t.Logf("%v", total)
}

// diffSession is the differential test's day (from midnight UTC): a long
// pre-open, so that auctions have orders to uncross; for odd seeds the
// auction opens continuous trading, for even ones a buffer follows it;
// half the seeds halt for 200 ms on a trade more than 0.4% (4 ticks) from
// the last auction price, half of those with a halt window of 30 ms.
func diffSession(seed uint64) Session {
	const hour = 3_600_000
	s := Session{PreOpen: 2 * hour, Auction: 6 * hour, Open: 7 * hour, Close: 16 * hour, Ref: 1000}
	if seed%2 == 1 {
		s.Open = s.Auction
	}
	if seed%4 >= 2 {
		s.HaltBP, s.HaltFor = 40, 200
	}
	if seed%8 >= 6 {
		s.HaltWindow = 30
	}
	return s
}

// TestDifferentialPhases runs 120 seeds of 1500 orders using every rule,
// on a book with a session whose generator jumps through the day, against
// the reference, and requires each phase, auction trades, DAY expiries,
// and halt windows re-basing the reference and halting.
func TestDifferentialPhases(t *testing.T) {
	seeds := 120
	if testing.Short() {
		seeds = 40 // 20 gave 48 window re-bases that change the reference
	}
	total := map[string]int{}
	for seed := range uint64(seeds) {
		for k, v := range runDiffSession(t, seed, 1500, diffSession(seed)) {
			total[k] += v
		}
	}
	for _, k := range []string{"trade", "auction trade", "TRIGGERED", "iceberg", "STATUS PRE_OPEN", "STATUS BUFFER", "STATUS HALTED",
		"STATUS CONTINUOUS", "STATUS CLOSED", "REJECTED CLOSED", "REJECTED PRE_OPEN", "EXPIRED", "CANCELLED MASS_CANCEL",
		"window re-base", "window re-base, new reference", "STATUS HALTED in a window"} {
		if total[k] < 50 {
			t.Errorf("only %d %q over %d seeds", total[k], k, seeds)
		}
	}
	t.Logf("%v", total)
}

// TestSnapshotRules: a book holding icebergs, pending stops and order
// flags snapshots as version 2 and restores to the same state, which then
// behaves the same as the original (the rest of the stream gives the same
// reports); a book without them still writes version 1.
func TestSnapshotRules(t *testing.T) {
	for seed := uint64(0); seed < 30; seed++ {
		g := newGen(seed, PriceTime)
		g.rules = true
		rules := rulesFor(seed)
		b := New(testInst, PriceTime, 8)
		if err := b.SetRules(rules); err != nil {
			t.Fatal(err)
		}
		var stream []*Order
		for i := range 1200 {
			o, s := g.orderRules()
			lo := leanOf(b, o, s, uint64(i+1))
			stream = append(stream, lo)
			if i < 600 {
				b.Apply(lo, nil)
			}
		}
		snap := b.Snapshot(nil)
		want := byte(snapVersion)
		if hasRuleState(b) {
			want = snapRules
		}
		if snap[len(snapMagic)] != want {
			t.Fatalf("seed %d: version %d, want %d", seed, snap[len(snapMagic)], want)
		}
		c := New(testInst, PriceTime, 8)
		if err := c.SetRules(rules); err != nil {
			t.Fatal(err)
		}
		if err := c.Restore(snap); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if err := checkInvariants(c); err != nil {
			t.Fatalf("seed %d restored: %v", seed, err)
		}
		if again := c.Snapshot(nil); string(again) != string(snap) {
			t.Fatalf("seed %d: restored snapshot differs", seed)
		}
		for i, lo := range stream[600:] {
			var x, y leanRecorder
			b.Apply(lo, &x)
			c.Apply(lo, &y)
			if fmt.Sprint(x.outs) != fmt.Sprint(y.outs) {
				t.Fatalf("seed %d order %d after restore:\noriginal %v\nrestored %v", seed, 600+i, x.outs, y.outs)
			}
		}
	}
	b := New(testInst, PriceTime, 4)
	b.Apply(sell(1, 100, 5).lean(1), nil)
	if v := b.Snapshot(nil)[len(snapMagic)]; v != snapVersion {
		t.Fatalf("plain book: version %d", v)
	}
}

// hasRuleState reports whether b holds state version 1 cannot encode.
// Free nodes have no flags and no iceberg.
func hasRuleState(b *Book) bool {
	if len(b.stops) != 0 {
		return true
	}
	for i := range b.nodes {
		if n := &b.nodes[i]; n.flags != 0 || n.ice != 0 {
			return true
		}
	}
	return false
}

// newRuled is a price-time book of capacity n and its reference matcher,
// both with rules and sess.
func newRuled(t testing.TB, rules Rules, sess Session, n int) (*Book, *refBook) {
	b := New(testInst, PriceTime, n)
	if err := b.SetRules(rules); err != nil {
		t.Fatal(err)
	}
	if err := b.SetSession(sess); err != nil {
		t.Fatal(err)
	}
	ref := newRef(testInst, PriceTime)
	ref.rules = rules
	ref.setSession(sess)
	return b, ref
}
