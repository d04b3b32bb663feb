package book

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// short renders an output in ticks and lots:
// trades "T1 100x3 b2 s1 BUY", events "FILL 2 100x3 L0 F3 #1", "REJECTED 9 UNKNOWN_ORDER".
func short(o out) string {
	if o.status {
		return fmt.Sprintf("STATUS %s @%d", o.s.Phase, o.s.At)
	}
	if o.trade {
		t := o.t
		return fmt.Sprintf("T%d %dx%d b%d s%d %s", t.TradeID, t.Price/testInst.TickSize, t.Quantity/testInst.LotSize,
			t.BuyOrderID, t.SellOrderID, t.Aggressor)
	}
	e := o.e
	if e.Type == record.Rejected {
		return fmt.Sprintf("REJECTED %d %s", e.OrderID, e.Reason)
	}
	s := fmt.Sprintf("%s %d %dx%d L%d F%d", eventName(e.Type), e.OrderID, e.Price/testInst.TickSize, e.Quantity/testInst.LotSize,
		e.Leaves/testInst.LotSize, e.Filled/testInst.LotSize)
	if e.TradeID != 0 {
		s += fmt.Sprintf(" #%d", e.TradeID)
	}
	return s
}

// bookString renders the resting book: "B 100x5/1 99x3/2 | A 101x2/1".
func bookString(b *Book) string {
	var sb strings.Builder
	sb.WriteString("B")
	for _, l := range b.Depth(record.Buy, 100, nil) {
		fmt.Fprintf(&sb, " %dx%d/%d", l.Ticks, l.Lots, l.Orders)
	}
	sb.WriteString(" | A")
	for _, l := range b.Depth(record.Sell, 100, nil) {
		fmt.Fprintf(&sb, " %dx%d/%d", l.Ticks, l.Lots, l.Orders)
	}
	return sb.String()
}

type ruleCase struct {
	name   string
	policy Policy
	rules  Rules // a case with rules, or an ord using them, runs through Apply
	// session, when set, is set after the rules; setup orders' times
	// then run the schedule (their reports are not checked)
	session Session
	setup   []ord    // applied first; their outputs are not checked
	in      ord      // the order under test
	want    []string // its outputs, in order
	book    string   // the resting book afterwards
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := New(testInst, c.policy, 4)
			if err := b.SetRules(c.rules); err != nil {
				t.Fatal(err)
			}
			if err := b.SetSession(c.session); err != nil {
				t.Fatal(err)
			}
			var got []out
			var err error
			if usesRules(c) {
				for i, s := range c.setup {
					b.Apply(s.lean(uint64(i+1)), nil)
				}
				got, err = checkConservationLean(b, c.in, 99)
			} else {
				var rec recorder
				for _, s := range c.setup {
					b.Submit(s.order(), &rec)
				}
				rec.take()
				got, err = checkConservation(b, c.in.order())
			}
			if err != nil {
				t.Error(err)
			}
			var lines []string
			for _, o := range got {
				if l := short(o); usesRules(c) && !o.trade && !o.status && o.e.Type != record.Rejected && o.e.Reason != "" {
					lines = append(lines, l+" "+o.e.Reason) // a rule's cancel
				} else {
					lines = append(lines, l)
				}
			}
			if strings.Join(lines, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("outputs:\n  %s\nwant:\n  %s", strings.Join(lines, "\n  "), strings.Join(c.want, "\n  "))
			}
			if c.book != "" && bookString(b) != c.book {
				t.Errorf("book %q, want %q", bookString(b), c.book)
			}
			if err := checkInvariants(b); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestClockAndExpiry(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "resting order expired before matching",
			setup: []ord{sell(1, 100, 5).at(10).expires(15)},
			in:    buy(2, 100, 5).at(16),
			want:  []string{"EXPIRED 1 100x5 L0 F0", "ACCEPTED 2 100x5 L5 F0"},
			book:  "B 100x5/1 | A"},
		{name: "expiry equal to the clock still trades",
			setup: []ord{sell(1, 100, 5).at(10).expires(15)},
			in:    buy(2, 100, 5).at(15),
			want:  []string{"ACCEPTED 2 100x5 L5 F0", "T1 100x5 b2 s1 BUY", "FILL 2 100x5 L0 F5 #1", "FILL 1 100x5 L0 F5 #1"},
			book:  "B | A"},
		{name: "clock is the largest timestamp so far",
			setup: []ord{sell(1, 100, 5).at(10).expires(15), buy(9, 90, 1).at(20)},
			in:    buy(2, 100, 5).at(12),
			want:  []string{"ACCEPTED 2 100x5 L5 F0"},
			book:  "B 100x5/1 90x1/1 | A"},
		{name: "incoming order already expired is rejected",
			setup: []ord{sell(1, 100, 5).at(10)},
			in:    buy(2, 100, 5).at(10).expires(9),
			want:  []string{"REJECTED 2 ALREADY_EXPIRED"},
			book:  "B | A 100x5/1"},
		{name: "expired earliest first then by id",
			setup: []ord{buy(5, 90, 1).at(1).expires(7), buy(3, 91, 1).at(1).expires(6), buy(4, 92, 1).at(1).expires(6), buy(6, 93, 1).at(1).expires(8)},
			in:    sell(7, 200, 1).at(8),
			want:  []string{"EXPIRED 3 91x1 L0 F0", "EXPIRED 4 92x1 L0 F0", "EXPIRED 5 90x1 L0 F0", "ACCEPTED 7 200x1 L1 F0"},
			book:  "B 93x1/1 | A 200x1/1"},
		{name: "a rejected cancel still advances the clock and expires",
			setup: []ord{sell(1, 100, 5).at(10).expires(15)},
			in:    cancelOf(8).at(30),
			want:  []string{"EXPIRED 1 100x5 L0 F0", "REJECTED 8 UNKNOWN_ORDER"},
			book:  "B | A"},
		{name: "expired order cannot be cancelled",
			setup: []ord{sell(1, 100, 5).at(10).expires(15)},
			in:    cancelOf(1).at(16),
			want:  []string{"EXPIRED 1 100x5 L0 F0", "REJECTED 1 UNKNOWN_ORDER"},
			book:  "B | A"},
	})
}

func TestPriceTimeMatching(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "FIFO within a level",
			setup: []ord{sell(1, 100, 2), sell(2, 100, 2)},
			in:    buy(3, 100, 3),
			want: []string{"ACCEPTED 3 100x3 L3 F0",
				"T1 100x2 b3 s1 BUY", "PARTIAL_FILL 3 100x2 L1 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"T2 100x1 b3 s2 BUY", "FILL 3 100x1 L0 F3 #2", "PARTIAL_FILL 2 100x1 L1 F1 #2"},
			book: "B | A 100x1/1"},
		{name: "best price first, at the resting price",
			setup: []ord{sell(1, 101, 2), sell(2, 100, 2)},
			in:    buy(3, 102, 3),
			want: []string{"ACCEPTED 3 102x3 L3 F0",
				"T1 100x2 b3 s2 BUY", "PARTIAL_FILL 3 100x2 L1 F2 #1", "FILL 2 100x2 L0 F2 #1",
				"T2 101x1 b3 s1 BUY", "FILL 3 101x1 L0 F3 #2", "PARTIAL_FILL 1 101x1 L1 F1 #2"},
			book: "B | A 101x1/1"},
		{name: "sell aggressor takes the highest bid first",
			setup: []ord{buy(1, 99, 2), buy(2, 101, 2), buy(3, 100, 2)},
			in:    sell(4, 100, 5),
			want: []string{"ACCEPTED 4 100x5 L5 F0",
				"T1 101x2 b2 s4 SELL", "PARTIAL_FILL 4 101x2 L3 F2 #1", "FILL 2 101x2 L0 F2 #1",
				"T2 100x2 b3 s4 SELL", "PARTIAL_FILL 4 100x2 L1 F4 #2", "FILL 3 100x2 L0 F2 #2"},
			book: "B 99x2/1 | A 100x1/1"},
		{name: "no cross rests",
			setup: []ord{sell(1, 101, 2)},
			in:    buy(2, 100, 2),
			want:  []string{"ACCEPTED 2 100x2 L2 F0"},
			book:  "B 100x2/1 | A 101x2/1"},
		{name: "GTC remainder rests",
			setup: []ord{sell(1, 100, 2)},
			in:    buy(2, 100, 5),
			want:  []string{"ACCEPTED 2 100x5 L5 F0", "T1 100x2 b2 s1 BUY", "PARTIAL_FILL 2 100x2 L3 F2 #1", "FILL 1 100x2 L0 F2 #1"},
			book:  "B 100x3/1 | A"},
		{name: "IOC remainder cancelled",
			setup: []ord{sell(1, 100, 2), sell(2, 102, 2)},
			in:    buy(3, 101, 5).ioc(),
			want: []string{"ACCEPTED 3 101x5 L5 F0", "T1 100x2 b3 s1 BUY", "PARTIAL_FILL 3 100x2 L3 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"CANCELLED 3 101x3 L0 F2"},
			book: "B | A 102x2/1"},
		{name: "IOC without a cross is cancelled",
			setup: []ord{sell(1, 102, 2)},
			in:    buy(3, 101, 5).ioc(),
			want:  []string{"ACCEPTED 3 101x5 L5 F0", "CANCELLED 3 101x5 L0 F0"},
			book:  "B | A 102x2/1"},
		{name: "FOK exact fill across several levels",
			setup: []ord{sell(1, 100, 2), sell(2, 101, 1), sell(3, 101, 2), sell(4, 102, 9)},
			in:    buy(5, 101, 5).fok(),
			want: []string{"ACCEPTED 5 101x5 L5 F0",
				"T1 100x2 b5 s1 BUY", "PARTIAL_FILL 5 100x2 L3 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"T2 101x1 b5 s2 BUY", "PARTIAL_FILL 5 101x1 L2 F3 #2", "FILL 2 101x1 L0 F1 #2",
				"T3 101x2 b5 s3 BUY", "FILL 5 101x2 L0 F5 #3", "FILL 3 101x2 L0 F2 #3"},
			book: "B | A 102x9/1"},
		{name: "FOK one lot short is killed without trades",
			setup: []ord{sell(1, 100, 2), sell(2, 101, 2), sell(4, 102, 9)},
			in:    buy(5, 101, 5).fok(),
			want:  []string{"ACCEPTED 5 101x5 L5 F0", "KILLED 5 101x5 L0 F0"},
			book:  "B | A 100x2/1 101x2/1 102x9/1"},
		{name: "FOK sell symmetric",
			setup: []ord{buy(1, 100, 2), buy(2, 99, 3)},
			in:    sell(5, 99, 5).fok(),
			want: []string{"ACCEPTED 5 99x5 L5 F0",
				"T1 100x2 b1 s5 SELL", "PARTIAL_FILL 5 100x2 L3 F2 #1", "FILL 1 100x2 L0 F2 #1",
				"T2 99x3 b2 s5 SELL", "FILL 5 99x3 L0 F5 #2", "FILL 2 99x3 L0 F3 #2"},
			book: "B | A"},
		{name: "MARKET sweeps and cancels the rest",
			setup: []ord{sell(1, 100, 1), sell(2, 150, 1)},
			in:    buy(3, 0, 3).market(),
			want: []string{"ACCEPTED 3 0x3 L3 F0",
				"T1 100x1 b3 s1 BUY", "PARTIAL_FILL 3 100x1 L2 F1 #1", "FILL 1 100x1 L0 F1 #1",
				"T2 150x1 b3 s2 BUY", "PARTIAL_FILL 3 150x1 L1 F2 #2", "FILL 2 150x1 L0 F1 #2",
				"CANCELLED 3 0x1 L0 F2"},
			book: "B | A"},
		{name: "MARKET on an empty side never rests",
			setup: []ord{buy(1, 100, 1)},
			in:    buy(3, 0, 3).market(),
			want:  []string{"ACCEPTED 3 0x3 L3 F0", "CANCELLED 3 0x3 L0 F0"},
			book:  "B 100x1/1 | A"},
		{name: "MARKET FOK short is killed",
			setup: []ord{buy(1, 100, 1)},
			in:    sell(3, 0, 3).market().fok(),
			want:  []string{"ACCEPTED 3 0x3 L3 F0", "KILLED 3 0x3 L0 F0"},
			book:  "B 100x1/1 | A"},
		{name: "prices far apart",
			setup: []ord{sell(1, 999_999_999, 1), sell(2, 3, 1)},
			in:    buy(3, 1_000_000_000, 2),
			want: []string{"ACCEPTED 3 1000000000x2 L2 F0",
				"T1 3x1 b3 s2 BUY", "PARTIAL_FILL 3 3x1 L1 F1 #1", "FILL 2 3x1 L0 F1 #1",
				"T2 999999999x1 b3 s1 BUY", "FILL 3 999999999x1 L0 F2 #2", "FILL 1 999999999x1 L0 F1 #2"},
			book: "B | A"},
	})
}

func TestCancelAndDuplicate(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "cancel resting after a partial fill",
			setup: []ord{sell(1, 100, 5), buy(2, 100, 2)},
			in:    cancelOf(1),
			want:  []string{"CANCELLED 1 100x3 L0 F2"},
			book:  "B | A"},
		{name: "cancel unknown id",
			setup: []ord{sell(1, 100, 5)},
			in:    cancelOf(7),
			want:  []string{"REJECTED 7 UNKNOWN_ORDER"},
			book:  "B | A 100x5/1"},
		{name: "cancel a filled order",
			setup: []ord{sell(1, 100, 5), buy(2, 100, 5)},
			in:    cancelOf(1),
			want:  []string{"REJECTED 1 UNKNOWN_ORDER"},
			book:  "B | A"},
		{name: "cancel twice",
			setup: []ord{sell(1, 100, 5), cancelOf(1)},
			in:    cancelOf(1),
			want:  []string{"REJECTED 1 UNKNOWN_ORDER"},
			book:  "B | A"},
		{name: "new with a resting id",
			setup: []ord{sell(1, 100, 5)},
			in:    buy(1, 90, 1),
			want:  []string{"REJECTED 1 DUPLICATE_ID"},
			book:  "B | A 100x5/1"},
		{name: "new reusing the id of a filled order",
			setup: []ord{sell(1, 100, 5), buy(2, 100, 5)},
			in:    buy(1, 90, 1),
			want:  []string{"ACCEPTED 1 90x1 L1 F0"},
			book:  "B 90x1/1 | A"},
		{name: "exact policy cancels too",
			policy: Exact,
			setup:  []ord{sell(1, 100, 5)},
			in:     cancelOf(1),
			want:   []string{"CANCELLED 1 100x5 L0 F0"},
			book:   "B | A"},
	})
}

func TestReplace(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "unknown id",
			setup: []ord{sell(1, 100, 5)},
			in:    replaceOf(2, 100, 1),
			want:  []string{"REJECTED 2 UNKNOWN_ORDER"},
			book:  "B | A 100x5/1"},
		{name: "smaller quantity at the same price keeps priority",
			setup: []ord{sell(1, 100, 5), sell(2, 100, 5), replaceOf(1, 0, 3)},
			in:    buy(3, 100, 3),
			want:  []string{"ACCEPTED 3 100x3 L3 F0", "T1 100x3 b3 s1 BUY", "FILL 3 100x3 L0 F3 #1", "FILL 1 100x3 L0 F3 #1"},
			book:  "B | A 100x5/1"},
		{name: "the replace itself",
			setup: []ord{sell(1, 100, 5), sell(2, 100, 5)},
			in:    replaceOf(1, 100, 3),
			want:  []string{"REPLACED 1 100x3 L3 F0"},
			book:  "B | A 100x8/2"},
		{name: "unchanged keeps priority",
			setup: []ord{sell(1, 100, 5), sell(2, 100, 5), replaceOf(1, 100, 5)},
			in:    buy(3, 100, 1),
			want:  []string{"ACCEPTED 3 100x1 L1 F0", "T1 100x1 b3 s1 BUY", "FILL 3 100x1 L0 F1 #1", "PARTIAL_FILL 1 100x1 L4 F1 #1"},
			book:  "B | A 100x9/2"},
		{name: "larger quantity loses priority",
			setup: []ord{sell(1, 100, 5), sell(2, 100, 5), replaceOf(1, 0, 6)},
			in:    buy(3, 100, 1),
			want:  []string{"ACCEPTED 3 100x1 L1 F0", "T1 100x1 b3 s2 BUY", "FILL 3 100x1 L0 F1 #1", "PARTIAL_FILL 2 100x1 L4 F1 #1"},
			book:  "B | A 100x10/2"},
		{name: "new price goes to the back of the new level",
			setup: []ord{sell(1, 101, 2), sell(2, 100, 2), replaceOf(1, 100, 0)},
			in:    buy(3, 100, 3),
			want: []string{"ACCEPTED 3 100x3 L3 F0",
				"T1 100x2 b3 s2 BUY", "PARTIAL_FILL 3 100x2 L1 F2 #1", "FILL 2 100x2 L0 F2 #1",
				"T2 100x1 b3 s1 BUY", "FILL 3 100x1 L0 F3 #2", "PARTIAL_FILL 1 100x1 L1 F1 #2"},
			book: "B | A 100x1/1"},
		{name: "price away and back loses priority",
			setup: []ord{sell(1, 100, 2), sell(2, 100, 2), replaceOf(1, 101, 0), replaceOf(1, 100, 0)},
			in:    buy(3, 100, 1),
			want:  []string{"ACCEPTED 3 100x1 L1 F0", "T1 100x1 b3 s2 BUY", "FILL 3 100x1 L0 F1 #1", "PARTIAL_FILL 2 100x1 L1 F1 #1"},
			book:  "B | A 100x3/2"},
		{name: "smaller quantity at a new price loses priority",
			setup: []ord{sell(1, 101, 5), sell(2, 100, 5), replaceOf(1, 100, 1)},
			in:    buy(3, 100, 1),
			want:  []string{"ACCEPTED 3 100x1 L1 F0", "T1 100x1 b3 s2 BUY", "FILL 3 100x1 L0 F1 #1", "PARTIAL_FILL 2 100x1 L4 F1 #1"},
			book:  "B | A 100x5/2"},
		{name: "replace that crosses trades as aggressor and rests the rest",
			setup: []ord{buy(1, 99, 2), buy(2, 98, 5), sell(3, 101, 4)},
			in:    replaceOf(3, 99, 0),
			want: []string{"REPLACED 3 99x4 L4 F0",
				"T1 99x2 b1 s3 SELL", "PARTIAL_FILL 3 99x2 L2 F2 #1", "FILL 1 99x2 L0 F2 #1"},
			book: "B 98x5/1 | A 99x2/1"},
		{name: "replace that crosses can fill completely",
			setup: []ord{buy(1, 99, 9), sell(3, 101, 4)},
			in:    replaceOf(3, 98, 3),
			want: []string{"REPLACED 3 98x3 L3 F0",
				"T1 99x3 b1 s3 SELL", "FILL 3 99x3 L0 F3 #1", "PARTIAL_FILL 1 99x3 L6 F3 #1"},
			book: "B 99x6/1 | A"},
		{name: "replace keeps the filled quantity",
			setup: []ord{sell(1, 100, 5), buy(2, 100, 2)},
			in:    replaceOf(1, 0, 10),
			want:  []string{"REPLACED 1 100x10 L10 F2"},
			book:  "B | A 100x10/1"},
		{name: "replaced order keeps its expiry",
			setup: []ord{sell(1, 100, 5).at(1).expires(5), replaceOf(1, 101, 0).at(2)},
			in:    buy(2, 101, 5).at(6),
			want:  []string{"EXPIRED 1 101x5 L0 F0", "ACCEPTED 2 101x5 L5 F0"},
			book:  "B 101x5/1 | A"},
	})
}

func TestExactPolicy(t *testing.T) {
	runRules(t, []ruleCase{
		{name: "oldest of equal price and quantity, fully",
			policy: Exact,
			setup:  []ord{sell(1, 100, 3), sell(2, 100, 5), sell(3, 100, 5)},
			in:     buy(4, 100, 5),
			want:   []string{"ACCEPTED 4 100x5 L5 F0", "T1 100x5 b4 s2 BUY", "FILL 4 100x5 L0 F5 #1", "FILL 2 100x5 L0 F5 #1"},
			book:   "B | A 100x8/2"},
		{name: "different quantity rests",
			policy: Exact,
			setup:  []ord{sell(1, 100, 3)},
			in:     buy(4, 100, 5),
			want:   []string{"ACCEPTED 4 100x5 L5 F0"},
			book:   "B 100x5/1 | A 100x3/1"},
		{name: "better price does not trade",
			policy: Exact,
			setup:  []ord{sell(1, 100, 5)},
			in:     buy(4, 101, 5),
			want:   []string{"ACCEPTED 4 101x5 L5 F0"},
			book:   "B 101x5/1 | A 100x5/1"},
		{name: "sell side symmetric",
			policy: Exact,
			setup:  []ord{buy(1, 100, 5), buy(2, 100, 5)},
			in:     sell(4, 100, 5),
			want:   []string{"ACCEPTED 4 100x5 L5 F0", "T1 100x5 b1 s4 SELL", "FILL 4 100x5 L0 F5 #1", "FILL 1 100x5 L0 F5 #1"},
			book:   "B 100x5/1 | A"},
		{name: "MARKET unsupported", policy: Exact, in: buy(4, 0, 5).market(), want: []string{"REJECTED 4 UNSUPPORTED"}, book: "B | A"},
		{name: "IOC unsupported", policy: Exact, in: buy(4, 100, 5).ioc(), want: []string{"REJECTED 4 UNSUPPORTED"}, book: "B | A"},
		{name: "FOK unsupported", policy: Exact, in: buy(4, 100, 5).fok(), want: []string{"REJECTED 4 UNSUPPORTED"}, book: "B | A"},
		{name: "REPLACE unsupported", policy: Exact, setup: []ord{sell(1, 100, 5)}, in: replaceOf(1, 100, 2),
			want: []string{"REJECTED 1 UNSUPPORTED"}, book: "B | A 100x5/1"},
	})
}

func TestDefensiveRejects(t *testing.T) {
	bad := func(f func(*ord)) ord { o := buy(1, 100, 5); f(&o); return o }
	runRules(t, []ruleCase{
		{name: "zero lots", in: bad(func(o *ord) { o.lots = 0 }), want: []string{"REJECTED 1 NON_POSITIVE"}},
		{name: "zero ticks on a limit", in: bad(func(o *ord) { o.ticks = 0 }), want: []string{"REJECTED 1 NON_POSITIVE"}},
		{name: "bad side", in: bad(func(o *ord) { o.side = 0 }), want: []string{"REJECTED 1 BAD_FIELD"}},
		{name: "bad type", in: bad(func(o *ord) { o.typ = 9 }), want: []string{"REJECTED 1 BAD_FIELD"}},
		{name: "bad tif", in: bad(func(o *ord) { o.tif = 9 }), want: []string{"REJECTED 1 BAD_FIELD"}},
		{name: "bad action", in: bad(func(o *ord) { o.act = 9 }), want: []string{"REJECTED 1 BAD_FIELD"}},
		{name: "replace to negative lots", setup: []ord{sell(1, 100, 5)},
			in: bad(func(o *ord) { *o = replaceOf(1, 0, -1) }), want: []string{"REJECTED 1 NON_POSITIVE"}, book: "B | A 100x5/1"},
	})
}

// TestRecordFields checks every field of the trade and events of one fill,
// with Fixed conversions, trader ids, times and messages.
func TestRecordFields(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	var rec recorder
	b.Submit(sell(1, 2001, 3).by("alice").at(1000).order(), &rec)
	b.Submit(buy(2, 2002, 2).by("bob").at(1005).ioc().order(), &rec)
	b.Submit(cancelOf(5).by("carol").at(999).order(), &rec)
	px, q := record.MustFixed("100.05"), record.MustFixed("20")
	want := []out{
		{e: record.Event{Type: record.Accepted, OrderID: 1, Instrument: "TST", TraderID: "alice", Side: record.Sell,
			Price: px, Quantity: record.MustFixed("30"), Leaves: record.MustFixed("30"), Time: 1000}},
		{e: record.Event{Type: record.Accepted, OrderID: 2, Instrument: "TST", TraderID: "bob", Side: record.Buy, TIF: record.IOC,
			Price: record.MustFixed("100.1"), Quantity: q, Leaves: q, Time: 1005}},
		{trade: true, t: record.Trade{TradeID: 1, Instrument: "TST", Price: px, Quantity: q, BuyOrderID: 2, SellOrderID: 1,
			BuyTrader: "bob", SellTrader: "alice", Aggressor: record.Buy, Time: 1005}},
		{e: record.Event{Type: record.Fill, OrderID: 2, Instrument: "TST", TraderID: "bob", Side: record.Buy, TIF: record.IOC,
			Price: px, Quantity: q, Filled: q, TradeID: 1, Time: 1005}},
		{e: record.Event{Type: record.PartialFill, OrderID: 1, Instrument: "TST", TraderID: "alice", Side: record.Sell,
			Price: px, Quantity: q, Leaves: record.MustFixed("10"), Filled: q, TradeID: 1, Time: 1005}},
		{e: record.Event{Type: record.Rejected, OrderID: 5, Instrument: "TST", TraderID: "carol", Side: record.Buy,
			Reason: record.ReasonUnknownOrder, Message: "expected the id of an order resting on TST, received id 5 which is not resting", Time: 1005}},
	}
	if !sameOuts(rec.outs, want) {
		t.Fatalf("got:\n%swant:\n%s", dump(rec.outs), dump(want))
	}
	if b.Clock() != 1005 {
		t.Errorf("clock %d, want 1005", b.Clock())
	}
	if tk, l, ok := b.BestAsk(); !ok || tk != 2001 || l != 1 {
		t.Errorf("best ask %d x %d %v, want 2001 x 1", tk, l, ok)
	}
	if _, _, ok := b.BestBid(); ok {
		t.Error("best bid present on an empty bid side")
	}
	if s, tk, l, ok := b.Resting(1); !ok || s != record.Sell || tk != 2001 || l != 1 {
		t.Errorf("Resting(1) = %v %d %d %v", s, tk, l, ok)
	}
}

func TestRejectMessagesSayExpectedAndReceived(t *testing.T) {
	b := New(testInst, Exact, 4)
	var rec recorder
	b.Submit(buy(1, 100, 5).at(10).order(), &rec)
	b.Submit(buy(1, 100, 5).at(10).order(), &rec)
	b.Submit(buy(2, 100, 5).at(10).expires(3).order(), &rec)
	b.Submit(buy(3, 100, 5).ioc().order(), &rec)
	for _, o := range rec.outs[1:] {
		m := o.e.Message
		if o.e.Type != record.Rejected || !strings.Contains(m, "expected") || !strings.Contains(m, "received") {
			t.Errorf("%s: message %q", short(o), m)
		}
	}
	if m := rec.outs[2].e.Message; !strings.Contains(m, "10") || !strings.Contains(m, "3") {
		t.Errorf("expiry message %q lacks the clock and the expiry", m)
	}
}

func TestParsePolicy(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Policy
		ok   bool
	}{{"", PriceTime, true}, {"price-time", PriceTime, true}, {"exact", Exact, true}, {"fifo", 0, false}} {
		p, err := ParsePolicy(c.in)
		if (err == nil) != c.ok || (c.ok && p != c.want) {
			t.Errorf("ParsePolicy(%q) = %v, %v", c.in, p, err)
		}
		if c.ok {
			if back, _ := ParsePolicy(p.String()); back != p {
				t.Errorf("%v does not round-trip", p)
			}
		}
	}
}

func TestNilHandler(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	b.Submit(sell(1, 100, 5).order(), nil)
	b.Submit(buy(2, 100, 2).order(), nil)
	if bookString(b) != "B | A 100x3/1" || b.TradeSeq() != 1 {
		t.Errorf("book %q, trade seq %d", bookString(b), b.TradeSeq())
	}
}
