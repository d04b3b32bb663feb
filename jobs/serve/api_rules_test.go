package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/record"
	"github.com/twmb/franz-go/pkg/kgo"
)

type reportJSON struct {
	Type       string `json:"type"`
	OrderID    uint64 `json:"order_id"`
	Instrument string `json:"instrument"`
	TraderID   string `json:"trader_id"`
	Reason     string `json:"reason"`
}

// reports reads n "order" events from c.
func reports(t *testing.T, c *sseClient, n int) []reportJSON {
	t.Helper()
	var out []reportJSON
	for _, e := range collect(t, c, n, func(e sseEvent) bool { return e.Event == "order" }) {
		if e.Event != "order" {
			continue
		}
		var r reportJSON
		if err := json.Unmarshal([]byte(e.Data), &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// massCancelled checks that rs are exactly one CANCELLED MASS_CANCEL report
// of trader for each of ids, in any order.
func massCancelled(t *testing.T, what string, rs []reportJSON, trader string, ids ...uint64) {
	t.Helper()
	var got []uint64
	for _, r := range rs {
		if r.Type != "CANCELLED" || r.Reason != record.ReasonMassCancel || r.TraderID != trader {
			t.Errorf("%s: report %+v, want CANCELLED %s of %s", what, r, record.ReasonMassCancel, trader)
		}
		got = append(got, r.OrderID)
	}
	slices.Sort(got)
	ids = slices.Clone(ids)
	slices.Sort(ids)
	if !slices.Equal(got, ids) {
		t.Errorf("%s: cancelled %v, want %v", what, got, ids)
	}
}

// TestCancelAllOnBroker: the kill switch through serve and the match job
// on one broker. One side of one instrument first, then every instrument:
// each of the caller's resting orders gets a CANCELLED MASS_CANCEL report,
// across instruments on different partitions, and nothing of another
// trader's is touched. The orders topic holds one CANCEL_ALL per
// instrument, keyed by it.
func TestCancelAllOnBroker(t *testing.T) {
	x := startExchange(t)
	alice := openStream(t, x.url+"/api/stream?kinds=orders", x.alice, "")
	tcsBuy := x.place(t, x.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3400}`)
	tcsSell := x.place(t, x.alice, `{"instrument":"TCS","txn_type":"SELL","quantity":5,"price":3600}`)
	infyBuy := x.place(t, x.alice, `{"instrument":"INFY","txn_type":"BUY","quantity":2,"price":1400}`)
	rilSell := x.place(t, x.alice, `{"instrument":"RIL","txn_type":"SELL","quantity":1,"price":2600}`)
	bobBuy := x.place(t, x.bob, `{"instrument":"TCS","txn_type":"BUY","quantity":3,"price":3400}`)
	for _, r := range reports(t, alice, 4) {
		if r.Type != "ACCEPTED" {
			t.Fatalf("alice's order: %+v, want ACCEPTED", r)
		}
	}

	var a cancelAllAnswer
	if code := x.call(t, "DELETE", "/api/orders?instrument=TCS&side=SELL", x.alice, "", &a); code != 202 || len(a.Sent) != 1 {
		t.Fatalf("cancel-all TCS SELL: %d %+v", code, a)
	}
	sent := a.Sent
	massCancelled(t, "TCS SELL", reports(t, alice, 1), "alice", tcsSell)

	a = cancelAllAnswer{}
	if code := x.call(t, "DELETE", "/api/orders", x.alice, "", &a); code != 202 || len(a.Sent) != 4 {
		t.Fatalf("cancel-all: %d %+v", code, a)
	}
	sent = append(sent, a.Sent...)
	massCancelled(t, "every instrument", reports(t, alice, 3), "alice", tcsBuy, infyBuy, rilSell)

	var open struct{ Orders []orderJSON }
	waitFor(t, "alice's orders all closed in the view", func() bool {
		x.call(t, "GET", "/api/orders?open=true", x.alice, "", &open)
		return len(open.Orders) == 0
	})
	var bobs orderJSON
	if code := x.call(t, "GET", fmt.Sprint("/api/orders/", bobBuy), x.bob, "", &bobs); code != 200 || !bobs.Open || bobs.Leaves != num(3e8) {
		t.Errorf("bob's order after alice's kill switch: %d %+v", code, bobs)
	}
	waitFor(t, "TCS bids: bob's 3 only", func() bool {
		var b struct{ Bids, Asks []levelJSON }
		x.call(t, "GET", "/api/instruments/TCS/book", x.bob, "", &b)
		return len(b.Bids) == 1 && b.Bids[0].Quantity == num(3e8) && len(b.Asks) == 0
	})

	var mu sync.Mutex
	got := map[uint64]string{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := kafka.ReadAll(ctx, x.kcfg, x.topics.Orders, func(r *kgo.Record) {
		var o record.Order
		if err := record.DecodeOrder(r.Value, &o); err != nil {
			t.Errorf("orders topic: %q: %v", r.Value, err)
			return
		}
		if o.Action != record.CancelAll {
			return
		}
		if string(r.Key) != o.Instrument || o.TraderID != "alice" {
			t.Errorf("CANCEL_ALL %q keyed %q, want its instrument and alice", r.Value, r.Key)
		}
		mu.Lock()
		side := "both"
		if o.Side != 0 {
			side = o.Side.String()
		}
		got[o.ID] = o.Instrument + " " + side
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	want := map[uint64]string{}
	for i, s := range sent {
		side := "both"
		if i == 0 {
			side = "SELL"
		}
		want[s.ID] = s.Instrument + " " + side
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CANCEL_ALL records on the orders topic %v, want %v", got, want)
	}
}

// sessionAroundNoon is a --session in which the wall clock is mid-session
// for hours: a UTC offset that puts now at about 12:00 local, continuous
// trading from 00:03 to 23:59 local.
func sessionAroundNoon(now time.Time) string {
	m := 12*60 - (now.UTC().Hour()*60 + now.UTC().Minute()) // -11:59 .. +12:00
	sign := "+"
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("00:01-00:02/00:03-23:59@%s%02d:%02d", sign, m/60, m%60)
}

// TestStatusOnBroker: the phase TCS's first order finds, then a
// volatility halt, reach serve through the status topic: "status" events
// on the stream and the phase HALTED in GET /api/instruments.
func TestStatusOnBroker(t *testing.T) {
	ins := record.DefaultInstruments()
	for i := range ins {
		if ins[i].Symbol == "TCS" {
			ins[i].HaltPct, ins[i].HaltFor = record.One, 300 // 1 % from 3500, for five minutes
		}
	}
	x := startExchangeWith(t, ins, sessionAroundNoon(time.Now()))
	st := openStream(t, x.url+"/api/stream?kinds=status", x.bob, "")
	x.place(t, x.alice, `{"instrument":"TCS","txn_type":"SELL","quantity":1,"price":3600}`)
	x.place(t, x.bob, `{"instrument":"TCS","txn_type":"BUY","quantity":1,"price":3600}`)
	// TCS's first order reports the phase it finds, then its trade halts it.
	var s struct{ Instrument, Phase, Time string }
	for _, want := range []string{"CONTINUOUS", "HALTED"} {
		e := st.next(t, 30*time.Second)
		if err := json.Unmarshal([]byte(e.Data), &s); err != nil || e.Event != "status" || s.Instrument != "TCS" || s.Phase != want {
			t.Fatalf("stream: %+v (%v), want a TCS %s status event", e, err, want)
		}
	}
	var list struct{ Instruments []instrumentJSON }
	x.call(t, "GET", "/api/instruments", x.bob, "", &list)
	var phases []string
	for _, in := range list.Instruments {
		if in.Phase != "" {
			phases = append(phases, in.Symbol+" "+in.Phase+" "+string(record.AppendTime(nil, int64(*in.PhaseSince))))
		}
	}
	if want := "TCS HALTED " + s.Time; strings.Join(phases, ",") != want {
		t.Fatalf("instruments' phases %v, want %s", phases, want)
	}
}
