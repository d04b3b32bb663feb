package serve

import (
	"sort"

	"github.com/bourse/bourse/pkg/record"
)

// ApplyEvent applies an execution report to the order's state. (The book
// depth comes from match's book feed: view_book.go.)
func (v *View) ApplyEvent(e *record.Event) {
	st, ok := v.orders[e.OrderID]
	if e.Type == record.Rejected {
		if ok && st.Status != StatusPending {
			// a rejected CANCEL/REPLACE (or a duplicate id) leaves the order as it is.
			st.Reason, st.Message = e.Reason, e.Message
			return
		}
		if !ok {
			st = &OrderState{OrderID: e.OrderID}
			v.orders[e.OrderID] = st
		}
		v.fromEvent(st, e)
		st.Leaves = 0
		st.Reason, st.Message = e.Reason, e.Message
		v.enqueue(st)
		return
	}
	if !ok {
		st = &OrderState{OrderID: e.OrderID}
		v.orders[e.OrderID] = st
	}
	switch e.Type {
	case record.Accepted, record.Replaced:
		v.fromEvent(st, e)
		st.Leaves = e.Leaves
		st.Filled = e.Filled
	case record.Fill, record.PartialFill:
		if st.Status == "" {
			// the ACCEPTED report is gone (retention): take the terms we have.
			v.fromEvent(st, e)
			st.Price, st.Quantity = 0, e.Leaves+e.Filled
		}
		st.Status = e.Type.String()
		st.Leaves, st.Filled, st.Updated = e.Leaves, e.Filled, e.Time
	case record.Cancelled, record.Expired, record.Killed:
		if st.Status == "" {
			v.fromEvent(st, e)
		}
		st.Status = e.Type.String()
		st.Leaves, st.Filled, st.Updated = 0, e.Filled, e.Time
	default:
		return
	}
	if !st.Open() {
		v.enqueue(st)
	}
}

// fromEvent copies the order's terms and status from e.
func (v *View) fromEvent(st *OrderState, e *record.Event) {
	st.Instrument, st.TraderID = e.Instrument, e.TraderID
	st.Side, st.OrderType, st.TIF = e.Side, e.OrderType, e.TIF
	st.Price, st.Quantity = e.Price, e.Quantity
	st.Status, st.Updated = e.Type.String(), e.Time
	st.Reason, st.Message = "", ""
}

func sideIndex(s record.Side) int {
	if s == record.Sell {
		return 1
	}
	return 0
}

// enqueue puts a finished (or pending) order in its trader's queue and
// forgets the trader's oldest finished orders beyond the limit.
func (v *View) enqueue(st *OrderState) {
	if st.queued {
		return
	}
	q, ok := v.trader[st.TraderID]
	if !ok {
		s := newSeries[uint64](0)
		q = &s
		v.trader[st.TraderID] = q
	}
	st.queued = true
	q.buf = append(q.buf, st.OrderID)
	max := v.lim.Orders
	if max <= 0 {
		max = 1
	}
	for len(q.buf) > max {
		id := q.buf[0]
		q.buf = q.buf[1:]
		if old, ok := v.orders[id]; ok {
			old.queued = false
			if !old.Open() {
				delete(v.orders, id)
			}
		}
	}
}

// Order returns the state of one order.
func (v *View) Order(id uint64) (OrderState, bool) {
	st, ok := v.orders[id]
	if !ok {
		return OrderState{}, false
	}
	return *st, true
}

// Orders returns the orders of trader (of one instrument unless
// instrument is empty), open or finished within the limit, oldest id
// first.
func (v *View) Orders(trader, instrument string) []OrderState {
	var out []OrderState
	for _, st := range v.orders {
		if st.TraderID == trader && (instrument == "" || st.Instrument == instrument) {
			out = append(out, *st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderID < out[j].OrderID })
	return out
}
