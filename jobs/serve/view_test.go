package serve

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
)

func testInstruments(t testing.TB) *record.Instruments {
	t.Helper()
	ins, err := record.NewInstruments(record.DefaultInstruments())
	if err != nil {
		t.Fatal(err)
	}
	return ins
}

// viewHandler feeds a book's output to a View, re-encoding every record
// to JSON and decoding it back, as the server does with topic records.
type viewHandler struct {
	t *testing.T
	v *View
}

func (h viewHandler) Trade(tr *record.Trade) {
	var got record.Trade
	if err := record.DecodeTrade(record.AppendTradeJSON(nil, tr), &got); err != nil {
		h.t.Fatal(err)
	}
	h.v.ApplyTrade(&got)
}

func (h viewHandler) Event(e *record.Event) {
	var got record.Event
	if err := record.DecodeEvent(record.AppendEventJSON(nil, e), &got); err != nil {
		h.t.Fatal(err)
	}
	h.v.ApplyEvent(&got)
}

// TestViewDepthMatchesBook drives the real order book with random orders
// of every kind (LIMIT/MARKET, GTC/IOC/FOK, cancels, replaces, expiries)
// and checks that the depth rebuilt from the execution reports equals the
// book's own depth after every order, and that every order state agrees.
func TestViewDepthMatchesBook(t *testing.T) {
	ins := testInstruments(t)
	tcs, _ := ins.Lookup("TCS")
	for seed := uint64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 7))
			b := book.New(*tcs, book.PriceTime, 64)
			v := NewView(ins, Limits{Trades: 100, Series: 10, Orders: 10_000})
			h := viewHandler{t, v}
			var ids []uint64
			clock := int64(1_700_000_000_000)
			for i := 0; i < 2000; i++ {
				clock += int64(r.IntN(50))
				o := record.Order{ID: uint64(i + 1), Instrument: "TCS", Time: clock, TraderID: fmt.Sprint("T", r.IntN(5))}
				switch x := r.IntN(20); {
				case x < 3 && len(ids) > 0:
					o.Action = record.Cancel
					o.ID = ids[r.IntN(len(ids))]
				case x < 5 && len(ids) > 0:
					o.Action = record.Replace
					o.ID = ids[r.IntN(len(ids))]
					o.Side = record.Buy
					o.Price = record.Fixed(3490+r.IntN(20)) * record.One
					if r.IntN(2) == 0 {
						o.Quantity = record.Fixed(1+r.IntN(10)) * record.One
					}
				default:
					o.Side = record.Side(1 + r.IntN(2))
					o.Quantity = record.Fixed(1+r.IntN(10)) * record.One
					o.Price = record.Fixed(3490+r.IntN(20)) * record.One
					switch r.IntN(10) {
					case 0:
						o.Type, o.Price = record.Market, 0
					case 1:
						o.TIF = record.IOC
					case 2:
						o.TIF = record.FOK
					case 3:
						o.ExpiresAt = clock + int64(r.IntN(500))
					}
					ids = append(ids, o.ID)
				}
				if err := ins.Validate(&o); err != nil {
					t.Fatal(err)
				}
				b.Submit(&o, h)
				checkDepth(t, i, v, b)
			}
			// every resting order of the book is open in the view with the
			// same leaves; every other order id is finished.
			for _, id := range ids {
				st, ok := v.Order(id)
				side, ticks, lots, resting := b.Resting(id)
				if resting {
					if !ok || !st.Open() || st.Leaves != record.Fixed(lots)*tcs.LotSize ||
						st.Price != record.Fixed(ticks)*tcs.TickSize || st.Side != side {
						t.Fatalf("order %d rests in the book (%s %d lots at %d ticks), view has %+v", id, side, lots, ticks, st)
					}
				} else if ok && st.Open() {
					t.Fatalf("order %d is not in the book but open in the view: %+v", id, st)
				}
			}
		})
	}
}

func checkDepth(t *testing.T, step int, v *View, b *book.Book) {
	t.Helper()
	in := b.Instrument()
	bids, asks := v.Depth("TCS", 0)
	for _, side := range []struct {
		s   record.Side
		got []Level
	}{{record.Buy, bids}, {record.Sell, asks}} {
		want := b.Depth(side.s, 1<<30, nil)
		if len(want) != len(side.got) {
			t.Fatalf("step %d %s: view has %d levels %v, book %d %v", step, side.s, len(side.got), side.got, len(want), want)
		}
		for i, w := range want {
			g := side.got[i]
			if g.Price != record.Fixed(w.Ticks)*in.TickSize || g.Quantity != record.Fixed(w.Lots)*in.LotSize || g.Orders != w.Orders {
				t.Fatalf("step %d %s level %d: view %+v, book %+v", step, side.s, i, g, w)
			}
		}
	}
}

func ev(typ record.EventType, id uint64, trader string, side record.Side, price, qty, leaves, filled int64) *record.Event {
	return &record.Event{Type: typ, OrderID: id, Instrument: "TCS", TraderID: trader, Side: side,
		Price: record.Fixed(price) * record.One, Quantity: record.Fixed(qty) * record.One,
		Leaves: record.Fixed(leaves) * record.One, Filled: record.Fixed(filled) * record.One, Time: int64(id)}
}

func TestViewOrderStates(t *testing.T) {
	v := NewView(testInstruments(t), Limits{Trades: 10, Series: 10, Orders: 2})
	v.Submitted(&record.Order{ID: 1, Instrument: "TCS", Side: record.Buy, Price: 10 * record.One, Quantity: 5 * record.One, TraderID: "A"})
	if st, _ := v.Order(1); st.Status != StatusPending || !st.Open() {
		t.Fatalf("submitted order: %+v, want PENDING and open", st)
	}
	v.ApplyEvent(ev(record.Accepted, 1, "A", record.Buy, 10, 5, 5, 0))
	v.ApplyEvent(ev(record.PartialFill, 1, "A", record.Buy, 10, 2, 3, 2))
	st, _ := v.Order(1)
	if st.Status != "PARTIAL_FILL" || st.Leaves != 3*record.One || st.Filled != 2*record.One || st.Price != 10*record.One || st.Quantity != 5*record.One {
		t.Fatalf("after partial fill: %+v", st)
	}
	if bids, _ := v.Depth("TCS", 0); len(bids) != 1 || bids[0].Quantity != 3*record.One {
		t.Fatalf("bids %+v, want 3 at 10", bids)
	}
	// a rejected cancel of another order id does not touch order 1; a
	// rejected duplicate NEW with id 1 keeps its state but records the reason.
	v.ApplyEvent(&record.Event{Type: record.Rejected, OrderID: 1, Instrument: "TCS", TraderID: "A", Reason: record.ReasonDuplicateID, Message: "dup"})
	if st, _ := v.Order(1); st.Status != "PARTIAL_FILL" || st.Reason != record.ReasonDuplicateID {
		t.Fatalf("after a reject about an open order: %+v", st)
	}
	v.ApplyEvent(ev(record.Replaced, 1, "A", record.Buy, 11, 4, 4, 2))
	bids, _ := v.Depth("TCS", 0)
	if len(bids) != 1 || bids[0].Price != 11*record.One || bids[0].Quantity != 4*record.One {
		t.Fatalf("after replace: bids %+v, want 4 at 11", bids)
	}
	v.ApplyEvent(ev(record.Cancelled, 1, "A", record.Buy, 11, 4, 0, 2))
	if bids, _ := v.Depth("TCS", 0); len(bids) != 0 {
		t.Fatalf("after cancel: bids %+v, want none", bids)
	}
	// a REJECTED new order of trader B; then more finished orders of A push
	// order 1 out (limit 2 finished per trader).
	v.ApplyEvent(&record.Event{Type: record.Rejected, OrderID: 9, Instrument: "TCS", TraderID: "B", Reason: record.ReasonOffTick, Message: "price: expected a multiple"})
	if got := v.Orders("B", ""); len(got) != 1 || got[0].Status != "REJECTED" || got[0].Reason != record.ReasonOffTick {
		t.Fatalf("orders of B: %+v", got)
	}
	v.ApplyEvent(ev(record.Accepted, 2, "A", record.Sell, 12, 1, 1, 0)) // stays open
	v.ApplyEvent(ev(record.Accepted, 3, "A", record.Sell, 12, 1, 1, 0))
	v.ApplyEvent(ev(record.Fill, 3, "A", record.Sell, 12, 1, 0, 1))
	v.ApplyEvent(ev(record.Accepted, 4, "A", record.Sell, 12, 1, 1, 0))
	v.ApplyEvent(ev(record.Expired, 4, "A", record.Sell, 12, 1, 0, 0))
	var ids []uint64
	for _, o := range v.Orders("A", "TCS") {
		ids = append(ids, o.OrderID)
	}
	if fmt.Sprint(ids) != "[2 3 4]" {
		t.Fatalf("orders of A = %v, want [2 3 4] (open 2, newest finished 3 and 4)", ids)
	}
	if len(v.Orders("A", "INFY")) != 0 {
		t.Fatal("instrument filter ignored")
	}
	if _, asks := v.Depth("TCS", 0); len(asks) != 1 || asks[0].Orders != 1 || asks[0].Quantity != record.One {
		t.Fatalf("asks %+v, want order 2 only", asks)
	}
}

func TestViewSeriesAndTopProfit(t *testing.T) {
	v := NewView(testInstruments(t), Limits{Trades: 3, Series: 2, Orders: 10})
	for i := 1; i <= 5; i++ {
		v.ApplyTrade(&record.Trade{TradeID: uint64(i), Instrument: "INFY", Price: record.Fixed(i) * record.One, Quantity: record.One, Time: int64(i)})
	}
	tr := v.Trades("INFY", 0)
	if len(tr) != 3 || tr[0].TradeID != 3 || tr[2].TradeID != 5 {
		t.Fatalf("trades %+v, want 3..5", tr)
	}
	if tr := v.Trades("INFY", 1); len(tr) != 1 || tr[0].TradeID != 5 {
		t.Fatalf("last trade %+v", tr)
	}
	var info InstrumentInfo
	for _, in := range v.Instruments() {
		if in.Symbol == "INFY" {
			info = in
		}
	}
	if info.LastPrice != 5*record.One || info.TradeCount != 5 || info.Volume != 5*record.One || !info.Listed {
		t.Fatalf("INFY info %+v", info)
	}
	v.ApplyBar(&record.Bar{Instrument: "INFY", Start: 0, End: 60, Close: record.One})
	v.ApplyBar(&record.Bar{Instrument: "INFY", Start: 0, End: 60, Close: 2 * record.One}) // replaces
	v.ApplyBar(&record.Bar{Instrument: "INFY", Start: 60, End: 120, Close: 3 * record.One})
	if b := v.Bars("INFY", 0); len(b) != 2 || b[0].Close != 2*record.One || b[1].Start != 60 {
		t.Fatalf("bars %+v", b)
	}
	v.ApplySMA(&record.SMA{Instrument: "INFY", WindowStart: 0, WindowEnd: 300, SMA: record.One})
	if s := v.SMAs("INFY", 5); len(s) != 1 || s[0].SMA != record.One {
		t.Fatalf("sma %+v", s)
	}
	for i, p := range []record.Profit{
		{Instrument: "INFY", WindowStart: 0, WindowEnd: 300, Profit: 5, Rank: 1},
		{Instrument: "TCS", WindowStart: 0, WindowEnd: 300, Profit: 2, Rank: 2},
		{Instrument: "TCS", WindowStart: 60, WindowEnd: 360, Profit: 9, Rank: 1},
		{Instrument: "RIL", WindowStart: 120, WindowEnd: 420, Profit: 1, Rank: 1},
		{Instrument: "ONGC", WindowStart: 60, WindowEnd: 360, Profit: 10, Rank: 1}, // revised window
	} {
		v.ApplyProfit(&p)
		_ = i
	}
	top := v.TopProfit(0)
	if len(top) != 2 || top[0].Instrument != "RIL" || top[1].Instrument != "ONGC" {
		t.Fatalf("top profit %+v, want RIL (latest window) then ONGC (kept 2)", top)
	}
	if p := v.Profits("TCS", 0); len(p) != 2 || p[1].WindowStart != 60 {
		t.Fatalf("TCS profit %+v", p)
	}
	if v.Known("XYZ") || v.Trades("XYZ", 0) != nil {
		t.Fatal("unknown instrument has data")
	}
	v.ApplyTrade(&record.Trade{TradeID: 1, Instrument: "XYZ", Price: record.One, Quantity: record.One})
	if !v.Known("XYZ") {
		t.Fatal("instrument seen in a trade is not known")
	}
}
