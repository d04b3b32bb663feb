package book

import (
	"fmt"

	"github.com/bourse/bourse/pkg/record"
)

// This file exports the reference matcher and the comparison helpers to
// the external tests (package book_test), which may import what imports
// book, such as pkg/flow.

// RefBook is the naive reference matcher (reference_test.go).
type RefBook = refBook

// Out is one report of a book or of the reference: a trade, an execution
// report or a phase change.
type Out = out

// NewRefBook is a price-time reference matcher for in with rules and the
// session sess (none when zero), as a Book given SetRules(rules) and
// SetSession(sess).
func NewRefBook(in record.Instrument, rules Rules, sess Session) *RefBook {
	r := newRef(in, PriceTime)
	r.rules = rules
	r.setSession(sess)
	return r
}

// Submit runs the validated wire order o through the reference as
// Book.Submit runs it, and returns its reports.
func (r *refBook) Submit(o *record.Order) []Out {
	x := &Order{Stop: o.StopTicks, Display: o.DisplayLots, STP: STPMode(o.STP), PostOnly: o.PostOnly}
	return append([]Out(nil), r.submitRules(o, x)...)
}

// Len is the number of resting orders, pending stops aside (Book.Len).
func (r *refBook) Len() int { return len(r.rest) }

// Stops is the number of pending stops.
func (r *refBook) Stops() int { return len(r.stops) }

// Depth is every level of side, best first, like Book.Depth.
func (r *refBook) Depth(side record.Side) []Level { return r.depth(side) }

// Recorder is a record.Emitter that keeps a copy of every trade,
// execution report and status Book.Submit emits, as Outs.
type Recorder struct{ Outs []Out }

// Emit copies x.
func (c *Recorder) Emit(x record.Record) {
	switch x := x.(type) {
	case *record.Trade:
		c.Outs = append(c.Outs, out{trade: true, t: *x})
	case *record.Event:
		c.Outs = append(c.Outs, out{e: *x})
	case *record.Status:
		c.Outs = append(c.Outs, out{status: true, s: Status{At: x.Time, Phase: phaseNamed(x.Phase)}})
	}
}

// Take returns the Outs kept and forgets them.
func (c *Recorder) Take() []Out {
	o := c.Outs
	c.Outs = nil
	return o
}

// phaseNamed is the Phase whose wire name is s (255 for none).
func phaseNamed(s string) Phase {
	for p, n := range phaseNames {
		if n == s {
			return Phase(p)
		}
	}
	return 255
}

// FirstDiff is the index of the first record in which the book's reports
// got and the reference's want differ, or -1 when they are the same. The
// reference builds no message for the rules' reject reasons: where its
// message is empty, the book's is not compared.
func FirstDiff(got, want []Out) int {
	for i := range max(len(got), len(want)) {
		if i >= len(got) || i >= len(want) {
			return i
		}
		g := got[i]
		if !g.trade && !g.status && want[i].e.Message == "" {
			g.e.Message = ""
		}
		if g != want[i] {
			return i
		}
	}
	return -1
}

// Dump lists outs one per line, for a failure message.
func Dump(outs []Out) string { return dump(outs) }

// TradeSeq is the last trade id (Book.TradeSeq).
func (r *refBook) TradeSeq() uint64 { return r.tradeSeq }

// Key names the kind of o for coverage counts: "trade", "auction trade",
// "STATUS " and the phase, or the event type and its reason.
func (o out) Key() string {
	switch {
	case o.status:
		return "STATUS " + o.s.Phase.String()
	case o.trade && o.t.Aggressor == 0:
		return "auction trade"
	case o.trade:
		return "trade"
	case o.e.Reason != "":
		return eventName(o.e.Type) + " " + o.e.Reason
	}
	return eventName(o.e.Type)
}

// Fields prints every field of o's record, the message included.
func (o out) Fields() string {
	switch {
	case o.status:
		return fmt.Sprintf("%+v", o.s)
	case o.trade:
		return fmt.Sprintf("%+v", o.t)
	}
	return fmt.Sprintf("%+v", o.e)
}
