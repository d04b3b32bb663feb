package match

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/record"
	"github.com/bourse/bourse/pkg/stream"
)

// t0 is 2023-03-13T09:15:00Z, the time of the orders below.
var t0 = time.Date(2023, 3, 13, 9, 15, 0, 0, time.UTC).UnixMilli()

// orderJSON is one NEW LIMIT order; extra is appended inside the object.
func orderJSON(id uint64, sym, side string, qty int, price string, at int64, extra string) []byte {
	return []byte(fmt.Sprintf(`{"id": %d, "instrument": %q, "txn_type": %q, "quantity": %d, "price": %s, "order_timestamp": %q%s}`,
		id, sym, side, qty, price, string(record.AppendTime(nil, at)), extra))
}

func cancelJSON(id uint64, sym string, at int64, extra string) []byte {
	return []byte(fmt.Sprintf(`{"id": %d, "instrument": %q, "action": "CANCEL", "order_timestamp": %q%s}`,
		id, sym, string(record.AppendTime(nil, at)), extra))
}

// events runs recs through p and returns the events as
// "TYPE id [REASON]" lines and the full events.
func events(p *Processor, recs ...*stream.Record) ([]string, []record.Event) {
	var evs []record.Event
	em := &collect{evs: &evs}
	for _, r := range recs {
		p.Process(r, em)
	}
	return short(evs), evs
}

func short(evs []record.Event) []string {
	var s []string
	for _, e := range evs {
		l := fmt.Sprintf("%s %d", e.Type, e.OrderID)
		if e.Reason != "" {
			l += " " + e.Reason
		}
		s = append(s, l)
	}
	return s
}

func defaultIns(t *testing.T) *record.Instruments {
	t.Helper()
	ins, err := record.NewInstruments(record.DefaultInstruments())
	if err != nil {
		t.Fatal(err)
	}
	return ins
}

// TestKeys: a record keyed by another instrument, or keyless on a topic of
// several partitions, is REJECTED before it can reach (and split) a book;
// keyless records from a one-partition topic or a file are matched.
func TestKeys(t *testing.T) {
	tcs := orderJSON(1, "TCS", "BUY", 1, "3500", t0, "")
	for _, c := range []struct {
		name       string
		key        string
		partitions int32
		want       string
	}{
		{"keyed by its instrument, 6 partitions", "TCS", 6, "ACCEPTED 1"},
		{"keyed by its instrument, 1 partition", "TCS", 1, "ACCEPTED 1"},
		{"keyed by another instrument, 6 partitions", "INFY", 6, "REJECTED 1 KEY_MISMATCH"},
		{"keyed by another instrument, 1 partition", "INFY", 1, "REJECTED 1 KEY_MISMATCH"},
		{"keyed by garbage", "tcs\x00", 6, "REJECTED 1 KEY_MISMATCH"},
		{"keyless, 1 partition", "", 1, "ACCEPTED 1"},
		{"keyless, 6 partitions", "", 6, "REJECTED 1 KEY_MISSING"},
		{"keyless, file mode", "", 0, "ACCEPTED 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := NewProcessor(defaultIns(t), book.PriceTime)
			got, evs := events(p, &stream.Record{Key: []byte(c.key), Value: tcs, Partitions: c.partitions})
			if strings.Join(got, "|") != c.want {
				t.Fatalf("got %v, want %s", got, c.want)
			}
			if e := evs[0]; e.Type == record.Rejected {
				if !strings.Contains(e.Message, `expected the instrument "TCS"`) || e.Raw == "" || e.Instrument != "TCS" {
					t.Errorf("reject %+v", e)
				}
				if len(p.Books()) != 0 {
					t.Error("a mis-keyed order created a book")
				}
			}
		})
	}
	// An undecodable keyless record keeps its decoding reason.
	got, _ := events(NewProcessor(defaultIns(t), book.PriceTime), &stream.Record{Value: []byte("\x00\x01"), Partitions: 6})
	if len(got) != 1 || got[0] != "REJECTED 0 BAD_JSON" {
		t.Errorf("keyless garbage: %v", got)
	}
}

// TestClockSkew: an order stamped too far ahead of both the reference time
// and the instrument clock is REJECTED (CLOCK_SKEW), stamped with a sane
// time, and never moves the clock; later orders trade normally.
func TestClockSkew(t *testing.T) {
	const day = 24 * 3600 * 1000
	y9999 := time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC).UnixMilli()
	opt := Options{MaxClockSkew: day, Now: t0}
	for _, c := range []struct {
		name    string
		opt     Options
		setupAt int64 // 0: no order before (no instrument clock)
		recTime int64
		at      int64
		want    string
	}{
		{"file mode: year 9999, no clock", opt, 0, 0, y9999, "REJECTED 2 CLOCK_SKEW"},
		{"file mode: year 9999, clock", opt, t0, 0, y9999, "REJECTED 2 CLOCK_SKEW"},
		{"file mode: just within the skew", opt, t0, 0, t0 + day, "ACCEPTED 2"},
		{"file mode: just beyond the skew", opt, t0, 0, t0 + day + 1, "REJECTED 2 CLOCK_SKEW"},
		{"file mode: the past is fine", opt, t0, 0, t0 - 400*day, "ACCEPTED 2"},
		{"record time is the reference", Options{MaxClockSkew: day, Now: y9999}, 0, t0, t0 + 2*day, "REJECTED 2 CLOCK_SKEW"},
		{"record time: within the skew", Options{MaxClockSkew: day}, 0, t0 + 2*day, t0 + 2*day, "ACCEPTED 2"},
		{"ahead of the reference but near the instrument clock", opt, t0 + 3*day, 0, t0 + 3*day + 10, "ACCEPTED 2"},
		{"rule off (0)", Options{Now: t0}, 0, 0, y9999, "ACCEPTED 2"},
		{"no reference time at all", Options{MaxClockSkew: day}, 0, 0, y9999, "ACCEPTED 2"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := NewProcessorWith(defaultIns(t), book.PriceTime, c.opt)
			if c.setupAt != 0 {
				// Its record time keeps it within the skew: the instrument
				// may legitimately have a clock ahead of Now.
				events(p, &stream.Record{Value: orderJSON(1, "TCS", "SELL", 5, "3500", c.setupAt, ""), Time: c.setupAt})
			}
			clock := bookClock(p.Books()["TCS"])
			got, evs := events(p, &stream.Record{Value: orderJSON(2, "TCS", "BUY", 1, "3400", c.at, ""), Time: c.recTime})
			if strings.Join(got, "|") != c.want {
				t.Fatalf("got %v, want %s", got, c.want)
			}
			if evs[0].Type != record.Rejected {
				return
			}
			e := evs[0]
			ref := c.recTime
			if ref == 0 {
				ref = c.opt.Now
			}
			if want := clock; want == 0 && e.Time != ref || want != 0 && e.Time != want {
				t.Errorf("reject stamped %d, want the clock %d or the reference %d", e.Time, clock, ref)
			}
			for _, w := range []string{"expected at most", string(record.AppendTime(nil, ref)), "got " + string(record.AppendTime(nil, c.at))} {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message %q lacks %q", e.Message, w)
				}
			}
			if clock != 0 && !strings.Contains(e.Message, string(record.AppendTime(nil, clock))) {
				t.Errorf("message %q lacks the instrument clock", e.Message)
			}
			if got := bookClock(p.Books()["TCS"]); got != clock {
				t.Errorf("the rejected order moved the clock from %d to %d", clock, got)
			}
			// The instrument keeps trading at sane times.
			_, evs = events(p, &stream.Record{Value: orderJSON(3, "TCS", "BUY", 1, "3500", t0+5, "")})
			for _, e := range evs {
				if e.Time > t0+5*day {
					t.Errorf("a later event carries time %s", record.AppendTime(nil, e.Time))
				}
			}
		})
	}
}

// TestTraderIDAndOwnership: unprintable or overlong trader ids are
// REJECTED (BAD_TRADER_ID) without echoing them; CANCEL and REPLACE of
// another trader's order are REJECTED (NOT_OWNER); an order without
// trader_id stays open to anyone.
func TestTraderIDAndOwnership(t *testing.T) {
	tr := func(id string) string { b, _ := json.Marshal(id); return `, "trader_id": ` + string(b) }
	for _, c := range []struct {
		name  string
		setup [][]byte
		in    []byte
		want  string
	}{
		{"printable id", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("desk-7.alice@fx:2")), "ACCEPTED 1"},
		{"no id", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, ""), "ACCEPTED 1"},
		{"NUL", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("a\x00b")), "REJECTED 1 BAD_TRADER_ID"},
		{"newline", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("a\nb")), "REJECTED 1 BAD_TRADER_ID"},
		{"ANSI escape", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("\x1b[31mred")), "REJECTED 1 BAD_TRADER_ID"},
		{"space", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("a b")), "REJECTED 1 BAD_TRADER_ID"},
		{"65 bytes", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr(strings.Repeat("x", 65))), "REJECTED 1 BAD_TRADER_ID"},
		{"64 bytes", nil, orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr(strings.Repeat("x", 64))), "ACCEPTED 1"},
		{"bad id on a cancel", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("alice"))}, cancelJSON(1, "TCS", t0+1, tr("alice\r")), "REJECTED 1 BAD_TRADER_ID"},
		{"cancel by the owner", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("alice"))}, cancelJSON(1, "TCS", t0+1, tr("alice")), "CANCELLED 1"},
		{"cancel by another trader", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("alice"))}, cancelJSON(1, "TCS", t0+1, tr("mallory")), "REJECTED 1 NOT_OWNER"},
		{"anonymous cancel of an owned order", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("alice"))}, cancelJSON(1, "TCS", t0+1, ""), "REJECTED 1 NOT_OWNER"},
		{"cancel of an anonymous order", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, "")}, cancelJSON(1, "TCS", t0+1, tr("mallory")), "CANCELLED 1"},
		{"replace by another trader", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("alice"))},
			[]byte(fmt.Sprintf(`{"id": 1, "instrument": "TCS", "action": "REPLACE", "txn_type": "BUY", "price": 3600, "order_timestamp": %q, "trader_id": "mallory"}`, record.AppendTime(nil, t0+1))),
			"REJECTED 1 NOT_OWNER"},
		{"replace by the owner", [][]byte{orderJSON(1, "TCS", "BUY", 1, "3500", t0, tr("alice"))},
			[]byte(fmt.Sprintf(`{"id": 1, "instrument": "TCS", "action": "REPLACE", "txn_type": "BUY", "price": 3600, "order_timestamp": %q, "trader_id": "alice"}`, record.AppendTime(nil, t0+1))),
			"REPLACED 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := NewProcessor(defaultIns(t), book.PriceTime)
			for _, s := range c.setup {
				events(p, &stream.Record{Value: s})
			}
			got, evs := events(p, &stream.Record{Value: c.in})
			if strings.Join(got, "|") != c.want {
				t.Fatalf("got %v, want %s", got, c.want)
			}
			if e := evs[0]; e.Reason == record.ReasonBadTraderID {
				if e.TraderID != "" || e.Raw == "" || !strings.Contains(e.Message, "expected") || strings.ContainsAny(e.Message, "\x00\n\r\x1b") {
					t.Errorf("reject %+v", e)
				}
			}
		})
	}
}

// TestRemovedInstrument: a snapshot holding a book (with resting orders)
// of an instrument no longer in the reference restores; the next Process
// cancels those orders (INSTRUMENT_REMOVED) before anything else, new
// orders for it are UNKNOWN_INSTRUMENT, other instruments are untouched,
// and the cancels are reported exactly once.
func TestRemovedInstrument(t *testing.T) {
	all := defaultIns(t)
	var noTCS []record.Instrument
	for _, in := range record.DefaultInstruments() {
		if in.Symbol != "TCS" {
			noTCS = append(noTCS, in)
		}
	}
	without, _ := record.NewInstruments(noTCS)

	a := NewProcessor(all, book.PriceTime)
	events(a,
		&stream.Record{Value: orderJSON(1, "TCS", "BUY", 5, "3500", t0, "")},
		&stream.Record{Value: orderJSON(2, "TCS", "SELL", 3, "3510", t0+1, "")},
		&stream.Record{Value: orderJSON(3, "INFY", "SELL", 2, "1500", t0+2, "")},
	)
	snap := a.Snapshot(nil)

	for _, viaFlush := range []bool{false, true} {
		b := NewProcessor(without, book.PriceTime)
		if err := b.Restore(snap); err != nil {
			t.Fatalf("restore with TCS removed: %v", err)
		}
		var got []string
		var evs []record.Event
		if viaFlush {
			em := &collect{evs: &evs}
			b.Flush(em)
			got = short(evs)
		} else {
			got, evs = events(b,
				&stream.Record{Value: orderJSON(4, "INFY", "BUY", 2, "1500", t0+3, "")},
				&stream.Record{Value: orderJSON(5, "TCS", "BUY", 1, "3600", t0+4, "")},
			)
		}
		want := "CANCELLED 1 INSTRUMENT_REMOVED|CANCELLED 2 INSTRUMENT_REMOVED"
		if !viaFlush {
			want += "|ACCEPTED 4|FILL 4|FILL 3|REJECTED 5 UNKNOWN_INSTRUMENT"
		}
		if strings.Join(got, "|") != want {
			t.Fatalf("flush=%v: got %v\nwant %s", viaFlush, got, want)
		}
		if e := evs[0]; e.Instrument != "TCS" || e.Time != t0+1 || !strings.Contains(e.Message, "removed") || e.Quantity != 5*record.One || e.Leaves != 0 {
			t.Errorf("cancel %+v", e)
		}
		// Exactly once: neither a second call nor a restart repeats them.
		again, _ := events(b, &stream.Record{Value: orderJSON(6, "INFY", "BUY", 1, "1400", t0+5, "")})
		if strings.Join(again, "|") != "ACCEPTED 6" {
			t.Fatalf("second call: %v", again)
		}
		c := NewProcessor(without, book.PriceTime)
		if err := c.Restore(b.Snapshot(nil)); err != nil {
			t.Fatal(err)
		}
		var rest []record.Event
		c.Flush(&collect{evs: &rest})
		if len(rest) != 0 {
			t.Fatalf("cancels repeated after a restart: %v", short(rest))
		}
	}

	// Listed again: the book continues its trade ids.
	b := NewProcessor(without, book.PriceTime)
	_ = b.Restore(snap)
	b.Flush(record.Discard{})
	c := NewProcessor(all, book.PriceTime)
	if err := c.Restore(b.Snapshot(nil)); err != nil {
		t.Fatal(err)
	}
	var trades []record.Trade
	em := &collectTrades{trades: &trades}
	c.Process(&stream.Record{Value: orderJSON(7, "TCS", "SELL", 1, "3500", t0+10, "")}, em)
	c.Process(&stream.Record{Value: orderJSON(8, "TCS", "BUY", 1, "3500", t0+11, "")}, em)
	if len(trades) != 1 || trades[0].TradeID != a.Books()["TCS"].TradeSeq()+1 {
		t.Fatalf("trades after relisting %+v, want trade id %d", trades, a.Books()["TCS"].TradeSeq()+1)
	}
}

// TestChangedInstrument: a tick size change cancels the resting orders of
// the old size (INSTRUMENT_CHANGED); the book takes the new size and
// keeps its trade sequence.
func TestChangedInstrument(t *testing.T) {
	a := NewProcessor(defaultIns(t), book.PriceTime)
	events(a,
		&stream.Record{Value: orderJSON(1, "TCS", "SELL", 5, "3500.01", t0, "")},
		&stream.Record{Value: orderJSON(2, "TCS", "BUY", 1, "3500.01", t0+1, "")},
	)
	list := record.DefaultInstruments()
	for i := range list {
		if list[i].Symbol == "TCS" {
			list[i].TickSize = record.MustFixed("0.05")
		}
	}
	changed, _ := record.NewInstruments(list)
	b := NewProcessor(changed, book.PriceTime)
	if err := b.Restore(a.Snapshot(nil)); err != nil {
		t.Fatal(err)
	}
	got, evs := events(b,
		&stream.Record{Value: orderJSON(3, "TCS", "SELL", 1, "3500.05", t0+2, "")},
		&stream.Record{Value: orderJSON(4, "TCS", "BUY", 1, "3500.05", t0+3, "")},
		&stream.Record{Value: orderJSON(5, "TCS", "BUY", 1, "3500.01", t0+4, "")},
	)
	want := "CANCELLED 1 INSTRUMENT_CHANGED|ACCEPTED 3|ACCEPTED 4|FILL 4|FILL 3|REJECTED 5 OFF_TICK"
	if strings.Join(got, "|") != want {
		t.Fatalf("got %v\nwant %s", got, want)
	}
	if !strings.Contains(evs[0].Message, "0.01") || !strings.Contains(evs[0].Message, "0.05") {
		t.Errorf("message %q", evs[0].Message)
	}
	if evs[3].TradeID != 2 {
		t.Errorf("trade id %d after the change, want 2", evs[3].TradeID)
	}
}

type collectTrades struct {
	trades *[]record.Trade
}

func (c *collectTrades) Emit(r record.Record) {
	if tr, ok := r.(*record.Trade); ok {
		*c.trades = append(*c.trades, *tr)
	}
}

// TestRulesDoNotAllocate: the key, trader id and clock checks add no
// allocation to an order that passes them.
func TestRulesDoNotAllocate(t *testing.T) {
	p := NewProcessorWith(defaultIns(t), book.PriceTime, Options{MaxClockSkew: 24 * 3600 * 1000, Now: t0})
	n := &stream.Record{Key: []byte("TCS"), Partitions: 6, Time: t0, Value: orderJSON(1, "TCS", "BUY", 5, "3500", t0, `, "trader_id": "desk-7.alice@fx"`)}
	c := &stream.Record{Key: []byte("TCS"), Partitions: 6, Time: t0, Value: cancelJSON(1, "TCS", t0, `, "trader_id": "desk-7.alice@fx"`)}
	var em record.Discard
	for range 10 {
		p.Process(n, em)
		p.Process(c, em)
	}
	if a := testing.AllocsPerRun(200, func() { p.Process(n, em); p.Process(c, em) }); a != 0 {
		t.Errorf("%v allocations per NEW+CANCEL pair", a)
	}
}
