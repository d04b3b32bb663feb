package serve

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// cancelAllParams are the query parameters DELETE /api/orders takes. Any
// other is a 400: a misspelt ?instrument= must not widen the kill switch
// to every instrument, nor may a query that does not parse (url.Query
// drops its bad pairs).
var cancelAllParams = map[string]bool{"instrument": true, "side": true}

// maxCancelAllInFlight bounds the CANCEL_ALL records of one request
// produced at once.
const maxCancelAllInFlight = 64

// cancelAllSent is one CANCEL_ALL record produced: its id and instrument.
type cancelAllSent struct {
	ID         uint64 `json:"id"`
	Instrument string `json:"instrument"`
}

// cancelAll serves DELETE /api/orders, the kill switch: one CANCEL_ALL
// record of the caller's trader id per instrument (the one asked for, or
// every listed one), each with its own id and keyed by its instrument, on
// one side when ?side= is given. The match job answers with a CANCELLED
// MASS_CANCEL report per resting order and pending stop it takes out.
//
// The records are produced concurrently and outlive the request: a client
// that hangs up does not stop a kill switch half way. 202 lists what was
// sent; when some records could not be produced (or were not acknowledged
// within s.ackWait), 503 lists what was sent
// and the instruments that failed (sending the request again is safe: a
// CANCEL_ALL with nothing left to cancel does nothing).
func (s *Server) cancelAll(w http.ResponseWriter, r *http.Request, trader string) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeError(w, http.StatusBadRequest, "query: expected %-escaped name=value pairs, got "+strconv.Quote(cut(r.URL.RawQuery)))
		return
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case !cancelAllParams[k]:
			writeError(w, http.StatusBadRequest, cut(k)+": unknown parameter; expected instrument or side")
			return
		case len(q[k]) > 1:
			writeError(w, http.StatusBadRequest, k+": expected at most one value, got "+strconv.Itoa(len(q[k])))
			return
		}
	}
	side, err := cancelAllSide(q)
	if err != nil {
		writeOrderError(w, err)
		return
	}
	now := s.now().UnixMilli()
	var symbols []string
	if q.Has("instrument") {
		o := record.Order{Instrument: q.Get("instrument")}
		if err := s.ins.Validate(&o); err != nil {
			writeOrderError(w, err)
			return
		}
		symbols = []string{o.Instrument}
	} else {
		for _, in := range s.ins.List() {
			symbols = append(symbols, in.Symbol)
		}
		sort.Strings(symbols)
	}
	orders := make([]record.Order, len(symbols))
	for i, sym := range symbols {
		orders[i] = record.Order{ID: s.ids.next(now), Instrument: sym, Side: side, Action: record.CancelAll, Time: now, TraderID: trader}
	}
	errs := s.sendAll(context.WithoutCancel(r.Context()), orders)
	sent := make([]cancelAllSent, 0, len(orders))
	var failedSyms []string
	for i := range orders {
		if errs[i] != nil {
			failedSyms = append(failedSyms, orders[i].Instrument)
		} else {
			sent = append(sent, cancelAllSent{orders[i].ID, orders[i].Instrument})
		}
	}
	out := map[string]any{"trader_id": trader, "sent": sent}
	sideName := "BOTH"
	if side != 0 {
		sideName = side.String()
		out["side"] = sideName
	}
	s.log.Info("cancel-all sent", "trader", trader, "side", sideName, "instruments", len(sent), "failed", len(failedSyms))
	if len(failedSyms) > 0 {
		out["error"] = "cancel-all not sent for " + strings.Join(failedSyms, ", ") + ": the exchange is unavailable, try again"
		out["failed"] = failedSyms
		writeJSON(w, http.StatusServiceUnavailable, out)
		return
	}
	out["status"] = "CANCEL_ALL_SENT"
	writeJSON(w, http.StatusAccepted, out)
}

// cut shortens s, part of a request echoed in an error message, to
// maxEcho bytes.
func cut(s string) string {
	if len(s) > maxEcho {
		return s[:maxEcho] + "..."
	}
	return s
}

// maxEcho bounds the bytes of a request echoed in an error message.
const maxEcho = 64

// cancelAllSide reads ?side=: BUY or SELL in any case, as the order
// decoder reads enums; absent means both sides (0).
func cancelAllSide(q url.Values) (record.Side, error) {
	v, ok := q["side"]
	if !ok {
		return 0, nil
	}
	switch {
	case strings.EqualFold(v[0], "BUY"):
		return record.Buy, nil
	case strings.EqualFold(v[0], "SELL"):
		return record.Sell, nil
	}
	return 0, &record.Error{Reason: record.ReasonBadField, Message: "side: expected BUY or SELL, got " + strconv.Quote(v[0])}
}

// writeOrderError answers 400 with an order validation error and its
// reason code.
func writeOrderError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, apiError{Error: strings.TrimPrefix(err.Error(), record.ReasonOf(err)+": "), Reason: record.ReasonOf(err)})
}

// sendAll produces every order to the sink, at most maxCancelAllInFlight at
// once, and gives each order's outcome: nil once the broker acknowledged
// it, the sink's error (logged), or errUnacknowledged. It waits at most
// s.ackWait: a record the sink still holds then (the producer waits for
// a broker that went away) is errUnacknowledged and its Send goes on in
// the background; an order not launched by then is errUnacknowledged and
// never sent. A CANCEL_ALL or a cancel is safe to send again, and a late
// CANCEL_ALL lands ahead of the trader's later orders on its partition; a
// NEW may still arrive.
func (s *Server) sendAll(ctx context.Context, orders []record.Order) []error {
	type result struct {
		i   int
		err error
	}
	results := make(chan result, len(orders))
	sem := make(chan struct{}, maxCancelAllInFlight)
	timeout := time.NewTimer(s.ackWait)
	defer timeout.Stop()
	expired := false
	launched := 0
	for i := range orders {
		select {
		case sem <- struct{}{}:
		case <-timeout.C:
			expired = true
		}
		if expired {
			break
		}
		launched++
		go func(i int, o *record.Order) {
			err := s.sink.Send(ctx, []byte(o.Instrument), record.AppendOrderJSON(nil, o))
			<-sem
			results <- result{i, err}
		}(i, &orders[i])
	}
	errs := make([]error, len(orders))
	for i := range errs {
		errs[i] = errUnacknowledged
	}
collect:
	for n := 0; n < launched; n++ {
		var r result
		select {
		case r = <-results:
		default:
			if expired {
				break collect
			}
			select {
			case r = <-results:
			case <-timeout.C:
				expired = true
				break collect
			}
		}
		if o := &orders[r.i]; r.err != nil {
			s.log.Error("order not produced", "order_id", o.ID, "action", o.Action.String(), "instrument", o.Instrument, "err", r.err)
		}
		errs[r.i] = r.err
	}
	if expired {
		var ids []uint64
		for i, err := range errs {
			if err == errUnacknowledged {
				ids = append(ids, orders[i].ID)
			}
		}
		s.log.Error("orders not acknowledged in time", "wait", s.ackWait, "order_ids", ids)
	}
	return errs
}
