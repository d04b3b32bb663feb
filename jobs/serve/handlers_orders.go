package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

// orderFields are the keys a client may send to POST /api/orders.
var orderFields = map[string]bool{"instrument": true, "txn_type": true, "quantity": true, "price": true,
	"order_type": true, "time_in_force": true, "expires_at": true}

// serverFields are the order keys the server assigns.
var serverFields = map[string]bool{"id": true, "order_timestamp": true, "trader_id": true, "action": true}

type orderJSON struct {
	OrderID     uint64 `json:"order_id"`
	Instrument  string `json:"instrument"`
	TraderID    string `json:"trader_id"`
	Side        string `json:"side"`
	OrderType   string `json:"order_type"`
	TimeInForce string `json:"time_in_force"`
	Price       *num   `json:"price,omitempty"`
	Quantity    num    `json:"quantity"`
	Leaves      num    `json:"leaves_quantity"`
	Filled      num    `json:"filled_quantity"`
	Status      string `json:"status"`
	Open        bool   `json:"open"`
	Reason      string `json:"reason,omitempty"`
	Message     string `json:"message,omitempty"`
	Updated     stamp  `json:"updated"`
}

func orderOut(st *OrderState) orderJSON {
	return orderJSON{OrderID: st.OrderID, Instrument: st.Instrument, TraderID: st.TraderID, Side: st.Side.String(),
		OrderType: st.OrderType.String(), TimeInForce: st.TIF.String(), Price: optNum(st.Price),
		Quantity: num(st.Quantity), Leaves: num(st.Leaves), Filled: num(st.Filled), Status: st.Status,
		Open: st.Open(), Reason: st.Reason, Message: st.Message, Updated: stamp(st.Updated)}
}

func (s *Server) listOrders(w http.ResponseWriter, r *http.Request, trader string) {
	q := r.URL.Query()
	openOnly := false
	switch q.Get("open") {
	case "", "false":
	case "true":
		openOnly = true
	default:
		writeError(w, http.StatusBadRequest, "open: expected true or false, got "+strconv.Quote(q.Get("open")))
		return
	}
	s.mu.RLock()
	list := s.view.Orders(trader, q.Get("instrument"))
	s.mu.RUnlock()
	out := make([]orderJSON, 0, len(list))
	for i := range list {
		if !openOnly || list[i].Open() {
			out = append(out, orderOut(&list[i]))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderID < out[j].OrderID })
	writeJSON(w, http.StatusOK, map[string]any{"trader_id": trader, "orders": out})
}

// ownOrder finds order {id} and checks it is the caller's: 400, 404 or 403
// otherwise.
func (s *Server) ownOrder(w http.ResponseWriter, r *http.Request, trader string) (OrderState, bool) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 {
		writeError(w, http.StatusBadRequest, "order id: expected a whole number > 0, got "+strconv.Quote(r.PathValue("id")))
		return OrderState{}, false
	}
	s.mu.RLock()
	st, ok := s.view.Order(id)
	s.mu.RUnlock()
	if !ok {
		writeError(w, http.StatusNotFound, "order "+strconv.FormatUint(id, 10)+": not known to this server")
		return st, false
	}
	if st.TraderID != trader {
		writeError(w, http.StatusForbidden, "order "+strconv.FormatUint(id, 10)+": belongs to another trader")
		return st, false
	}
	return st, true
}

func (s *Server) getOrder(w http.ResponseWriter, r *http.Request, trader string) {
	if st, ok := s.ownOrder(w, r, trader); ok {
		writeJSON(w, http.StatusOK, orderOut(&st))
	}
}

// readBody reads a size-limited JSON body, answering 413, 415, 408 (too
// slow, see pace) or 400.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			dropBody(w, r)
			writeError(w, http.StatusUnsupportedMediaType, "Content-Type: expected application/json, got "+strconv.Quote(ct))
			return nil, false
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		dropBody(w, r) // the rest of the body is never read
		var tooBig *http.MaxBytesError
		if errors.Is(err, errSlowBody) {
			writeError(w, http.StatusRequestTimeout, "body: expected at least "+strconv.FormatInt(s.cfg.MinBodyRate, 10)+
				" bytes a second after "+s.cfg.BodyGrace.String()+", within "+s.cfg.ReadTimeout.String()+"; got it slower")
		} else if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "body: expected at most "+strconv.FormatInt(s.cfg.MaxBody, 10)+" bytes")
		} else {
			writeError(w, http.StatusBadRequest, "body: "+err.Error())
		}
		return nil, false
	}
	return body, true
}

// orderBody checks the keys of a new order's body and returns the order
// line the match job would read: the body with the server's id,
// order_timestamp, trader_id and action added.
func orderBody(body []byte, id uint64, nowMillis int64, trader string) ([]byte, error) {
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, errors.New("body: expected one JSON object with instrument, txn_type, quantity, price, order_type, time_in_force and expires_at")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("body: expected one JSON object, got more after it")
	}
	var keys []string
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch {
		case serverFields[k]:
			return nil, errors.New(k + ": assigned by the server; do not send it")
		case !orderFields[k]:
			return nil, errors.New(k + ": unknown field; expected instrument, txn_type, quantity, price, order_type, time_in_force or expires_at")
		}
	}
	inner := bytes.TrimSpace(body)
	inner = bytes.TrimSpace(inner[1 : len(inner)-1]) // inside the braces
	line := make([]byte, 0, len(body)+128)
	line = append(line, `{"id":`...)
	line = strconv.AppendUint(line, id, 10)
	line = append(line, `,"order_timestamp":"`...)
	line = record.AppendTime(line, nowMillis)
	line = append(line, `","trader_id":`...)
	line = strconv.AppendQuote(line, trader)
	line = append(line, `,"action":"NEW"`...)
	if len(inner) > 0 {
		line = append(line, ',')
		line = append(line, inner...)
	}
	return append(line, '}'), nil
}

func (s *Server) placeOrder(w http.ResponseWriter, r *http.Request, trader string) {
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	now := s.now().UnixMilli()
	id := s.ids.next(now)
	line, err := orderBody(body, id, now, trader)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var o record.Order
	if err = record.DecodeOrder(line, &o); err == nil {
		err = s.ins.Validate(&o)
	}
	if err == nil && o.ExpiresAt != 0 && o.ExpiresAt <= now {
		err = &record.Error{Reason: record.ReasonExpired, Message: "expires_at: expected a time after now, got " + string(record.AppendTime(nil, o.ExpiresAt))}
	}
	if err != nil {
		writeOrderError(w, err)
		return
	}
	switch err := s.sendWithin(r.Context(), &o); {
	case errors.Is(err, errUnacknowledged):
		// The order may still reach the exchange: it is kept PENDING, so
		// that its reports update it if it does.
		s.mu.Lock()
		s.view.Submitted(&o)
		s.mu.Unlock()
		w.Header().Set("Location", "/api/orders/"+strconv.FormatUint(o.ID, 10))
		writeJSON(w, http.StatusGatewayTimeout, map[string]any{"order_id": o.ID, "instrument": o.Instrument, "status": StatusPending,
			"error": "the exchange did not acknowledge the order in time; it may still arrive: see GET /api/orders/" +
				strconv.FormatUint(o.ID, 10) + " before sending it again"})
		return
	case err != nil:
		s.unsent(w)
		return
	}
	s.mu.Lock()
	s.view.Submitted(&o)
	s.mu.Unlock()
	s.log.Info("order placed", "trader", trader, "order_id", o.ID, "instrument", o.Instrument,
		"side", o.Side.String(), "type", o.Type.String(), "quantity", o.Quantity.String(), "price", o.Price.String())
	w.Header().Set("Location", "/api/orders/"+strconv.FormatUint(o.ID, 10))
	writeJSON(w, http.StatusAccepted, map[string]any{"order_id": o.ID, "instrument": o.Instrument,
		"status": StatusPending, "order_timestamp": stamp(o.Time)})
}

// errUnacknowledged is sendAll's outcome for a record the sink neither
// took nor refused within s.ackWait.
var errUnacknowledged = errors.New("not acknowledged in time")

// sendWithin produces o to the order sink (sendAll: the outcome within
// s.ackWait; the Send outlives the request).
func (s *Server) sendWithin(ctx context.Context, o *record.Order) error {
	return s.sendAll(context.WithoutCancel(ctx), []record.Order{*o})[0]
}

// unsent answers 503 for an order the sink refused (sendAll logged it).
func (s *Server) unsent(w http.ResponseWriter) {
	writeError(w, http.StatusServiceUnavailable, "order not accepted: the exchange is unavailable, try again")
}

func (s *Server) cancelOrder(w http.ResponseWriter, r *http.Request, trader string) {
	st, ok := s.ownOrder(w, r, trader)
	if !ok {
		return
	}
	if in := r.URL.Query().Get("instrument"); in != "" && in != st.Instrument {
		writeError(w, http.StatusBadRequest, "instrument: order "+strconv.FormatUint(st.OrderID, 10)+" is on "+st.Instrument+", got "+strconv.Quote(in))
		return
	}
	if !st.Open() {
		writeError(w, http.StatusConflict, "order "+strconv.FormatUint(st.OrderID, 10)+": already "+st.Status+", nothing to cancel")
		return
	}
	o := record.Order{ID: st.OrderID, Instrument: st.Instrument, Action: record.Cancel, Time: s.now().UnixMilli(), TraderID: trader}
	switch err := s.sendWithin(r.Context(), &o); {
	case errors.Is(err, errUnacknowledged):
		writeJSON(w, http.StatusGatewayTimeout, map[string]any{"order_id": o.ID, "instrument": o.Instrument,
			"error": "the exchange did not acknowledge the cancel in time; it may still arrive (sending it again is safe)"})
		return
	case err != nil:
		s.unsent(w)
		return
	}
	s.log.Info("order cancel sent", "trader", trader, "order_id", o.ID, "instrument", o.Instrument)
	writeJSON(w, http.StatusAccepted, map[string]any{"order_id": o.ID, "instrument": o.Instrument, "status": "CANCEL_SENT"})
}
