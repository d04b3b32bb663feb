package book

import "testing"

// TestSelfTradePrevention: with a mode on (the book's, or the incoming
// order's own), an order never trades with a resting order of its own
// trader; the mode says which of the two is cancelled (SELF_TRADE).
func TestSelfTradePrevention(t *testing.T) {
	newest, oldest, both := Rules{STP: STPCancelNewest}, Rules{STP: STPCancelOldest}, Rules{STP: STPCancelBoth}
	three := []ord{sell(1, 100, 2).by("bob"), sell(2, 100, 5).by("ann"), sell(3, 100, 5).by("cy")}
	runRules(t, []ruleCase{
		{name: "off: a trader trades with itself as before",
			setup: []ord{sell(1, 100, 5).by("ann")},
			in:    buy(2, 100, 5).by("ann"),
			want:  []string{"ACCEPTED 2 100x5 L5 F0", "T1 100x5 b2 s1 BUY", "FILL 2 100x5 L0 F5 #1", "FILL 1 100x5 L0 F5 #1"},
			book:  "B | A"},
		{name: "cancel-newest at the head: nothing trades", rules: newest,
			setup: []ord{sell(1, 100, 5).by("ann"), sell(2, 100, 5).by("bob")},
			in:    buy(3, 100, 8).by("ann"),
			want:  []string{"ACCEPTED 3 100x8 L8 F0", "CANCELLED 3 100x8 L0 F0 SELF_TRADE"},
			book:  "B | A 100x10/2"},
		{name: "cancel-newest trades up to its own order", rules: newest,
			setup: three,
			in:    buy(4, 101, 8).by("ann"),
			want: []string{"ACCEPTED 4 101x8 L8 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L6 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 4 101x6 L0 F2 SELF_TRADE"},
			book: "B | A 100x10/2"},
		{name: "cancel-oldest cancels the resting order and goes on", rules: oldest,
			setup: three,
			in:    buy(4, 101, 8).by("ann"),
			want: []string{"ACCEPTED 4 101x8 L8 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L6 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 2 100x5 L0 F0 SELF_TRADE",
				"T2 100x5 b4 s3 BUY", "PARTIAL_FILL 4 100x5 L1 F7 #2", "FILL 3 100x5 L0 F5 #2"},
			book: "B 101x1/1 | A"},
		{name: "cancel-oldest removes the level it empties", rules: oldest,
			setup: []ord{sell(1, 100, 5).by("ann"), sell(2, 101, 5).by("bob")},
			in:    buy(3, 101, 3).by("ann"),
			want: []string{"ACCEPTED 3 101x3 L3 F0", "CANCELLED 1 100x5 L0 F0 SELF_TRADE",
				"T1 101x3 b3 s2 BUY", "FILL 3 101x3 L0 F3 #1", "PARTIAL_FILL 2 101x3 L2 F3 #1"},
			book: "B | A 101x2/1"},
		{name: "cancel-both cancels the resting order, then the incoming", rules: both,
			setup: three,
			in:    buy(4, 101, 8).by("ann"),
			want: []string{"ACCEPTED 4 101x8 L8 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L6 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 2 100x5 L0 F0 SELF_TRADE", "CANCELLED 4 101x6 L0 F2 SELF_TRADE"},
			book: "B | A 100x5/1"},
		{name: "the order's own mode with the book's off",
			setup: three,
			in:    buy(4, 100, 3).by("ann").stp(STPCancelOldest),
			want: []string{"ACCEPTED 4 100x3 L3 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L1 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 2 100x5 L0 F0 SELF_TRADE",
				"T2 100x1 b4 s3 BUY", "FILL 4 100x1 L0 F3 #2", "PARTIAL_FILL 3 100x1 L4 F1 #2"},
			book: "B | A 100x4/1"},
		{name: "the incoming order's mode wins over the book's", rules: oldest,
			setup: three,
			in:    buy(4, 100, 3).by("ann").stp(STPCancelNewest),
			want: []string{"ACCEPTED 4 100x3 L3 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L1 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 4 100x1 L0 F2 SELF_TRADE"},
			book: "B | A 100x10/2"},
		{name: "the resting order's own mode does not matter", rules: Rules{},
			setup: []ord{sell(1, 100, 5).by("ann").stp(STPCancelBoth)},
			in:    buy(2, 100, 1).by("ann"),
			want:  []string{"ACCEPTED 2 100x1 L1 F0", "T1 100x1 b2 s1 BUY", "FILL 2 100x1 L0 F1 #1", "PARTIAL_FILL 1 100x1 L4 F1 #1"},
			book:  "B | A 100x4/1"},
		{name: "market order, cancel-newest", rules: newest,
			setup: three,
			in:    buy(4, 0, 9).market().by("ann"),
			want: []string{"ACCEPTED 4 0x9 L9 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L7 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 4 0x7 L0 F2 SELF_TRADE"},
			book: "B | A 100x10/2"},
		{name: "FOK, cancel-newest: only the quantity ahead of its own order counts", rules: newest,
			setup: three,
			in:    buy(4, 101, 3).fok().by("ann"),
			want:  []string{"ACCEPTED 4 101x3 L3 F0", "KILLED 4 101x3 L0 F0"},
			book:  "B | A 100x12/3"},
		{name: "FOK, cancel-newest, filled ahead of its own order", rules: newest,
			setup: three,
			in:    buy(4, 101, 2).fok().by("ann"),
			want:  []string{"ACCEPTED 4 101x2 L2 F0", "T1 100x2 b4 s1 BUY", "FILL 4 100x2 L0 F2 #1", "FILL 1 100x2 L0 F2 #1"},
			book:  "B | A 100x10/2"},
		{name: "FOK, cancel-oldest: its own orders do not count, and are cancelled", rules: oldest,
			setup: append(three, sell(5, 101, 1).by("ann"), sell(6, 101, 1).by("dan")),
			in:    buy(4, 101, 8).fok().by("ann"),
			want: []string{"ACCEPTED 4 101x8 L8 F0",
				"T1 100x2 b4 s1 BUY", "PARTIAL_FILL 4 100x2 L6 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 2 100x5 L0 F0 SELF_TRADE",
				"T2 100x5 b4 s3 BUY", "PARTIAL_FILL 4 100x5 L1 F7 #2", "FILL 3 100x5 L0 F5 #2",
				"CANCELLED 5 101x1 L0 F0 SELF_TRADE",
				"T3 101x1 b4 s6 BUY", "FILL 4 101x1 L0 F8 #3", "FILL 6 101x1 L0 F1 #3"},
			book: "B | A"},
		{name: "FOK, cancel-oldest, one lot short", rules: oldest,
			setup: three,
			in:    buy(4, 101, 8).fok().by("ann"),
			want:  []string{"ACCEPTED 4 101x8 L8 F0", "KILLED 4 101x8 L0 F0"},
			book:  "B | A 100x12/3"},
		{name: "a crossing replace meets its own order", rules: newest,
			setup: []ord{buy(1, 99, 5).by("ann"), sell(2, 101, 5).by("ann")},
			in:    replaceOf(2, 99, 5).by("ann"),
			want:  []string{"REPLACED 2 99x5 L5 F0", "CANCELLED 2 99x5 L0 F0 SELF_TRADE"},
			book:  "B 99x5/1 | A"},
		{name: "sell side, cancel-oldest", rules: oldest,
			setup: []ord{buy(1, 101, 5).by("ann"), buy(2, 100, 5).by("bob")},
			in:    sell(3, 100, 6).by("ann"),
			want: []string{"ACCEPTED 3 100x6 L6 F0", "CANCELLED 1 101x5 L0 F0 SELF_TRADE",
				"T1 100x5 b2 s3 SELL", "PARTIAL_FILL 3 100x5 L1 F5 #1", "FILL 2 100x5 L0 F5 #1"},
			book: "B | A 100x1/1"},
	})
}

func TestSetRulesAndParseSTP(t *testing.T) {
	b := New(testInst, Exact, 4)
	if err := b.SetRules(Rules{STP: STPCancelNewest}); err == nil {
		t.Error("rules accepted under the exact policy")
	}
	b = New(testInst, PriceTime, 4)
	for _, r := range []Rules{{STP: 4}, {BandBP: 100}, {BandRef: 100, BandBP: 10_000}, {BandRef: 100, BandBP: -1}} {
		if err := b.SetRules(r); err == nil {
			t.Errorf("SetRules(%+v) accepted", r)
		}
	}
	for m := STPOff; m <= STPCancelBoth; m++ {
		if p, err := ParseSTP(m.String()); err != nil || p != m {
			t.Errorf("%v does not round-trip: %v %v", m, p, err)
		}
	}
	if _, err := ParseSTP("cancel-all"); err == nil {
		t.Error("ParseSTP accepted cancel-all")
	}
}
