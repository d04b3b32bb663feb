package book

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/bourse/bourse/pkg/record"
)

var fuzzTraders = []string{"ann", "bob", "cat", "dan"}

// decodeOrders turns fuzz bytes into a policy and an order stream: 7 bytes
// an order, small id and price spaces so that orders meet each other.
func decodeOrders(data []byte) (Policy, []*record.Order) {
	if len(data) == 0 {
		return PriceTime, nil
	}
	policy := Policy(data[0] & 1)
	data = data[1:]
	var orders []*record.Order
	t := int64(1_000)
	for ; len(data) >= 7; data = data[7:] {
		orders = append(orders, decodeOrd(data[:7], &t).order())
	}
	return policy, orders
}

// decodeOrd decodes one order of 7 fuzz bytes, moving the clock t.
func decodeOrd(b []byte, t *int64) ord {
	s := ord{id: uint64(b[1]%24) + 1, side: record.Side(1 + (b[0]>>2)&1), trader: fuzzTraders[b[6]%4]}
	switch b[0] & 3 {
	case 0, 1:
		s.act = record.New
	case 2:
		s.act = record.Cancel
	case 3:
		s.act = record.Replace
	}
	if b[0]&8 != 0 && s.act == record.New {
		s.typ = record.Market
	}
	s.tif = record.TimeInForce((b[0] >> 4) & 3 % 3)
	s.ticks = 92 + int64(b[2]%17)
	switch {
	case b[2] == 255:
		s.ticks = 999_999_937
	case s.typ == record.Market || (s.act == record.Replace && b[2]%5 == 0):
		s.ticks = 0
	}
	s.lots = int64(b[3] % 9)
	if b[0]&128 != 0 {
		*t -= int64(b[4] % 8)
	} else {
		*t += int64(b[4] % 8)
	}
	s.time = *t
	if b[0]&64 != 0 {
		s.exp = *t + int64(b[5]%16) - 3
	}
	return s
}

// FuzzBook checks, after every order of a fuzz-decoded stream, the book's
// invariants and quantity conservation, and that it agrees with the naive
// reference; at the end, that a snapshot restores to the same state.
func FuzzBook(f *testing.F) {
	f.Add([]byte{0, 0, 1, 8, 5, 1, 0, 0, 4, 2, 8, 3, 1, 0, 1})
	f.Add([]byte{1, 0, 1, 8, 5, 1, 0, 0, 4, 2, 8, 5, 1, 0, 1, 2, 1, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 0x40, 1, 8, 5, 1, 2, 0, 0x24, 2, 8, 3, 5, 0, 1, 0x03, 1, 12, 7, 1, 0, 0, 0x0c, 3, 0, 9, 1, 0, 2})
	f.Add(bytes.Repeat([]byte{0x21, 3, 200, 4, 1, 9, 2, 0x04, 3, 201, 3, 1, 0, 1, 0x33, 5, 100, 8, 2, 7, 0}, 6))
	f.Fuzz(func(t *testing.T, data []byte) {
		policy, orders := decodeOrders(data)
		b := New(testInst, policy, 2)
		ref := newRef(testInst, policy)
		for i, o := range orders {
			got, err := checkConservation(b, o)
			if err != nil {
				t.Fatalf("order %d %+v: %v", i, *o, err)
			}
			if want := ref.submit(o); !sameOuts(got, want) {
				t.Fatalf("order %d %+v:\nbook:\n%sreference:\n%s", i, *o, dump(got), dump(want))
			}
			if err := checkInvariants(b); err != nil {
				t.Fatalf("after order %d %+v: %v", i, *o, err)
			}
			for _, side := range []record.Side{record.Buy, record.Sell} {
				if g, w := b.Depth(side, 1<<30, nil), ref.depth(side); fmt.Sprint(g) != fmt.Sprint(w) {
					t.Fatalf("after order %d: %s depth %v, reference %v", i, side, g, w)
				}
			}
		}
		snap := b.Snapshot(nil)
		c := New(testInst, policy, 2)
		if err := c.Restore(snap); err != nil {
			t.Fatalf("restore: %v", err)
		}
		if !bytes.Equal(c.Snapshot(nil), snap) {
			t.Fatal("restored snapshot differs")
		}
	})
}

// FuzzRestore feeds arbitrary bytes to Restore: it must return an error or
// a book that passes the invariants and whose snapshot restores to itself.
func FuzzRestore(f *testing.F) {
	_, snap := someSnapshot(f)
	f.Add(snap)
	rb := New(testInst, PriceTime, 4) // version 2: an iceberg, a pending stop, flags
	rb.Apply(sell(1, 101, 9).iceberg(2).by("ann").lean(1), nil)
	rb.Apply(buy(2, 99, 3).postOnly().stp(STPCancelBoth).at(5).expires(50).lean(2), nil)
	rb.Apply(buy(3, 0, 4).market().stopAt(102).ioc().lean(3), nil)
	rb.Apply(sell(4, 98, 1).stopAt(97).expires(60).lean(4), nil)
	f.Add(rb.Snapshot(nil))
	f.Add([]byte(snapMagic + "\x01"))
	for _, snap := range sessionSnapshots(f) {
		f.Add(snap)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b := restoreTarget(t, data)
		if err := b.Restore(data); err != nil {
			return
		}
		if err := checkInvariants(b); err != nil {
			t.Fatal(err)
		}
		again := b.Snapshot(nil)
		c := restoreTarget(t, again)
		if err := c.Restore(again); err != nil {
			t.Fatalf("re-encoded snapshot: %v", err)
		}
		if !bytes.Equal(c.Snapshot(nil), again) {
			t.Fatal("re-encoded snapshot does not round-trip")
		}
	})
}

// FuzzBookRules is FuzzBook with the rules, through Apply: the first byte
// sets the book's self-trade prevention mode and price band; each order
// is FuzzBook's 7 bytes and an eighth for its kind (stop, iceberg,
// post-only, both), own prevention mode, or a CANCEL_ALL. Bit 3 of the
// first byte gives the book a session around the stream's start (bit 4:
// the auction opens continuous trading; bit 5: halts 3% from 100 ticks
// for 7 ms, with bit 7 in a halt window of 20 ms), whose orders are DAY
// when their
// kind byte has bit 3 and no display, and whose clock jumps to the next
// day's pre-open when an order's fifth byte is 0xf0 or more. After each
// order: invariants (no crossed book outside PRE_OPEN), conservation, no
// self-trade with prevention on outside auctions, and agreement with the
// reference. Bit 6 of the first byte snapshots the book after each order
// and goes on with its restored copy.
func FuzzBookRules(f *testing.F) {
	f.Add([]byte{1, 0, 1, 8, 5, 1, 0, 0, 2, 4, 2, 8, 3, 1, 0, 1, 0})
	f.Add([]byte{3, 0x04, 3, 3, 9, 1, 0, 0, 6, 0x00, 4, 4, 6, 1, 0, 1, 1, 0x00, 5, 4, 6, 1, 0, 0, 0})
	f.Add(bytes.Repeat([]byte{0x21, 3, 200, 4, 1, 9, 2, 0x41, 0x04, 3, 201, 3, 1, 0, 1, 0x02, 0x33, 5, 100, 8, 2, 7, 0, 0xf0}, 5))
	f.Add(append([]byte{9}, bytes.Repeat([]byte{0x00, 1, 3, 4, 5, 1, 0, 8, 0x04, 2, 1, 3, 2, 0, 1, 0, 0x00, 3, 5, 2, 0xf3, 0, 2, 8, 0x03, 1, 7, 6, 2, 0, 1, 0}, 8)...))
	f.Add(append([]byte{0x29}, bytes.Repeat([]byte{0x00, 1, 5, 4, 2, 1, 0, 0, 0x04, 2, 0, 3, 2, 0, 1, 0, 0x00, 3, 16, 2, 3, 0, 2, 8, 0x04, 4, 16, 6, 2, 0, 1, 0}, 8)...))
	f.Add(append([]byte{0x19}, bytes.Repeat([]byte{0x00, 1, 3, 4, 7, 1, 0, 3, 0x04, 2, 1, 3, 7, 0, 1, 1, 0x00, 3, 5, 2, 0xf3, 0, 2, 8}, 8)...))
	f.Add(append([]byte{0x69}, bytes.Repeat([]byte{0x00, 1, 5, 4, 2, 1, 0, 0, 0x04, 2, 0, 3, 2, 0, 1, 0, 0x00, 3, 16, 2, 3, 0, 2, 8, 0x04, 4, 16, 6, 2, 0, 1, 0}, 8)...))
	f.Add(append([]byte{0x59}, bytes.Repeat([]byte{0x00, 1, 3, 4, 7, 1, 0, 3, 0x04, 2, 1, 3, 7, 0, 1, 1, 0x00, 3, 5, 2, 0xf3, 0, 2, 8}, 8)...))
	f.Add(append([]byte{0xa9}, bytes.Repeat([]byte{0x00, 1, 5, 4, 2, 1, 0, 0, 0x04, 2, 0, 3, 2, 0, 1, 0, 0x00, 3, 16, 2, 3, 0, 2, 8, 0x04, 4, 16, 6, 2, 0, 1, 0}, 8)...))
	f.Add(append([]byte{0xe9}, bytes.Repeat([]byte{0x00, 1, 5, 4, 7, 1, 0, 0, 0x04, 2, 9, 3, 6, 0, 1, 0, 0x00, 3, 13, 2, 7, 0, 2, 8, 0x04, 4, 1, 6, 5, 0, 1, 0}, 8)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		rules := Rules{STP: STPMode(data[0] & 3)}
		if data[0]&4 != 0 {
			rules.BandRef, rules.BandBP = 100, 500 // 95..105
		}
		var sess Session
		if data[0]&8 != 0 {
			sess = Session{PreOpen: 1_010, Auction: 1_060, Open: 1_080, Close: 1_150}
			if data[0]&16 != 0 {
				sess.Open = sess.Auction
			}
			if data[0]&32 != 0 {
				sess.Ref, sess.HaltBP, sess.HaltFor = 100, 300, 7
				if data[0]&128 != 0 {
					sess.HaltWindow = 20
				}
			}
		}
		roundTrips := data[0]&64 != 0
		b, ref := newRuled(t, rules, sess, 2)
		clock := int64(1_000)
		for i, data := 0, data[1:]; len(data) >= 8; i, data = i+1, data[8:] {
			if sess != (Session{}) && data[4] >= 0xf0 {
				clock += Day - 150
			}
			s := decodeOrd(data[:7], &clock)
			k := data[7]
			if sess != (Session{}) && k&8 != 0 && k&7 != 3 && s.tif == record.GTC {
				s.tif = DAY
			}
			switch k & 7 {
			case 1, 2:
				s.stop = 92 + int64(data[5]%17)
			case 3:
				s.display = int64(k>>3&3) + 1
			case 4:
				s.post = true
			case 5:
				s.display, s.post = 1, true
			}
			s.stpm = STPMode(k >> 5 & 3)
			if k&0xe0 == 0xe0 {
				s.act, s.side = MassCancel, record.Side(k>>3&3)
			}
			o := s.order()
			lo := leanOf(b, o, s, uint64(i+1))
			got, err := applyChecked(b, o, lo)
			if err != nil {
				t.Fatalf("order %d %+v: %v", i, *lo, err)
			}
			want := ref.submitRules(o, lo)
			for j := range want {
				want[j].e.Message = ""
			}
			if !sameOuts(got, want) {
				t.Fatalf("order %d %+v:\nbook:\n%sreference:\n%s", i, *lo, dump(got), dump(want))
			}
			if err := checkInvariants(b); err != nil {
				t.Fatalf("after order %d %+v: %v", i, *lo, err)
			}
			for _, side := range []record.Side{record.Buy, record.Sell} {
				if g, w := b.Depth(side, 1<<30, nil), ref.depth(side); fmt.Sprint(g) != fmt.Sprint(w) {
					t.Fatalf("after order %d: %s depth %v, reference %v", i, side, g, w)
				}
			}
			if roundTrips {
				b = roundTrip(t, b)
			}
		}
	})
}
