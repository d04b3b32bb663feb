package serve

import (
	"fmt"
	"math/rand/v2"
	"slices"
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

func (h viewHandler) Emit(r record.Record) {
	switch r := r.(type) {
	case *record.Trade:
		h.trade(r)
	case *record.Event:
		h.event(r)
	}
}

func (h viewHandler) trade(tr *record.Trade) {
	var got record.Trade
	if err := record.DecodeTrade(record.AppendTradeJSON(nil, tr), &got); err != nil {
		h.t.Fatal(err)
	}
	h.v.ApplyTrade(&got)
}

func (h viewHandler) event(e *record.Event) {
	var got record.Event
	if err := record.DecodeEvent(record.AppendEventJSON(nil, e), &got); err != nil {
		h.t.Fatal(err)
	}
	h.v.ApplyEvent(&got)
}

// TestViewDepthMatchesBook drives the real order book with random orders
// of every kind (LIMIT/MARKET, GTC/IOC/FOK, cancels, replaces, expiries),
// feeds the view a book feed made from the book's own depth (testFeed) with
// updates lost at random (forced gaps) and snapshots now and then, and
// checks after every order that the view's depth equals the book's once
// a snapshot has closed any gap, and that every order state agrees.
func TestViewDepthMatchesBook(t *testing.T) {
	ins := testInstruments(t)
	tcs, _ := ins.Lookup("TCS")
	for seed := uint64(1); seed <= 10; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			t.Logf("seed %d", seed)
			r := rand.New(rand.NewPCG(seed, 7))
			b := book.New(*tcs, book.PriceTime, 64)
			v := NewView(ins, Limits{Trades: 100, Series: 10, Orders: 10_000})
			h := viewHandler{t, v}
			feed := &testFeed{b: b}
			var ids []uint64
			clock := int64(1_700_000_000_000)
			gaps, resyncs, checked := 0, 0, 0
			var given uint64
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
				u, changed := feed.next()
				lost := changed && r.IntN(25) == 0
				if changed && !lost {
					v.ApplyBookUpdate(roundTripUpdate(t, &u))
					given = u.Seq
				}
				if lost {
					gaps++
				}
				if r.IntN(40) == 0 {
					snap := feed.snapshot()
					if v.ApplyBookSnapshot(roundTripSnapshot(t, &snap)) == BookResynced {
						resyncs++
					}
				}
				// in sync: as of the newest update given (the updates lost
				// after it are not known to be missing yet).
				if d := v.Depth("TCS", 0); d.Synced {
					if d.Seq < given {
						t.Fatalf("step %d: view in sync at seq %d, but update %d was given", i, d.Seq, given)
					}
					if d.Seq == feed.seq {
						checkDepth(t, i, d, b)
						checked++
					}
				}
			}
			// a final snapshot always brings the view in sync.
			snap := feed.snapshot()
			v.ApplyBookSnapshot(&snap)
			d := v.Depth("TCS", 0)
			if !d.Synced || d.Seq != feed.seq {
				t.Fatalf("after the last snapshot: synced %v at %d, want the feed's %d", d.Synced, d.Seq, feed.seq)
			}
			checkDepth(t, -1, d, b)
			if gaps == 0 || resyncs == 0 || checked < 500 {
				t.Fatalf("%d gaps, %d resyncs, %d depths checked: the test did not exercise the join protocol", gaps, resyncs, checked)
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

// testFeed is a deliberately naive book feed: after each order it diffs
// the book's whole depth against the previous one (bids then asks, best
// first) and numbers the update; a snapshot holds every level.
type testFeed struct {
	b    *book.Book
	seq  uint64
	prev [2]map[record.Fixed]record.BookLevel
}

func (f *testFeed) depth() [2]map[record.Fixed]record.BookLevel {
	in := f.b.Instrument()
	var out [2]map[record.Fixed]record.BookLevel
	for i, side := range []record.Side{record.Buy, record.Sell} {
		out[i] = map[record.Fixed]record.BookLevel{}
		for _, l := range f.b.Depth(side, 1<<30, nil) {
			p := record.Fixed(l.Ticks) * in.TickSize
			out[i][p] = record.BookLevel{Side: side, Price: p, Quantity: record.Fixed(l.Lots) * in.LotSize, Orders: int64(l.Orders)}
		}
	}
	return out
}

func (f *testFeed) next() (record.BookUpdate, bool) {
	cur := f.depth()
	u := record.BookUpdate{Instrument: "TCS", Time: f.b.Clock()}
	for i, side := range []record.Side{record.Buy, record.Sell} {
		var ps []record.Fixed
		for p, l := range cur[i] {
			if old, ok := f.prev[i][p]; !ok || old != l {
				ps = append(ps, p)
			}
		}
		for p := range f.prev[i] {
			if _, ok := cur[i][p]; !ok {
				ps = append(ps, p)
			}
		}
		slices.Sort(ps)
		for _, p := range ps {
			l, ok := cur[i][p]
			if !ok {
				l = record.BookLevel{Side: side, Price: p}
			}
			u.Levels = append(u.Levels, l)
		}
	}
	f.prev = cur
	if len(u.Levels) == 0 {
		return u, false
	}
	f.seq++
	u.Seq = f.seq
	return u, true
}

func (f *testFeed) snapshot() record.BookSnapshot {
	s := record.BookSnapshot{Instrument: "TCS", Seq: f.seq, Time: f.b.Clock()}
	in := f.b.Instrument()
	for i, side := range []record.Side{record.Buy, record.Sell} {
		for _, l := range f.b.Depth(side, 1<<30, nil) {
			bl := record.BookLevel{Price: record.Fixed(l.Ticks) * in.TickSize, Quantity: record.Fixed(l.Lots) * in.LotSize, Orders: int64(l.Orders)}
			if i == 0 {
				s.Bids = append(s.Bids, bl)
			} else {
				s.Asks = append(s.Asks, bl)
			}
		}
	}
	return s
}

func roundTripUpdate(t *testing.T, u *record.BookUpdate) *record.BookUpdate {
	var got record.BookUpdate
	if err := record.DecodeBookUpdate(record.AppendBookUpdateJSON(nil, u), &got); err != nil {
		t.Fatal(err)
	}
	return &got
}

func roundTripSnapshot(t *testing.T, s *record.BookSnapshot) *record.BookSnapshot {
	var got record.BookSnapshot
	if err := record.DecodeBookSnapshot(record.AppendBookSnapshotJSON(nil, s), &got); err != nil {
		t.Fatal(err)
	}
	return &got
}

func checkDepth(t *testing.T, step int, d BookDepth, b *book.Book) {
	t.Helper()
	in := b.Instrument()
	for _, side := range []struct {
		s   record.Side
		got []Level
	}{{record.Buy, d.Bids}, {record.Sell, d.Asks}} {
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
	// a rejected cancel of another order id does not touch order 1; a
	// rejected duplicate NEW with id 1 keeps its state but records the reason.
	v.ApplyEvent(&record.Event{Type: record.Rejected, OrderID: 1, Instrument: "TCS", TraderID: "A", Reason: record.ReasonDuplicateID, Message: "dup"})
	if st, _ := v.Order(1); st.Status != "PARTIAL_FILL" || st.Reason != record.ReasonDuplicateID {
		t.Fatalf("after a reject about an open order: %+v", st)
	}
	v.ApplyEvent(ev(record.Replaced, 1, "A", record.Buy, 11, 4, 4, 2))
	if st, _ := v.Order(1); st.Price != 11*record.One || st.Leaves != 4*record.One {
		t.Fatalf("after replace: %+v, want 4 left at 11", st)
	}
	v.ApplyEvent(ev(record.Cancelled, 1, "A", record.Buy, 11, 4, 0, 2))
	if st, _ := v.Order(1); st.Open() {
		t.Fatalf("after cancel: %+v, want finished", st)
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
