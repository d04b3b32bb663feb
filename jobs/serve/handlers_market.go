package serve

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/bourse/bourse/pkg/record"
)

const maxLimit = 10_000

type instrumentJSON struct {
	Symbol     string `json:"symbol"`
	Name       string `json:"name,omitempty"`
	Listed     bool   `json:"listed"`
	TickSize   *num   `json:"tick_size,omitempty"`
	LotSize    *num   `json:"lot_size,omitempty"`
	RefPrice   *num   `json:"ref_price,omitempty"`
	LastPrice  *num   `json:"last_price,omitempty"`
	LastTime   *stamp `json:"last_trade_timestamp,omitempty"`
	TradeCount int64  `json:"trade_count"`
	Volume     num    `json:"volume"`
	Phase      string `json:"phase,omitempty"`
	PhaseSince *stamp `json:"phase_since,omitempty"`
}

func optNum(f record.Fixed) *num {
	if f == 0 {
		return nil
	}
	n := num(f)
	return &n
}

func (s *Server) instruments(w http.ResponseWriter, r *http.Request, _ string) {
	s.mu.RLock()
	list := s.view.Instruments()
	s.mu.RUnlock()
	out := make([]instrumentJSON, len(list))
	for i, in := range list {
		out[i] = instrumentJSON{Symbol: in.Symbol, Name: in.Name, Listed: in.Listed, TickSize: optNum(in.TickSize),
			LotSize: optNum(in.LotSize), RefPrice: optNum(in.RefPrice), LastPrice: optNum(in.LastPrice),
			TradeCount: in.TradeCount, Volume: num(in.Volume)}
		if in.TradeCount > 0 {
			t := stamp(in.LastTime)
			out[i].LastTime = &t
		}
		if in.Phase != "" {
			t := stamp(in.PhaseSince)
			out[i].Phase, out[i].PhaseSince = in.Phase, &t
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"instruments": out})
}

// symbol returns the {sym} of the path if the instrument is known, or
// answers 404.
func (s *Server) symbol(w http.ResponseWriter, r *http.Request) (string, bool) {
	sym := r.PathValue("sym")
	s.mu.RLock()
	ok := s.view.Known(sym)
	s.mu.RUnlock()
	if !ok {
		writeError(w, http.StatusNotFound, "instrument "+strconv.Quote(sym)+": not listed and never traded (see GET /api/instruments)")
	}
	return sym, ok
}

func (s *Server) limit(w http.ResponseWriter, r *http.Request, name string, def int) (int, bool) {
	n, ok := intParam(r, name, def, maxLimit)
	if !ok {
		writeError(w, http.StatusBadRequest, name+": expected a whole number from 1 to "+strconv.Itoa(maxLimit)+", got "+strconv.Quote(r.URL.Query().Get(name)))
	}
	return n, ok
}

type levelJSON struct {
	Price    num `json:"price"`
	Quantity num `json:"quantity"`
	Orders   int `json:"orders"`
}

func levels(ls []Level) []levelJSON {
	out := make([]levelJSON, len(ls))
	for i, l := range ls {
		out[i] = levelJSON{num(l.Price), num(l.Quantity), l.Orders}
	}
	return out
}

// book answers the depth from the book feed's view, with the feed's seq:
// a client joins the stream's "book" events with seq greater than it.
func (s *Server) book(w http.ResponseWriter, r *http.Request, _ string) {
	sym, ok := s.symbol(w, r)
	if !ok {
		return
	}
	n, ok := s.limit(w, r, "levels", 20)
	if !ok {
		return
	}
	s.mu.RLock()
	d := s.view.Depth(sym, n)
	s.mu.RUnlock()
	out := map[string]any{"instrument": sym, "seq": d.Seq, "synced": d.Synced, "bids": levels(d.Bids), "asks": levels(d.Asks)}
	if d.Seq > 0 {
		out["time"] = stamp(d.Time)
	}
	writeJSON(w, http.StatusOK, out)
}

// series answers {"instrument": sym, key: [records oldest first]}.
func serveSeries[T any](s *Server, w http.ResponseWriter, r *http.Request, key string, get func(v *View, sym string, n int) []T, enc func([]byte, *T) []byte) {
	sym, ok := s.symbol(w, r)
	if !ok {
		return
	}
	n, ok := s.limit(w, r, "limit", 100)
	if !ok {
		return
	}
	s.mu.RLock()
	items := get(s.view, sym, n)
	s.mu.RUnlock()
	writeJSON(w, http.StatusOK, map[string]any{"instrument": sym, key: rawList(items, enc)})
}

// trades answers the anonymous tape (see trade.go): the caller's own
// order ids are added to the trades the caller was a party to.
func (s *Server) trades(w http.ResponseWriter, r *http.Request, trader string) {
	serveSeries(s, w, r, "trades", (*View).Trades, func(b []byte, t *record.Trade) []byte { return appendTradeFor(b, t, trader) })
}

func (s *Server) bars(w http.ResponseWriter, r *http.Request, _ string) {
	serveSeries(s, w, r, "bars", (*View).Bars, record.AppendBarJSON)
}

func (s *Server) smas(w http.ResponseWriter, r *http.Request, _ string) {
	serveSeries(s, w, r, "sma", (*View).SMAs, record.AppendSMAJSON)
}

func (s *Server) profits(w http.ResponseWriter, r *http.Request, _ string) {
	serveSeries(s, w, r, "profit", (*View).Profits, record.AppendProfitJSON)
}

func (s *Server) topProfit(w http.ResponseWriter, r *http.Request, _ string) {
	n, ok := s.limit(w, r, "windows", 10)
	if !ok {
		return
	}
	s.mu.RLock()
	top := s.view.TopProfit(n)
	s.mu.RUnlock()
	var latest json.RawMessage = []byte("null")
	if len(top) > 0 {
		latest = record.AppendProfitJSON(nil, &top[0])
	}
	writeJSON(w, http.StatusOK, map[string]any{"latest": latest, "windows": rawList(top, record.AppendProfitJSON)})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, trader string) {
	writeJSON(w, http.StatusOK, map[string]any{"trader_id": trader})
}
