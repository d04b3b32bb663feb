package book

import (
	"strings"
	"testing"
)

func TestStops(t *testing.T) {
	asks := []ord{sell(1, 101, 2), sell(2, 102, 5)}
	runRules(t, []ruleCase{
		{name: "a stop waits outside the book",
			setup: asks,
			in:    buy(3, 0, 3).market().stopAt(101),
			want:  []string{"ACCEPTED 3 0x3 L3 F0"},
			book:  "B | A 101x2/1 102x5/1"},
		{name: "a trade at the trigger enters a STOP as a market order",
			setup: append(asks, buy(3, 0, 3).market().stopAt(101)),
			in:    buy(4, 101, 1),
			want: []string{"ACCEPTED 4 101x1 L1 F0",
				"T1 101x1 b4 s1 BUY", "FILL 4 101x1 L0 F1 #1", "PARTIAL_FILL 1 101x1 L1 F1 #1",
				"TRIGGERED 3 0x3 L3 F0",
				"T2 101x1 b3 s1 BUY", "PARTIAL_FILL 3 101x1 L2 F1 #2", "FILL 1 101x1 L0 F2 #2",
				"T3 102x2 b3 s2 BUY", "FILL 3 102x2 L0 F3 #3", "PARTIAL_FILL 2 102x2 L3 F2 #3"},
			book: "B | A 102x3/1"},
		{name: "a trade below a buy stop's trigger does not enter it",
			setup: append(asks, buy(3, 0, 3).market().stopAt(102)),
			in:    buy(4, 101, 1),
			want:  []string{"ACCEPTED 4 101x1 L1 F0", "T1 101x1 b4 s1 BUY", "FILL 4 101x1 L0 F1 #1", "PARTIAL_FILL 1 101x1 L1 F1 #1"},
			book:  "B | A 101x1/1 102x5/1"},
		{name: "a sell stop triggers at or below, a STOP_LIMIT remainder rests",
			setup: []ord{buy(1, 100, 1), buy(2, 99, 1), sell(3, 99, 4).stopAt(100)},
			in:    sell(4, 100, 1),
			want: []string{"ACCEPTED 4 100x1 L1 F0",
				"T1 100x1 b1 s4 SELL", "FILL 4 100x1 L0 F1 #1", "FILL 1 100x1 L0 F1 #1",
				"TRIGGERED 3 99x4 L4 F0",
				"T2 99x1 b2 s3 SELL", "PARTIAL_FILL 3 99x1 L3 F1 #2", "FILL 2 99x1 L0 F1 #2"},
			book: "B | A 99x3/1"},
		{name: "a triggered STOP_LIMIT rests with the time of its trigger",
			setup: []ord{buy(1, 100, 2).stopAt(101), buy(2, 100, 3), sell(3, 101, 1), buy(4, 101, 1)},
			in:    sell(5, 100, 1),
			want:  []string{"ACCEPTED 5 100x1 L1 F0", "T2 100x1 b2 s5 SELL", "FILL 5 100x1 L0 F1 #2", "PARTIAL_FILL 2 100x1 L2 F1 #2"},
			book:  "B 100x4/2 | A"},
		{name: "stop chain: a triggered stop's trade triggers the next",
			setup: []ord{sell(1, 101, 1), sell(2, 102, 1), sell(3, 103, 1), buy(10, 0, 1).market().stopAt(101), buy(11, 0, 1).market().stopAt(102)},
			in:    buy(4, 101, 1),
			want: []string{"ACCEPTED 4 101x1 L1 F0", "T1 101x1 b4 s1 BUY", "FILL 4 101x1 L0 F1 #1", "FILL 1 101x1 L0 F1 #1",
				"TRIGGERED 10 0x1 L1 F0", "T2 102x1 b10 s2 BUY", "FILL 10 102x1 L0 F1 #2", "FILL 2 102x1 L0 F1 #2",
				"TRIGGERED 11 0x1 L1 F0", "T3 103x1 b11 s3 BUY", "FILL 11 103x1 L0 F1 #3", "FILL 3 103x1 L0 F1 #3"},
			book: "B | A"},
		{name: "stops triggered together enter in acceptance order, not trigger order",
			setup: []ord{sell(1, 102, 1), sell(2, 103, 1), sell(3, 104, 1), buy(10, 0, 1).market().stopAt(102), buy(11, 0, 1).market().stopAt(101)},
			in:    buy(4, 102, 1),
			want: []string{"ACCEPTED 4 102x1 L1 F0", "T1 102x1 b4 s1 BUY", "FILL 4 102x1 L0 F1 #1", "FILL 1 102x1 L0 F1 #1",
				"TRIGGERED 10 0x1 L1 F0", "T2 103x1 b10 s2 BUY", "FILL 10 103x1 L0 F1 #2", "FILL 2 103x1 L0 F1 #2",
				"TRIGGERED 11 0x1 L1 F0", "T3 104x1 b11 s3 BUY", "FILL 11 104x1 L0 F1 #3", "FILL 3 104x1 L0 F1 #3"},
			book: "B | A"},
		{name: "any trade of a sweep counts, not only its last; then acceptance order",
			setup: []ord{buy(1, 105, 1), buy(2, 100, 1), sell(3, 0, 1).market().stopAt(100), buy(10, 106, 1).stopAt(104)},
			in:    sell(4, 100, 2),
			want: []string{"ACCEPTED 4 100x2 L2 F0",
				"T1 105x1 b1 s4 SELL", "PARTIAL_FILL 4 105x1 L1 F1 #1", "FILL 1 105x1 L0 F1 #1",
				"T2 100x1 b2 s4 SELL", "FILL 4 100x1 L0 F2 #2", "FILL 2 100x1 L0 F1 #2",
				"TRIGGERED 3 0x1 L1 F0", "CANCELLED 3 0x1 L0 F0",
				"TRIGGERED 10 106x1 L1 F0"},
			book: "B 106x1/1 | A"},
		{name: "trades before its acceptance do not trigger a stop",
			setup: []ord{sell(1, 101, 2), buy(2, 101, 1), buy(3, 0, 1).market().stopAt(100)},
			in:    buy(4, 99, 1),
			want:  []string{"ACCEPTED 4 99x1 L1 F0"},
			book:  "B 99x1/1 | A 101x1/1"},
		{name: "a triggered FOK stop is killed as a new FOK would be",
			setup: append(asks, buy(3, 103, 9).fok().stopAt(101)),
			in:    buy(4, 101, 1),
			want: []string{"ACCEPTED 4 101x1 L1 F0", "T1 101x1 b4 s1 BUY", "FILL 4 101x1 L0 F1 #1", "PARTIAL_FILL 1 101x1 L1 F1 #1",
				"TRIGGERED 3 103x9 L9 F0", "KILLED 3 103x9 L0 F0"},
			book: "B | A 101x1/1 102x5/1"},
		{name: "cancel a pending stop", setup: []ord{buy(3, 0, 3).market().stopAt(101).by("ann")}, in: cancelOf(3).by("ann"),
			want: []string{"CANCELLED 3 0x3 L0 F0"}},
		{name: "a pending stop is not replaceable", setup: []ord{buy(3, 100, 3).stopAt(101).by("ann")}, in: replaceOf(3, 99, 3).by("ann"),
			want: []string{"REJECTED 3 UNSUPPORTED"}},
		{name: "a pending stop's id is taken", setup: []ord{buy(3, 100, 3).stopAt(101)}, in: sell(3, 110, 1),
			want: []string{"REJECTED 3 DUPLICATE_ID"}},
		{name: "a pending stop expires", setup: []ord{buy(3, 100, 3).stopAt(101).at(1).expires(5)}, in: sell(4, 110, 1).at(6),
			want: []string{"EXPIRED 3 100x3 L0 F0", "ACCEPTED 4 110x1 L1 F0"}, book: "B | A 110x1/1"},
		{name: "negative trigger", in: buy(3, 100, 3).stopAt(-1), want: []string{"REJECTED 3 NON_POSITIVE"}},
		{name: "exact policy: unsupported", policy: Exact, in: buy(3, 100, 3).stopAt(101), want: []string{"REJECTED 3 UNSUPPORTED"}},
	})
}

// TestStopReportsCarryTheTriggeringTag: a triggered stop's reports carry
// the Tag of the instruction whose trade triggered it.
func TestStopReportsCarryTheTriggeringTag(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	b.Apply(sell(1, 101, 2).lean(1), nil)
	b.Apply(buy(2, 0, 1).market().stopAt(101).lean(2), nil)
	var rec leanRecorder
	b.Apply(buy(3, 101, 1).lean(3), &rec)
	var got []string
	for _, o := range rec.outs {
		got = append(got, leanShort(o))
	}
	want := "t3 ACCEPTED 3 101x1 L1 F0|t3 T1 101x1 b3 s1 BUY|t3 FILL 3 101x1 L0 F1 #1|t3 PARTIAL_FILL 1 101x1 L1 F1 #1|" +
		"t3 TRIGGERED 2 0x1 L1 F0|t3 T2 101x1 b2 s1 BUY|t3 FILL 2 101x1 L0 F1 #2|t3 FILL 1 101x1 L0 F2 #2"
	if strings.Join(got, "|") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
}
