package book

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

func TestPostOnly(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "rests when it does not cross",
			setup: []ord{sell(1, 101, 5)},
			in:    buy(2, 100, 5).postOnly(),
			want:  []string{"ACCEPTED 2 100x5 L5 F0"},
			book:  "B 100x5/1 | A 101x5/1"},
		{name: "rejected when it would trade",
			setup: []ord{sell(1, 101, 5)},
			in:    buy(2, 101, 5).postOnly(),
			want:  []string{"REJECTED 2 WOULD_TRADE"},
			book:  "B | A 101x5/1"},
		{name: "sell side",
			setup: []ord{buy(1, 100, 5)},
			in:    sell(2, 99, 1).postOnly(),
			want:  []string{"REJECTED 2 WOULD_TRADE"},
			book:  "B 100x5/1 | A"},
		{name: "also against its own trader's order (that is a trade too)", rules: Rules{STP: STPCancelOldest},
			setup: []ord{sell(1, 101, 5).by("ann")},
			in:    buy(2, 101, 5).by("ann").postOnly(),
			want:  []string{"REJECTED 2 WOULD_TRADE"},
			book:  "B | A 101x5/1"},
		{name: "only LIMIT GTC", in: buy(2, 100, 5).ioc().postOnly(), want: []string{"REJECTED 2 BAD_FIELD"}},
		{name: "not a market order", in: buy(2, 0, 5).market().postOnly(), want: []string{"REJECTED 2 BAD_FIELD"}},
		{name: "not a stop", in: buy(2, 100, 5).stopAt(99).postOnly(), want: []string{"REJECTED 2 BAD_FIELD"}},
		{name: "a replace that would trade is rejected and changes nothing",
			setup: []ord{sell(1, 101, 5).by("bob"), buy(2, 100, 5).by("ann").postOnly()},
			in:    replaceOf(2, 101, 5).by("ann"),
			want:  []string{"REJECTED 2 WOULD_TRADE"},
			book:  "B 100x5/1 | A 101x5/1"},
		{name: "a replace that does not cross",
			setup: []ord{sell(1, 102, 5).by("bob"), buy(2, 100, 5).by("ann").postOnly()},
			in:    replaceOf(2, 101, 5).by("ann"),
			want:  []string{"REPLACED 2 101x5 L5 F0"},
			book:  "B 101x5/1 | A 102x5/1"},
		{name: "exact policy: unsupported", policy: Exact, in: buy(2, 100, 5).postOnly(), want: []string{"REJECTED 2 UNSUPPORTED"}},
	})
}

func TestIceberg(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "rests showing its display only",
			in:   sell(1, 100, 10).iceberg(3),
			want: []string{"ACCEPTED 1 100x10 L10 F0"},
			book: "B | A 100x3/1"},
		{name: "an aggressor trades its whole quantity",
			setup: []ord{sell(1, 100, 8)},
			in:    buy(2, 100, 10).iceberg(3),
			want:  []string{"ACCEPTED 2 100x10 L10 F0", "T1 100x8 b2 s1 BUY", "PARTIAL_FILL 2 100x8 L2 F8 #1", "FILL 1 100x8 L0 F8 #1"},
			book:  "B 100x2/1 | A"},
		{name: "a refill goes to the back of its level",
			setup: []ord{sell(1, 100, 7).iceberg(3), sell(2, 100, 4)},
			in:    buy(3, 100, 5),
			want: []string{"ACCEPTED 3 100x5 L5 F0",
				"T1 100x3 b3 s1 BUY", "PARTIAL_FILL 3 100x3 L2 F3 #1", "PARTIAL_FILL 1 100x3 L4 F3 #1",
				"T2 100x2 b3 s2 BUY", "FILL 3 100x2 L0 F5 #2", "PARTIAL_FILL 2 100x2 L2 F2 #2"},
			book: "B | A 100x5/2"},
		{name: "an aggressor larger than the whole level refills it repeatedly",
			setup: []ord{sell(1, 100, 7).iceberg(3), sell(2, 100, 1), sell(3, 101, 1)},
			in:    buy(4, 101, 10),
			want: []string{"ACCEPTED 4 101x10 L10 F0",
				"T1 100x3 b4 s1 BUY", "PARTIAL_FILL 4 100x3 L7 F3 #1", "PARTIAL_FILL 1 100x3 L4 F3 #1",
				"T2 100x1 b4 s2 BUY", "PARTIAL_FILL 4 100x1 L6 F4 #2", "FILL 2 100x1 L0 F1 #2",
				"T3 100x3 b4 s1 BUY", "PARTIAL_FILL 4 100x3 L3 F7 #3", "PARTIAL_FILL 1 100x3 L1 F6 #3",
				"T4 100x1 b4 s1 BUY", "PARTIAL_FILL 4 100x1 L2 F8 #4", "FILL 1 100x1 L0 F7 #4",
				"T5 101x1 b4 s3 BUY", "PARTIAL_FILL 4 101x1 L1 F9 #5", "FILL 3 101x1 L0 F1 #5"},
			book: "B 101x1/1 | A"},
		{name: "FOK counts the hidden reserve",
			setup: []ord{sell(1, 100, 9).iceberg(2)},
			in:    buy(2, 100, 9).fok(),
			want: []string{"ACCEPTED 2 100x9 L9 F0",
				"T1 100x2 b2 s1 BUY", "PARTIAL_FILL 2 100x2 L7 F2 #1", "PARTIAL_FILL 1 100x2 L7 F2 #1",
				"T2 100x2 b2 s1 BUY", "PARTIAL_FILL 2 100x2 L5 F4 #2", "PARTIAL_FILL 1 100x2 L5 F4 #2",
				"T3 100x2 b2 s1 BUY", "PARTIAL_FILL 2 100x2 L3 F6 #3", "PARTIAL_FILL 1 100x2 L3 F6 #3",
				"T4 100x2 b2 s1 BUY", "PARTIAL_FILL 2 100x2 L1 F8 #4", "PARTIAL_FILL 1 100x2 L1 F8 #4",
				"T5 100x1 b2 s1 BUY", "FILL 2 100x1 L0 F9 #5", "FILL 1 100x1 L0 F9 #5"},
			book: "B | A"},
		{name: "cancel removes the reserve too",
			setup: []ord{sell(1, 100, 10).iceberg(3).by("ann")},
			in:    cancelOf(1).by("ann"),
			want:  []string{"CANCELLED 1 100x10 L0 F0"},
			book:  "B | A"},
		{name: "a smaller replace cuts the reserve first and keeps priority",
			setup: []ord{sell(1, 100, 10).iceberg(3).by("ann"), sell(2, 100, 1)},
			in:    replaceOf(1, 100, 4).by("ann"),
			want:  []string{"REPLACED 1 100x4 L4 F0"},
			book:  "B | A 100x4/2"},
		{name: "a replace below the display cuts the shown part",
			setup: []ord{sell(1, 100, 10).iceberg(3).by("ann")},
			in:    replaceOf(1, 100, 2).by("ann"),
			want:  []string{"REPLACED 1 100x2 L2 F0"},
			book:  "B | A 100x2/1"},
		{name: "a crossing replace trades the whole, then shows the display",
			setup: []ord{buy(1, 99, 2), sell(2, 101, 10).iceberg(3).by("ann")},
			in:    replaceOf(2, 99, 12).by("ann"),
			want:  []string{"REPLACED 2 99x12 L12 F0", "T1 99x2 b1 s2 SELL", "PARTIAL_FILL 2 99x2 L10 F2 #1", "FILL 1 99x2 L0 F2 #1"},
			book:  "B | A 99x3/1"},
		{name: "STP cancel-oldest against an iceberg cancels its reserve too", rules: Rules{STP: STPCancelOldest},
			setup: []ord{sell(1, 100, 10).iceberg(3).by("ann"), sell(2, 100, 2).by("bob")},
			in:    buy(3, 100, 4).by("ann"),
			want: []string{"ACCEPTED 3 100x4 L4 F0", "CANCELLED 1 100x10 L0 F0 SELF_TRADE",
				"T1 100x2 b3 s2 BUY", "PARTIAL_FILL 3 100x2 L2 F2 #1", "FILL 2 100x2 L0 F2 #1"},
			book: "B 100x2/1 | A"},
		{name: "STP cancel-newest meets an iceberg again after its refill", rules: Rules{STP: STPCancelNewest},
			setup: []ord{sell(1, 100, 10).iceberg(2).by("bob"), sell(2, 100, 3).by("ann")},
			in:    buy(3, 100, 9).by("ann"),
			want: []string{"ACCEPTED 3 100x9 L9 F0",
				"T1 100x2 b3 s1 BUY", "PARTIAL_FILL 3 100x2 L7 F2 #1", "PARTIAL_FILL 1 100x2 L8 F2 #1",
				"CANCELLED 3 100x7 L0 F2 SELF_TRADE"},
			book: "B | A 100x5/2"},
		{name: "FOK with STP cancel-newest: a refill behind its own order does not count", rules: Rules{STP: STPCancelNewest},
			setup: []ord{sell(1, 100, 10).iceberg(2).by("bob"), sell(2, 100, 3).by("ann")},
			in:    buy(3, 100, 3).fok().by("ann"),
			want:  []string{"ACCEPTED 3 100x3 L3 F0", "KILLED 3 100x3 L0 F0"},
			book:  "B | A 100x5/2"},
		{name: "only LIMIT GTC", in: buy(2, 100, 5).fok().iceberg(2), want: []string{"REJECTED 2 BAD_FIELD"}},
		{name: "not a stop", in: buy(2, 100, 5).stopAt(101).iceberg(2), want: []string{"REJECTED 2 BAD_FIELD"}},
		{name: "negative display", in: buy(2, 100, 5).iceberg(-1), want: []string{"REJECTED 2 NON_POSITIVE"}},
	})
}

// TestIcebergFeed: the book changes feed and Depth show only an iceberg's
// display, refill by refill.
func TestIcebergFeed(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	b.TrackChanges(true)
	b.Apply(sell(1, 100, 10).iceberg(3).lean(1), nil)
	b.Apply(sell(2, 100, 1).lean(2), nil)
	if cs := b.DrainChanges(nil); len(cs) != 1 || cs[0] != (Change{Side: record.Sell, Ticks: 100, Lots: 4, Orders: 2}) {
		t.Fatalf("changes %+v, want one level of 4 lots (3 shown + 1), 2 orders", cs)
	}
	b.Apply(buy(3, 100, 5).lean(3), nil) // 3 of the iceberg, 1 of order 2, 1 of the refill
	if cs := b.DrainChanges(nil); len(cs) != 1 || cs[0] != (Change{Side: record.Sell, Ticks: 100, Lots: 2, Orders: 1}) {
		t.Fatalf("changes %+v, want the level at 2 lots (refill of 3, less 1), 1 order", cs)
	}
	if d := b.Depth(record.Sell, 5, nil); len(d) != 1 || d[0].Lots != 2 || b.QtyAt(record.Sell, 100) != 2 {
		t.Fatalf("depth %v", d)
	}
	if _, _, open, ok := b.Resting(1); !ok || open != 6 {
		t.Fatalf("Resting(1) open %d, want 6 (2 shown + 4 hidden)", open)
	}
}
