package book

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// leanOut is one lean report: a Trade or an Event.
type leanOut struct {
	trade  bool
	t      Trade
	e      Event
	status bool // a phase change
	s      Status
}

// leanRecorder is a Listener that copies everything it receives.
type leanRecorder struct{ outs []leanOut }

func (r *leanRecorder) OnTrade(t *Trade) { r.outs = append(r.outs, leanOut{trade: true, t: *t}) }
func (r *leanRecorder) OnEvent(e *Event) { r.outs = append(r.outs, leanOut{e: *e}) }
func (r *leanRecorder) OnStatus(s *Status) {
	r.outs = append(r.outs, leanOut{status: true, s: *s})
}

func (r *leanRecorder) take() []leanOut {
	o := r.outs
	r.outs = nil
	return o
}

// leanShort renders a lean report with its tag, in the shorthand of short:
// "t7 T1 100x3 b2 s1 BUY", "t7 FILL 2 100x3 L0 F3 #1",
// "t7 REJECTED 9 UNKNOWN_ORDER 0x0".
func leanShort(o leanOut) string {
	if o.trade {
		t := o.t
		return fmt.Sprintf("t%d T%d %dx%d b%d s%d %s", t.Tag, t.TradeID, t.Ticks, t.Lots, t.BuyOrderID, t.SellOrderID, t.Aggressor)
	}
	e := o.e
	if e.Type == record.Rejected {
		return fmt.Sprintf("t%d REJECTED %d %s %dx%d", e.Tag, e.OrderID, e.Reason, e.Ticks, e.Lots)
	}
	s := fmt.Sprintf("t%d %s %d %dx%d L%d F%d", e.Tag, eventName(e.Type), e.OrderID, e.Ticks, e.Lots, e.Leaves, e.Filled)
	if e.TradeID != 0 {
		s += fmt.Sprintf(" #%d", e.TradeID)
	}
	return s
}

// lean turns the shorthand into an Order for Apply with tag.
func (s ord) lean(tag uint64) *Order {
	return &Order{Tag: tag, ID: s.id, Ticks: s.ticks, Lots: s.lots, Time: s.time, ExpiresAt: s.exp,
		TraderID: s.trader, Side: s.side, Type: s.typ, TIF: s.tif, Action: s.act,
		Stop: s.stop, Display: s.display, STP: s.stpm, PostOnly: s.post}
}

// TestApplyTagsAndUnits checks, for each kind of instruction, every lean
// report it produces: the tag of the instruction being applied on each of
// them (also on the resting side's fills and on expiries the clock advance
// triggers), prices in ticks and quantities in lots (testInst's tick 0.05
// and lot 10 would show a confusion with decimals), leaves, filled, trade
// ids and reason codes.
func TestApplyTagsAndUnits(t *testing.T) {
	for _, c := range []struct {
		name   string
		policy Policy
		setup  []ord // applied with tags 1, 2, ...
		in     ord   // applied with tag 77
		want   []string
	}{
		{name: "accept and rest", in: buy(1, 100, 5),
			want: []string{"t77 ACCEPTED 1 100x5 L5 F0"}},
		{name: "aggressor fills, resting side reports the aggressor's tag", setup: []ord{sell(1, 100, 3), sell(2, 101, 4)}, in: buy(3, 101, 5),
			want: []string{"t77 ACCEPTED 3 101x5 L5 F0",
				"t77 T1 100x3 b3 s1 BUY", "t77 PARTIAL_FILL 3 100x3 L2 F3 #1", "t77 FILL 1 100x3 L0 F3 #1",
				"t77 T2 101x2 b3 s2 BUY", "t77 FILL 3 101x2 L0 F5 #2", "t77 PARTIAL_FILL 2 101x2 L2 F2 #2"}},
		{name: "sell aggressor", setup: []ord{buy(1, 100, 3)}, in: sell(2, 99, 3),
			want: []string{"t77 ACCEPTED 2 99x3 L3 F0", "t77 T1 100x3 b1 s2 SELL", "t77 FILL 2 100x3 L0 F3 #1", "t77 FILL 1 100x3 L0 F3 #1"}},
		{name: "ioc remainder cancelled", setup: []ord{sell(1, 100, 2)}, in: buy(2, 100, 5).ioc(),
			want: []string{"t77 ACCEPTED 2 100x5 L5 F0", "t77 T1 100x2 b2 s1 BUY", "t77 PARTIAL_FILL 2 100x2 L3 F2 #1",
				"t77 FILL 1 100x2 L0 F2 #1", "t77 CANCELLED 2 100x3 L0 F2"}},
		{name: "market remainder cancelled", setup: []ord{sell(1, 100, 2)}, in: buy(2, 0, 3).market(),
			want: []string{"t77 ACCEPTED 2 0x3 L3 F0", "t77 T1 100x2 b2 s1 BUY", "t77 PARTIAL_FILL 2 100x2 L1 F2 #1",
				"t77 FILL 1 100x2 L0 F2 #1", "t77 CANCELLED 2 0x1 L0 F2"}},
		{name: "fok killed", setup: []ord{sell(1, 100, 2)}, in: buy(2, 100, 3).fok(),
			want: []string{"t77 ACCEPTED 2 100x3 L3 F0", "t77 KILLED 2 100x3 L0 F0"}},
		{name: "cancel", setup: []ord{sell(1, 100, 2).by("ann")}, in: cancelOf(1).by("ann"),
			want: []string{"t77 CANCELLED 1 100x2 L0 F0"}},
		{name: "expiry carries the tag of the instruction that advanced the clock",
			setup: []ord{sell(1, 100, 2).at(10).expires(20)}, in: buy(2, 90, 1).at(21),
			want: []string{"t77 EXPIRED 1 100x2 L0 F0", "t77 ACCEPTED 2 90x1 L1 F0"}},
		{name: "replace", setup: []ord{sell(1, 100, 5).by("ann")}, in: replaceOf(1, 102, 7).by("ann"),
			want: []string{"t77 REPLACED 1 102x7 L7 F0"}},
		{name: "replace that crosses", setup: []ord{sell(1, 100, 5).by("ann"), buy(2, 98, 2)}, in: replaceOf(1, 98, 3).by("ann"),
			want: []string{"t77 REPLACED 1 98x3 L3 F0", "t77 T1 98x2 b2 s1 SELL", "t77 PARTIAL_FILL 1 98x2 L1 F2 #1", "t77 FILL 2 98x2 L0 F2 #1"}},
		{name: "reject echoes the instruction in ticks and lots", setup: []ord{buy(1, 100, 5)}, in: buy(1, 101, 6),
			want: []string{"t77 REJECTED 1 DUPLICATE_ID 101x6"}},
		{name: "unknown cancel", in: cancelOf(9),
			want: []string{"t77 REJECTED 9 UNKNOWN_ORDER 0x0"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := New(testInst, c.policy, 4)
			var rec leanRecorder
			for i, s := range c.setup {
				b.Apply(s.lean(uint64(i+1)), &rec)
			}
			rec.take()
			b.Apply(c.in.lean(77), &rec)
			var got []string
			for _, o := range rec.outs {
				got = append(got, leanShort(o))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("reports:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			if err := checkInvariants(b); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestApplyReplaceIsExplicit checks that a REPLACE given to Apply sets
// exactly the Ticks and Lots it carries: 0 is a bad value, not "keep", in
// either field, while Submit keeps the wire format's meaning of a 0 price
// or quantity.
func TestApplyReplaceIsExplicit(t *testing.T) {
	for _, c := range []struct {
		name        string
		in          ord
		want, after string
	}{
		{"both given", replaceOf(1, 104, 2), "t77 REPLACED 1 104x2 L2 F0", "B | A 104x2/1"},
		{"same price, less: keeps priority", replaceOf(1, 100, 3), "t77 REPLACED 1 100x3 L3 F0", "B | A 100x3/1"},
		{"price 0 is not keep", replaceOf(1, 0, 3), "t77 REJECTED 1 NON_POSITIVE 0x3", "B | A 100x5/1"},
		{"quantity 0 is not keep", replaceOf(1, 101, 0), "t77 REJECTED 1 NON_POSITIVE 101x0", "B | A 100x5/1"},
		{"negative price", replaceOf(1, -1, 3), "t77 REJECTED 1 NON_POSITIVE -1x3", "B | A 100x5/1"},
		{"both 0", replaceOf(1, 0, 0), "t77 REJECTED 1 NON_POSITIVE 0x0", "B | A 100x5/1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := New(testInst, PriceTime, 4)
			b.Apply(sell(1, 100, 5).lean(1), nil)
			var rec leanRecorder
			b.Apply(c.in.lean(77), &rec)
			if len(rec.outs) != 1 || leanShort(rec.outs[0]) != c.want {
				t.Errorf("expected %q, got %d reports: %v", c.want, len(rec.outs), rec.outs)
			}
			if len(rec.outs) == 1 && rec.outs[0].e.Type == record.Rejected {
				if r := rec.outs[0].e.Reason; r != ReasonBadTicks && r != ReasonBadLots {
					t.Errorf("expected ReasonBadTicks or ReasonBadLots, got %d", r)
				}
			}
			if got := bookString(b); got != c.after {
				t.Errorf("book: expected %q, got %q", c.after, got)
			}
		})
	}
	// The wire keeps its meaning through Submit: price 0 keeps the price,
	// quantity 0 keeps the open quantity.
	b := New(testInst, PriceTime, 4)
	b.Submit(sell(1, 100, 5).order(), nil)
	var rec recorder
	keepPrice := replaceOf(1, 0, 3).order()
	b.Submit(keepPrice, &rec)
	keepQty := replaceOf(1, 102, 0).order()
	b.Submit(keepQty, &rec)
	var got []string
	for _, o := range rec.outs {
		got = append(got, short(o))
	}
	if want := "REPLACED 1 100x3 L3 F0\nREPLACED 1 102x3 L3 F0"; strings.Join(got, "\n") != want {
		t.Errorf("Submit: expected\n%s\ngot\n%s", want, strings.Join(got, "\n"))
	}
}

// TestApplyMatchesSubmit is a differential test of the two paths: the same
// random streams (every rule, every reject kind) go to one book through
// Submit and to another through Apply, whose lean reports, converted to
// decimals, must equal Submit's records field by field, each carrying the
// tag of its instruction. Seeds 1-6 for each policy.
func TestApplyMatchesSubmit(t *testing.T) {
	for _, policy := range []Policy{PriceTime, Exact} {
		for seed := uint64(1); seed <= 6; seed++ {
			g := newGen(seed, policy)
			full, lean := New(testInst, policy, 8), New(testInst, policy, 8)
			for i := range 4000 {
				o := g.order()
				switch i % 53 { // the fields the validator would have stopped
				case 1:
					o.Side = 7
				case 2:
					o.Action = 9
				case 3:
					o.Type = 5
				case 4:
					o.TIF = 6
				case 5:
					o.Lots, o.Quantity = -3, -30
				case 6:
					o.Ticks, o.Price = -1, -testInst.TickSize
				}
				tag := uint64(i + 1)
				lo := &Order{Tag: tag, ID: o.ID, Ticks: o.Ticks, Lots: o.Lots, Time: o.Time, ExpiresAt: o.ExpiresAt,
					TraderID: o.TraderID, Side: o.Side, Type: o.Type, TIF: o.TIF, Action: o.Action}
				if o.Action == record.Replace { // the wire's "0 keeps", made explicit
					if _, tk, lt, ok := lean.Resting(o.ID); ok {
						if o.Price == 0 {
							lo.Ticks = tk
						}
						if o.Quantity == 0 {
							lo.Lots = lt
						}
					}
				}
				var rec recorder
				var lrec leanRecorder
				full.Submit(o, &rec)
				lean.Apply(lo, &lrec)
				if err := sameAsRecords(lrec.outs, rec.outs, o, lo); err != nil {
					t.Fatalf("policy %s seed %d order %d %+v: %v\nSubmit:\n%sApply:\n%v", policy, seed, i, *o, err, dump(rec.outs), lrec.outs)
				}
			}
			if bookString(full) != bookString(lean) || full.Clock() != lean.Clock() || full.TradeSeq() != lean.TradeSeq() {
				t.Fatalf("policy %s seed %d: books differ: %s / %s", policy, seed, bookString(full), bookString(lean))
			}
		}
	}
}

func sameAsRecords(lean []leanOut, recs []out, o *record.Order, lo *Order) error {
	if len(lean) != len(recs) {
		return fmt.Errorf("expected %d reports, got %d", len(recs), len(lean))
	}
	px := func(t int64) record.Fixed { return record.Fixed(t) * testInst.TickSize }
	qty := func(l int64) record.Fixed { return record.Fixed(l) * testInst.LotSize }
	for i, l := range lean {
		r := recs[i]
		if l.trade != r.trade {
			return fmt.Errorf("report %d: expected trade=%v, got %v", i, r.trade, l.trade)
		}
		if l.trade {
			x, y := l.t, r.t
			if x.Tag != lo.Tag || x.TradeID != y.TradeID || px(x.Ticks) != y.Price || qty(x.Lots) != y.Quantity ||
				x.BuyOrderID != y.BuyOrderID || x.SellOrderID != y.SellOrderID || x.BuyTrader != y.BuyTrader ||
				x.SellTrader != y.SellTrader || x.Aggressor != y.Aggressor {
				return fmt.Errorf("report %d: expected %+v (tag %d), got %+v", i, y, lo.Tag, x)
			}
			continue
		}
		x, y := l.e, r.e
		same := x.Tag == lo.Tag && x.Type == y.Type && x.OrderID == y.OrderID && x.TraderID == y.TraderID &&
			x.Side == y.Side && x.OrderType == y.OrderType && x.TIF == y.TIF && x.TradeID == y.TradeID &&
			qty(x.Leaves) == y.Leaves && qty(x.Filled) == y.Filled && x.Reason.Code() == y.Reason
		if x.Type == record.Rejected {
			same = same && x.Ticks == lo.Ticks && x.Lots == lo.Lots && y.Price == o.Price && y.Quantity == o.Quantity && y.Message != ""
		} else {
			same = same && px(x.Ticks) == y.Price && qty(x.Lots) == y.Quantity && x.Reason == ReasonNone
		}
		if !same {
			return fmt.Errorf("report %d: expected %+v (tag %d), got %+v", i, y, lo.Tag, x)
		}
	}
	return nil
}

func TestReasonCodes(t *testing.T) {
	for r, want := range map[Reason]string{
		ReasonNone: "", ReasonBadAction: "BAD_FIELD", ReasonBadSide: "BAD_FIELD", ReasonBadKind: "BAD_FIELD",
		ReasonBadLots: "NON_POSITIVE", ReasonBadTicks: "NON_POSITIVE", ReasonDuplicateID: "DUPLICATE_ID",
		ReasonUnknownOrder: "UNKNOWN_ORDER", ReasonExpired: "ALREADY_EXPIRED", ReasonUnsupported: "UNSUPPORTED",
		ReasonNotOwner: "NOT_OWNER", Reason(200): "UNKNOWN",
	} {
		if r.Code() != want {
			t.Errorf("Reason %d: expected code %q, got %q", r, want, r.Code())
		}
	}
	if ReasonNone.String() != "NONE" || ReasonNotOwner.String() != "NOT_OWNER" {
		t.Errorf("expected NONE and NOT_OWNER, got %q and %q", ReasonNone, ReasonNotOwner)
	}
}
