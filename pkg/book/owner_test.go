package book

import (
	"strings"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

// TestOwnership: with a trader_id on the resting order, only that trader
// may CANCEL or REPLACE it; an order entered without a trader_id stays
// open to anyone, as before.
func TestOwnership(t *testing.T) {
	runRules(t, []ruleCase{
		{
			name:  "cancel by the owner",
			setup: []ord{sell(1, 100, 5).by("alice")},
			in:    cancelOf(1).by("alice"),
			want:  []string{"CANCELLED 1 100x5 L0 F0"},
			book:  "B | A",
		},
		{
			name:  "cancel by another trader is NOT_OWNER and changes nothing",
			setup: []ord{sell(1, 100, 5).by("alice")},
			in:    cancelOf(1).by("mallory"),
			want:  []string{"REJECTED 1 NOT_OWNER"},
			book:  "B | A 100x5/1",
		},
		{
			name:  "replace by another trader is NOT_OWNER and keeps priority",
			setup: []ord{sell(1, 100, 5).by("alice"), sell(2, 100, 5).by("bob")},
			in:    replaceOf(1, 90, 5).by("mallory"),
			want:  []string{"REJECTED 1 NOT_OWNER"},
			book:  "B | A 100x10/2",
		},
		{
			name:  "replace by the owner",
			setup: []ord{sell(1, 100, 5).by("alice")},
			in:    replaceOf(1, 101, 5).by("alice"),
			want:  []string{"REPLACED 1 101x5 L5 F0"},
			book:  "B | A 101x5/1",
		},
		{
			name:  "a crossing replace by another trader trades nothing",
			setup: []ord{sell(1, 100, 5).by("alice"), buy(2, 99, 5).by("bob")},
			in:    replaceOf(1, 99, 5).by("bob"),
			want:  []string{"REJECTED 1 NOT_OWNER"},
			book:  "B 99x5/1 | A 100x5/1",
		},
		{
			name:  "unknown id is still UNKNOWN_ORDER, not NOT_OWNER",
			setup: []ord{sell(1, 100, 5).by("alice")},
			in:    cancelOf(2).by("mallory"),
			want:  []string{"REJECTED 2 UNKNOWN_ORDER"},
		},
		{
			name:   "exact policy: replace is UNSUPPORTED before ownership",
			policy: Exact,
			setup:  []ord{sell(1, 100, 5).by("alice")},
			in:     replaceOf(1, 100, 3).by("mallory"),
			want:   []string{"REJECTED 1 UNSUPPORTED"},
		},
		{
			name:   "exact policy: cancel by another trader",
			policy: Exact,
			setup:  []ord{sell(1, 100, 5).by("alice")},
			in:     cancelOf(1).by("mallory"),
			want:   []string{"REJECTED 1 NOT_OWNER"},
			book:   "B | A 100x5/1",
		},
	})
}

// TestOwnershipAnonymous: an order entered without trader_id may be
// amended by anyone; an owned order may not be amended anonymously.
func TestOwnershipAnonymous(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	var rec recorder
	anon := sell(1, 100, 5).order()
	anon.TraderID = ""
	b.Submit(anon, &rec)
	b.Submit(replaceOf(1, 100, 3).by("anyone").order(), &rec)
	owned := sell(2, 100, 5).by("alice").order()
	b.Submit(owned, &rec)
	c := cancelOf(2).order()
	c.TraderID = ""
	b.Submit(c, &rec)
	var got []string
	for _, o := range rec.take() {
		got = append(got, short(o))
	}
	want := "ACCEPTED 1 100x5 L5 F0|REPLACED 1 100x3 L3 F0|ACCEPTED 2 100x5 L5 F0|REJECTED 2 NOT_OWNER"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %s\nwant %s", strings.Join(got, "|"), want)
	}
	b.Submit(cancelOf(2).by("mallory").order(), &rec)
	if m := rec.take()[0].e.Message; !strings.Contains(m, "expected") || !strings.Contains(m, `received "mallory"`) || strings.Contains(m, "alice") {
		t.Errorf("NOT_OWNER message %q: must say expected and received, and must not reveal the owner", m)
	}
}

// TestCancelAllAndSnapshotInstrument: a book restored from a snapshot of
// an instrument the reference no longer has can be rebuilt from the
// snapshot alone, and CancelAll reports every resting order once, in
// priority order, with the reason.
func TestCancelAllAndSnapshotInstrument(t *testing.T) {
	b := New(testInst, PriceTime, 4)
	for _, o := range []ord{buy(1, 99, 2).at(5), buy(2, 98, 1).at(6), buy(3, 99, 4).at(7), sell(4, 101, 3).at(8).expires(50), sell(5, 100, 1).by("x").at(9)} {
		b.Submit(o.order(), nil)
	}
	b.Submit(buy(6, 100, 1).at(10).order(), nil) // one trade: seq 1
	snap := b.Snapshot(nil)

	in, err := SnapshotInstrument(snap)
	if err != nil || in.Symbol != testInst.Symbol || in.TickSize != testInst.TickSize || in.LotSize != testInst.LotSize {
		t.Fatalf("SnapshotInstrument = %+v, %v", in, err)
	}
	if _, err := SnapshotInstrument(snap[:len(snap)-1]); err == nil {
		t.Error("SnapshotInstrument accepted a truncated snapshot")
	}
	r := New(in, PriceTime, 4)
	if err := r.Restore(snap); err != nil {
		t.Fatal(err)
	}
	var rec recorder
	r.CancelAll(record.ReasonInstrumentRemoved, "gone", &rec)
	var got []string
	for _, o := range rec.take() {
		if o.e.Type != record.Cancelled || o.e.Reason != record.ReasonInstrumentRemoved || o.e.Message != "gone" || o.e.Time != 10 {
			t.Errorf("event %s", o)
		}
		got = append(got, short(o))
	}
	want := "CANCELLED 1 99x2 L0 F0|CANCELLED 3 99x4 L0 F0|CANCELLED 2 98x1 L0 F0|CANCELLED 4 101x3 L0 F0"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %s\nwant %s", strings.Join(got, "|"), want)
	}
	if r.Len() != 0 || bookString(r) != "B | A" || r.TradeSeq() != 1 || r.Clock() != 10 {
		t.Fatalf("after CancelAll: len %d book %q seq %d clock %d", r.Len(), bookString(r), r.TradeSeq(), r.Clock())
	}
	if err := checkInvariants(r); err != nil {
		t.Fatal(err)
	}
	r.Submit(sell(7, 100, 1).at(11).expires(12).order(), nil) // the heap still works
	r.Submit(buy(8, 90, 1).at(20).order(), &rec)
	if outs := rec.take(); len(outs) != 2 || outs[0].e.Type != record.Expired {
		t.Fatalf("expiry after CancelAll: %v", outs)
	}

	// Reinstrument: only an empty book, only the same symbol.
	changed := testInst
	changed.TickSize = record.MustFixed("0.10")
	if b.Reinstrument(changed) {
		t.Error("Reinstrument changed a book with resting orders")
	}
	e := New(testInst, PriceTime, 4)
	if other := changed; func() bool { other.Symbol = "OTHER"; return e.Reinstrument(other) }() {
		t.Error("Reinstrument accepted another symbol")
	}
	if !e.Reinstrument(changed) || e.Instrument().TickSize != changed.TickSize {
		t.Error("Reinstrument refused an empty book")
	}
}
