package book

import (
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

func TestMassCancel(t *testing.T) {
	book := []ord{
		buy(1, 99, 2).by("ann"), buy(2, 100, 1).by("bob"), buy(3, 100, 4).by("ann"), buy(4, 98, 1).by("ann"),
		sell(5, 102, 10).iceberg(3).by("ann"), sell(6, 101, 1).by("bob"),
		buy(7, 0, 2).market().stopAt(103).by("ann"), sell(8, 90, 1).stopAt(95).by("ann"),
	}
	runRules(t, []ruleCase{
		{name: "every order of the trader, in priority order, stops last",
			setup: book,
			in:    cancelAllOf("ann", 0),
			want: []string{"CANCELLED 3 100x4 L0 F0 MASS_CANCEL", "CANCELLED 1 99x2 L0 F0 MASS_CANCEL", "CANCELLED 4 98x1 L0 F0 MASS_CANCEL",
				"CANCELLED 5 102x10 L0 F0 MASS_CANCEL", "CANCELLED 7 0x2 L0 F0 MASS_CANCEL", "CANCELLED 8 90x1 L0 F0 MASS_CANCEL"},
			book: "B 100x1/1 | A 101x1/1"},
		{name: "one side",
			setup: book,
			in:    cancelAllOf("ann", record.Sell),
			want:  []string{"CANCELLED 5 102x10 L0 F0 MASS_CANCEL", "CANCELLED 8 90x1 L0 F0 MASS_CANCEL"},
			book:  "B 100x5/2 99x2/1 98x1/1 | A 101x1/1"},
		{name: "nothing to cancel: no report",
			setup: book,
			in:    cancelAllOf("cy", 0),
			book:  "B 100x5/2 99x2/1 98x1/1 | A 101x1/1 102x3/1"},
		{name: "a bad side", in: cancelAllOf("ann", 3), want: []string{"REJECTED 0 BAD_FIELD"}},
	})
	b := New(testInst, PriceTime, 4)
	var rec leanRecorder
	b.Apply(&Order{Tag: 1, Action: MassCancel}, &rec)
	if len(rec.outs) != 1 || rec.outs[0].e.Reason != ReasonNoTrader || rec.outs[0].e.Reason.Code() != record.ReasonBadTraderID {
		t.Fatalf("CANCEL_ALL without a trader: %+v", rec.outs)
	}
}

func TestPriceBand(t *testing.T) {
	band := Rules{BandRef: 1000, BandBP: 50} // 995..1005
	runRules(t, []ruleCase{
		{name: "at the low edge", rules: band, in: buy(1, 995, 1), want: []string{"ACCEPTED 1 995x1 L1 F0"}},
		{name: "at the high edge", rules: band, in: sell(1, 1005, 1), want: []string{"ACCEPTED 1 1005x1 L1 F0"}},
		{name: "below", rules: band, in: buy(1, 994, 1), want: []string{"REJECTED 1 PRICE_BAND"}, book: "B | A"},
		{name: "above", rules: band, in: sell(1, 1006, 1), want: []string{"REJECTED 1 PRICE_BAND"}, book: "B | A"},
		{name: "a market order has no limit to check", rules: band, setup: []ord{sell(1, 1000, 1)}, in: buy(2, 0, 1).market(),
			want: []string{"ACCEPTED 2 0x1 L1 F0", "T1 1000x1 b2 s1 BUY", "FILL 2 1000x1 L0 F1 #1", "FILL 1 1000x1 L0 F1 #1"}},
		{name: "a STOP_LIMIT's limit is checked", rules: band, in: buy(1, 1010, 1).stopAt(1001), want: []string{"REJECTED 1 PRICE_BAND"}},
		{name: "a replace to a price outside", rules: band, setup: []ord{sell(1, 1000, 1).by("ann")}, in: replaceOf(1, 1006, 1).by("ann"),
			want: []string{"REJECTED 1 PRICE_BAND"}, book: "B | A 1000x1/1"},
		{name: "rounded inwards", rules: Rules{BandRef: 999, BandBP: 50}, in: buy(1, 994, 1), want: []string{"REJECTED 1 PRICE_BAND"}},
	})
}
