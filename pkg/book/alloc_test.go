package book

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// allocCase is one path through the book: ops, applied in order, leave the
// book as they found it (apart from the clock), so that they can be
// repeated by testing.AllocsPerRun.
type allocCase struct {
	name    string
	policy  Policy
	ops     []ord
	rejects bool // each op is rejected: Submit builds one message each
	fixed   bool // ... except that this reject's message is a constant
	clocked bool // ops are stamped with a rising time (for expiry)
	rules   Rules
}

// allocCases covers every reject of the book and the paths that are not
// rejects, on a book holding sell 1 (ann) at 100 and buy 2 (bob) at 90.
var allocCases = []allocCase{
	{name: "reject bad action", ops: []ord{{id: 7, act: 9, side: record.Buy, ticks: 95, lots: 1}}, rejects: true},
	{name: "reject bad side", ops: []ord{{id: 7, side: 0, ticks: 95, lots: 1}}, rejects: true},
	{name: "reject bad order type", ops: []ord{{id: 7, side: record.Buy, typ: 5, ticks: 95, lots: 1}}, rejects: true},
	{name: "reject bad time in force", ops: []ord{{id: 7, side: record.Buy, tif: 6, ticks: 95, lots: 1}}, rejects: true},
	{name: "reject non-positive lots", ops: []ord{buy(7, 95, 0)}, rejects: true},
	{name: "reject non-positive ticks", ops: []ord{buy(7, -1, 1)}, rejects: true},
	{name: "reject duplicate id", ops: []ord{buy(1, 95, 1)}, rejects: true},
	{name: "reject already expired", ops: []ord{buy(7, 95, 1).at(10).expires(5)}, rejects: true},
	{name: "reject cancel of unknown id", ops: []ord{cancelOf(99)}, rejects: true},
	{name: "reject replace of unknown id", ops: []ord{replaceOf(99, 95, 1)}, rejects: true},
	{name: "reject cancel by another trader", ops: []ord{cancelOf(1).by("mallory")}, rejects: true},
	{name: "reject replace by another trader", ops: []ord{replaceOf(1, 101, 1).by("mallory")}, rejects: true},
	{name: "reject replace to non-positive ticks", ops: []ord{replaceOf(1, -1, 1).by("ann")}, rejects: true},
	{name: "reject replace to non-positive lots", ops: []ord{replaceOf(1, 100, -2).by("ann")}, rejects: true},
	{name: "reject unsupported new (exact)", policy: Exact, ops: []ord{buy(7, 95, 1).ioc()}, rejects: true},
	{name: "reject unsupported replace (exact)", policy: Exact, ops: []ord{replaceOf(1, 101, 1).by("ann")}, rejects: true, fixed: true},

	{name: "rest and cancel", ops: []ord{buy(7, 95, 1).by("cy"), cancelOf(7).by("cy")}},
	{name: "fill and rest again", ops: []ord{buy(7, 100, 5).by("cy"), sell(1, 100, 5).by("ann")}},
	{name: "partial fill, remainder rests, cancel", ops: []ord{buy(7, 100, 8).by("cy"), cancelOf(7).by("cy"), sell(1, 100, 5).by("ann")}},
	{name: "ioc without a cross", ops: []ord{buy(7, 95, 1).ioc()}},
	{name: "fok killed", ops: []ord{buy(7, 100, 6).fok()}},
	{name: "market fill", ops: []ord{sell(7, 0, 5).market(), buy(2, 90, 5).by("bob")}},
	{name: "replace away and back", ops: []ord{replaceOf(1, 104, 3).by("ann"), replaceOf(1, 100, 5).by("ann")}},
	{name: "expiry", ops: []ord{sell(7, 110, 1).expires(1), buy(8, 80, 1).by("cy"), cancelOf(8).by("cy")}, clocked: true},
	{name: "exact fill and rest again", policy: Exact, ops: []ord{buy(7, 100, 5), sell(1, 100, 5).by("ann")}},
}

// ruleAllocCases are the rules' paths, through Apply only (Submit does not
// carry their fields), on the same book.
var ruleAllocCases = []allocCase{
	{name: "reject post-only that would trade", ops: []ord{buy(7, 100, 1).postOnly()}, rejects: true},
	{name: "reject price band", rules: Rules{BandRef: 95, BandBP: 1000}, ops: []ord{buy(7, 80, 1)}, rejects: true},
	{name: "reject bad kind of iceberg", ops: []ord{buy(7, 95, 3).ioc().iceberg(1)}, rejects: true},
	{name: "reject replace of a pending stop", ops: []ord{replaceOf(9, 95, 1).by("cy")}, rejects: true},
	{name: "reject mass cancel with a bad side", ops: []ord{cancelAllOf("cy", 7)}, rejects: true},
	{name: "post-only rests, cancel", ops: []ord{buy(7, 95, 1).postOnly().by("cy"), cancelOf(7).by("cy")}},
	{name: "iceberg rests, cancel", ops: []ord{sell(7, 105, 10).iceberg(2).by("cy"), cancelOf(7).by("cy")}},
	{name: "iceberg refilled by a larger aggressor", ops: []ord{sell(7, 100, 6).iceberg(2).by("cy"), buy(8, 100, 11).by("dee"), sell(1, 100, 5).by("ann")}},
	{name: "stp cancel-newest", rules: Rules{STP: STPCancelNewest}, ops: []ord{buy(7, 100, 3).by("ann")}},
	{name: "stp cancel-oldest", ops: []ord{buy(7, 100, 5).by("ann").stp(STPCancelOldest), cancelOf(7).by("ann"), sell(1, 100, 5).by("ann")}},
	{name: "stop triggered", ops: []ord{buy(7, 0, 1).market().stopAt(100).by("cy"), buy(8, 100, 1).by("dee"), replaceOf(1, 100, 5).by("ann")}},
	{name: "stop cancelled", ops: []ord{sell(7, 80, 1).stopAt(85).by("cy"), cancelOf(7).by("cy")}},
	{name: "mass cancel", ops: []ord{cancelAllOf("ann", 0), sell(1, 100, 5).by("ann")}},
}

// TestApplyRulesDoNotAllocate is TestApplyDoesNotAllocate for the rules.
func TestApplyRulesDoNotAllocate(t *testing.T) {
	for _, c := range ruleAllocCases {
		t.Run(c.name, func(t *testing.T) {
			b := allocBook(c)
			b.Apply(buy(9, 0, 1).market().stopAt(1000).by("cy").lean(0), nil) // a pending stop to reject replaces of
			lean := make([]Order, len(c.ops))
			for i, s := range c.ops {
				lean[i] = *s.lean(uint64(i))
			}
			var l leanCounter
			allocs := testing.AllocsPerRun(100, func() {
				for i := range lean {
					b.Apply(&lean[i], &l)
				}
			})
			if allocs != 0 {
				t.Errorf("expected 0 allocations per run, got %.2f", allocs)
			}
			runs := 101 * len(lean)
			if c.rejects && l.rejects != runs || !c.rejects && l.rejects != 0 {
				t.Errorf("expected rejects=%v, got %d rejects in %d instructions", c.rejects, l.rejects, runs)
			}
			if err := checkInvariants(b); err != nil {
				t.Error(err)
			}
			if bookString(b) != "B 90x5/1 | A 100x5/1" {
				t.Errorf("book %s: the case does not leave it as it found it", bookString(b))
			}
		})
	}
}

func allocBook(c allocCase) *Book {
	b := New(testInst, c.policy, 16)
	if err := b.SetRules(c.rules); err != nil {
		panic(err)
	}
	b.Apply(sell(1, 100, 5).by("ann").at(10).lean(0), nil)
	b.Apply(buy(2, 90, 5).by("bob").at(10).lean(0), nil)
	return b
}

// TestApplyDoesNotAllocate requires zero allocations from Apply on every
// path, rejects included, and checks that each case takes the path it is
// named for (rejects reject, the others do not).
func TestApplyDoesNotAllocate(t *testing.T) {
	for _, c := range allocCases {
		t.Run(c.name, func(t *testing.T) {
			b := allocBook(c)
			lean := make([]Order, len(c.ops))
			for i, s := range c.ops {
				lean[i] = *s.lean(uint64(i))
			}
			var l leanCounter
			now := int64(10)
			allocs := testing.AllocsPerRun(100, func() {
				for i := range lean {
					if c.clocked {
						now += 2
						lean[i].Time = now
						if lean[i].ExpiresAt != 0 {
							lean[i].ExpiresAt = now + 1
						}
					}
					b.Apply(&lean[i], &l)
				}
			})
			if allocs != 0 {
				t.Errorf("expected 0 allocations per run, got %.2f", allocs)
			}
			runs := 101 * len(lean)
			if c.rejects && l.rejects != runs || !c.rejects && l.rejects != 0 {
				t.Errorf("expected rejects=%v, got %d rejects in %d instructions", c.rejects, l.rejects, runs)
			}
			if err := checkInvariants(b); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestSubmitAllocations requires Submit to allocate nothing but the
// message of a REJECTED record: one string per reject (none for a constant
// message), nothing otherwise.
func TestSubmitAllocations(t *testing.T) {
	for _, c := range allocCases {
		if c.clocked {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			b := allocBook(c)
			orders := make([]*record.Order, len(c.ops))
			for i, s := range c.ops {
				if s.trader == "" {
					s.trader = "dee" // ord.order would build a trader id per call
				}
				orders[i] = s.order()
			}
			var h counter
			allocs := testing.AllocsPerRun(100, func() {
				for _, o := range orders {
					b.Submit(o, &h)
				}
			})
			want := 0.0
			if c.rejects && !c.fixed {
				want = float64(len(orders))
			}
			if allocs != want {
				t.Errorf("expected %.0f allocations per run, got %.2f", want, allocs)
			}
			runs := 101 * len(orders)
			if c.rejects && h.rejects != runs || !c.rejects && h.rejects != 0 {
				t.Errorf("expected rejects=%v, got %d rejects in %d orders", c.rejects, h.rejects, runs)
			}
		})
	}
}
