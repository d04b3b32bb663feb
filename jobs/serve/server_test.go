package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/setup"
	"github.com/bourse/bourse/pkg/record"
)

// memSink is an OrderSink that keeps what it is sent.
type memSink struct {
	mu   sync.Mutex
	sent []string
	fail error
}

func (m *memSink) Send(_ context.Context, key, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	m.sent = append(m.sent, string(key)+" "+string(value))
	return nil
}

func (m *memSink) lines() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.sent...)
}

type fixture struct {
	srv   *Server
	ts    *httptest.Server
	sink  *memSink
	alice string // token of trader alice
	bob   string
	now   time.Time
}

func newFixture(t *testing.T, mod func(*Config)) *fixture {
	t.Helper()
	cfg := Defaults()
	cfg.Rate, cfg.Burst = 1000, 1000
	if mod != nil {
		mod(&cfg)
	}
	path := filepath.Join(t.TempDir(), "tokens")
	alice, err := AddToken(path, "alice")
	if err != nil {
		t.Fatal(err)
	}
	bob, err := AddToken(path, "bob")
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{sink: &memSink{}, alice: alice, bob: bob, now: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)}
	f.srv, err = New(cfg, testInstruments(t), tokens, f.sink, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	f.srv.now = func() time.Time { return f.now }
	f.ts = httptest.NewServer(f.srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}

// do sends a request and decodes a JSON answer into out (when not nil).
func (f *fixture) do(t *testing.T, method, path, token, body string, out any) int {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.ts.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var e apiError
		if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
			t.Errorf("%s %s: status %d with a non-JSON error body %q", method, path, resp.StatusCode, b)
		}
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

func TestAuth(t *testing.T) {
	f := newFixture(t, nil)
	for _, tok := range []string{"", "bt_nope", f.alice + "x"} {
		if code := f.do(t, "GET", "/api/instruments", tok, "", nil); code != 401 {
			t.Errorf("token %q: status %d, want 401", tok, code)
		}
	}
	var me struct {
		TraderID string `json:"trader_id"`
	}
	if code := f.do(t, "GET", "/api/me", f.bob, "", &me); code != 200 || me.TraderID != "bob" {
		t.Errorf("GET /api/me with bob's token: %d %+v", code, me)
	}
	// market data is readable by any trader; the dashboard and the OpenAPI
	// document need no token.
	if code := f.do(t, "GET", "/api/instruments/TCS/book", f.bob, "", nil); code != 200 {
		t.Errorf("book: %d", code)
	}
	for _, p := range []string{"/", "/app.js", "/api/openapi.json"} {
		if code := f.do(t, "GET", p, "", "", nil); code != 200 {
			t.Errorf("GET %s without a token: %d, want 200", p, code)
		}
	}
	if code := f.do(t, "GET", "/api/nothing", f.bob, "", nil); code != 404 {
		t.Errorf("unknown endpoint: %d", code)
	}
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	f := newFixture(t, nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if code := f.do(t, "GET", "/api/openapi.json", "", "", &doc); code != 200 || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %d, version %q", code, doc.OpenAPI)
	}
	for _, r := range Routes {
		method, path, _ := strings.Cut(r, " ")
		if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("route %s is not documented in openapi.json", r)
		}
	}
}

func TestRateLimitPerToken(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Rate, c.Burst = 1, 3 })
	for i := 0; i < 3; i++ {
		if code := f.do(t, "GET", "/api/instruments", f.alice, "", nil); code != 200 {
			t.Fatalf("request %d: %d", i, code)
		}
	}
	if code := f.do(t, "GET", "/api/instruments", f.alice, "", nil); code != 429 {
		t.Fatalf("4th request in the same instant: %d, want 429", code)
	}
	if code := f.do(t, "GET", "/api/instruments", f.bob, "", nil); code != 200 {
		t.Fatalf("another token is not limited: %d", code)
	}
	f.now = f.now.Add(time.Second)
	if code := f.do(t, "GET", "/api/instruments", f.alice, "", nil); code != 200 {
		t.Fatalf("after a second: %d, want 200", code)
	}
	if code := f.do(t, "GET", "/api/instruments", f.alice, "", nil); code != 429 {
		t.Fatalf("second request after refill of one token: %d, want 429", code)
	}
}

func TestLimiterRefillsAtRate(t *testing.T) {
	l := newLimiter(10, 5)
	t0 := time.Unix(0, 0)
	n := 0
	for i := 0; i < 100; i++ {
		if ok, _ := l.allow("k", t0); ok {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("burst: %d allowed, want 5", n)
	}
	ok, wait := l.allow("k", t0)
	if ok || wait <= 0 || wait > 100*time.Millisecond {
		t.Fatalf("empty bucket: ok=%v wait=%s, want a wait of at most 100ms", ok, wait)
	}
	n = 0
	for ms := 0; ms <= 1000; ms += 10 { // one second at 10/s
		if ok, _ := l.allow("k", t0.Add(time.Duration(ms)*time.Millisecond)); ok {
			n++
		}
	}
	if n != 10 {
		t.Fatalf("over one second: %d allowed, want 10", n)
	}
}

func TestPlaceOrder(t *testing.T) {
	f := newFixture(t, nil)
	var placed struct {
		OrderID uint64 `json:"order_id"`
		Status  string `json:"status"`
	}
	code := f.do(t, "POST", "/api/orders", f.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500.05}`, &placed)
	if code != 202 || placed.OrderID == 0 || placed.Status != "PENDING" {
		t.Fatalf("place: %d %+v", code, placed)
	}
	sent := f.sink.lines()
	want := fmt.Sprintf(`TCS {"id":%d,"instrument":"TCS","txn_type":"BUY","quantity":5.0,"price":3500.05,"order_timestamp":"2026-05-01T10:00:00Z","order_type":"LIMIT","time_in_force":"GTC","trader_id":"alice","action":"NEW"}`, placed.OrderID)
	if len(sent) != 1 || sent[0] != want {
		t.Fatalf("produced %q\nwant %q", sent, want)
	}
	// the produced line is what the match job reads: it decodes and validates.
	var o record.Order
	if err := record.DecodeOrder([]byte(strings.TrimPrefix(sent[0], "TCS ")), &o); err != nil || testInstruments(t).Validate(&o) != nil {
		t.Fatalf("produced order does not pass the match job's rules: %v", err)
	}
	// ids are unique and increasing even within one millisecond.
	var second struct {
		OrderID uint64 `json:"order_id"`
	}
	f.do(t, "POST", "/api/orders", f.alice, `{"instrument":"INFY","txn_type":"SELL","quantity":1,"order_type":"MARKET","time_in_force":"IOC"}`, &second)
	if second.OrderID <= placed.OrderID {
		t.Fatalf("second id %d not after %d", second.OrderID, placed.OrderID)
	}
	var st orderJSON
	if code := f.do(t, "GET", fmt.Sprint("/api/orders/", placed.OrderID), f.alice, "", &st); code != 200 || st.Status != "PENDING" || st.TraderID != "alice" {
		t.Fatalf("own pending order: %d %+v", code, st)
	}
	if code := f.do(t, "GET", fmt.Sprint("/api/orders/", placed.OrderID), f.bob, "", nil); code != 403 {
		t.Fatalf("bob reads alice's order: %d, want 403", code)
	}
	var list struct{ Orders []orderJSON }
	f.do(t, "GET", "/api/orders", f.bob, "", &list)
	if len(list.Orders) != 0 {
		t.Fatalf("bob sees %d orders, want none of alice's", len(list.Orders))
	}
	f.do(t, "GET", "/api/orders?instrument=TCS", f.alice, "", &list)
	if len(list.Orders) != 1 || list.Orders[0].OrderID != placed.OrderID {
		t.Fatalf("alice's TCS orders: %+v", list.Orders)
	}
}

func TestPlaceOrderRejectsBadInput(t *testing.T) {
	f := newFixture(t, nil)
	good := `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500}`
	tests := []struct {
		name, body, ctype string
		code              int
		msg               string
	}{
		{"malformed", `{"instrument":"TCS",`, "", 400, "JSON object"},
		{"not an object", `[1,2]`, "", 400, "JSON object"},
		{"empty", ``, "", 400, "JSON object"},
		{"two objects", good + good, "", 400, "more after it"},
		{"oversize", `{"instrument":"` + strings.Repeat("A", 5000) + `"}`, "", 413, "at most 4096 bytes"},
		{"unknown field", `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500,"colour":"red"}`, "", 400, "colour: unknown field"},
		{"sends id", `{"id":7,"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500}`, "", 400, "id: assigned by the server"},
		{"sends trader", `{"trader_id":"bob","instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500}`, "", 400, "trader_id: assigned by the server"},
		{"sends timestamp", `{"order_timestamp":"2020-01-01T00:00:00Z","instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500}`, "", 400, "order_timestamp"},
		{"duplicate key", `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500,"price":1}`, "", 400, "price: expected the key once"},
		{"missing quantity", `{"instrument":"TCS","txn_type":"BUY","price":3500}`, "", 400, "quantity"},
		{"missing price", `{"instrument":"TCS","txn_type":"BUY","quantity":5}`, "", 400, "price"},
		{"bad side", `{"instrument":"TCS","txn_type":"HOLD","quantity":5,"price":3500}`, "", 400, "txn_type: expected BUY or SELL"},
		{"negative", `{"instrument":"TCS","txn_type":"BUY","quantity":-5,"price":3500}`, "", 400, "quantity"},
		{"off tick", `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500.001}`, "", 400, "tick size"},
		{"off lot", `{"instrument":"TCS","txn_type":"BUY","quantity":5.5,"price":3500}`, "", 400, "lot size"},
		{"unknown instrument", `{"instrument":"ACME","txn_type":"BUY","quantity":5,"price":3500}`, "", 400, "instrument"},
		{"expired", `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500,"expires_at":"2020-01-01T00:00:00Z"}`, "", 400, "expires_at"},
		{"wrong content type", good, "text/plain", 415, "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", f.ts.URL+"/api/orders", strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer "+f.alice)
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e apiError
			json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != tt.code || !strings.Contains(e.Error, tt.msg) {
				t.Errorf("status %d error %q; want %d containing %q", resp.StatusCode, e.Error, tt.code, tt.msg)
			}
		})
	}
	if sent := f.sink.lines(); len(sent) != 0 {
		t.Fatalf("bad orders reached the orders topic: %q", sent)
	}
	// a sink failure is a 503 and the order is not recorded.
	f.sink.fail = errors.New("broker down")
	if code := f.do(t, "POST", "/api/orders", f.alice, good, nil); code != 503 {
		t.Fatalf("sink failure: %d, want 503", code)
	}
	var list struct{ Orders []orderJSON }
	f.do(t, "GET", "/api/orders", f.alice, "", &list)
	if len(list.Orders) != 0 {
		t.Fatalf("an order that was not produced is listed: %+v", list.Orders)
	}
}

func TestCancelOrder(t *testing.T) {
	f := newFixture(t, nil)
	ingestEvent(t, f.srv, &record.Event{Type: record.Accepted, OrderID: 41, Instrument: "TCS", TraderID: "alice", Side: record.Buy,
		Price: 3500 * record.One, Quantity: 5 * record.One, Leaves: 5 * record.One, Time: 1})
	ingestEvent(t, f.srv, &record.Event{Type: record.Accepted, OrderID: 42, Instrument: "TCS", TraderID: "alice", Side: record.Buy,
		Price: 3500 * record.One, Quantity: 5 * record.One, Leaves: 5 * record.One, Time: 1})
	ingestEvent(t, f.srv, &record.Event{Type: record.Cancelled, OrderID: 42, Instrument: "TCS", TraderID: "alice", Side: record.Buy,
		Price: 3500 * record.One, Quantity: 5 * record.One, Time: 2})
	cases := []struct {
		path, token string
		code        int
	}{
		{"/api/orders/41", f.bob, 403},
		{"/api/orders/41?instrument=INFY", f.alice, 400},
		{"/api/orders/42", f.alice, 409},
		{"/api/orders/43", f.alice, 404},
		{"/api/orders/x", f.alice, 400},
		{"/api/orders/41", "", 401},
	}
	for _, c := range cases {
		if code := f.do(t, "DELETE", c.path, c.token, "", nil); code != c.code {
			t.Errorf("DELETE %s: %d, want %d", c.path, code, c.code)
		}
	}
	if sent := f.sink.lines(); len(sent) != 0 {
		t.Fatalf("refused cancels were produced: %q", sent)
	}
	if code := f.do(t, "DELETE", "/api/orders/41?instrument=TCS", f.alice, "", nil); code != 202 {
		t.Fatalf("own cancel: %d", code)
	}
	want := `TCS {"id":41,"instrument":"TCS","order_timestamp":"2026-05-01T10:00:00Z","order_type":"LIMIT","time_in_force":"GTC","trader_id":"alice","action":"CANCEL"}`
	if sent := f.sink.lines(); len(sent) != 1 || sent[0] != want {
		t.Fatalf("cancel produced %q, want %q", sent, want)
	}
}

func ingestEvent(t *testing.T, s *Server, e *record.Event) {
	t.Helper()
	if err := s.Ingest(record.KindEvent, record.AppendEventJSON(nil, e)); err != nil {
		t.Fatal(err)
	}
}

func ingestTrade(t testing.TB, s *Server, tr *record.Trade) {
	t.Helper()
	if tr.BuyOrderID == 0 {
		tr.BuyOrderID, tr.SellOrderID = 2*tr.TradeID, 2*tr.TradeID+1
	}
	if err := s.Ingest(record.KindTrade, record.AppendTradeJSON(nil, tr)); err != nil {
		t.Fatal(err)
	}
}

func TestMarketData(t *testing.T) {
	f := newFixture(t, nil)
	for i := 1; i <= 3; i++ {
		ingestTrade(t, f.srv, &record.Trade{TradeID: uint64(i), Instrument: "TCS", Price: record.Fixed(3500+i) * record.One, Quantity: record.One, Time: int64(i * 1000)})
	}
	must := func(k record.Kind, line string) {
		if err := f.srv.Ingest(k, []byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	must(record.KindBar, `{"instrument":"TCS","bar_start":"2026-05-01T10:00:00Z","bar_end":"2026-05-01T10:01:00Z","open":3501.0,"high":3503.0,"low":3501.0,"close":3503.0,"volume":3.0,"vwap":3502.0,"count":3}`)
	must(record.KindSMA, `{"instrument":"TCS","window_start":"2026-05-01T10:00:00Z","window_end":"2026-05-01T10:05:00Z","sma":3503.0,"bars":1}`)
	must(record.KindProfit, `{"instrument":"TCS","window_start":"2026-05-01T10:00:00Z","window_end":"2026-05-01T10:05:00Z","avg_open":3501.0,"avg_close":3503.0,"profit":2.0,"rank":1,"bars":1}`)
	if err := f.srv.Ingest(record.KindTrade, []byte(`{"trade_id":"x"}`)); err == nil {
		t.Fatal("a bad record was ingested")
	}
	var trades struct{ Trades []map[string]any }
	if code := f.do(t, "GET", "/api/instruments/TCS/trades?limit=2", f.bob, "", &trades); code != 200 || len(trades.Trades) != 2 || trades.Trades[1]["price"] != 3503.0 {
		t.Fatalf("trades: %d %+v", code, trades)
	}
	var bars struct{ Bars []map[string]any }
	f.do(t, "GET", "/api/instruments/TCS/bars", f.bob, "", &bars)
	var sma struct{ SMA []map[string]any }
	f.do(t, "GET", "/api/instruments/TCS/sma", f.bob, "", &sma)
	var profit struct{ Profit []map[string]any }
	f.do(t, "GET", "/api/instruments/TCS/profit", f.bob, "", &profit)
	if len(bars.Bars) != 1 || bars.Bars[0]["vwap"] != 3502.0 || len(sma.SMA) != 1 || len(profit.Profit) != 1 {
		t.Fatalf("series: bars %+v sma %+v profit %+v", bars, sma, profit)
	}
	var top struct {
		Latest  map[string]any
		Windows []map[string]any
	}
	if f.do(t, "GET", "/api/top-profit", f.bob, "", &top); top.Latest["instrument"] != "TCS" || len(top.Windows) != 1 {
		t.Fatalf("top profit %+v", top)
	}
	var ins struct{ Instruments []map[string]any }
	f.do(t, "GET", "/api/instruments", f.bob, "", &ins)
	if len(ins.Instruments) != 4 || ins.Instruments[3]["symbol"] != "TCS" || ins.Instruments[3]["last_price"] != 3503.0 {
		t.Fatalf("instruments %+v", ins)
	}
	for path, code := range map[string]int{
		"/api/instruments/ACME/trades":        404,
		"/api/instruments/TCS/trades?limit=0": 400,
		"/api/instruments/TCS/book?levels=x":  400,
		"/api/orders?open=maybe":              400,
	} {
		if got := f.do(t, "GET", path, f.bob, "", nil); got != code {
			t.Errorf("GET %s: %d, want %d", path, got, code)
		}
	}
}

func TestStreamFiltersAndResumes(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.History = 8 })
	all := openStream(t, f.ts.URL+"/api/stream", f.alice, "")
	tcsOnly := openStream(t, f.ts.URL+"/api/stream?instrument=TCS&kinds=trades,orders", f.bob, "")
	// each stream's cursor was taken before its headers came back: both see
	// every event ingested from here on.
	ingestTrade(t, f.srv, &record.Trade{TradeID: 1, Instrument: "INFY", Price: record.One, Quantity: record.One})
	ingestTrade(t, f.srv, &record.Trade{TradeID: 1, Instrument: "TCS", Price: record.One, Quantity: record.One})
	ingestEvent(t, f.srv, &record.Event{Type: record.Accepted, OrderID: 7, Instrument: "TCS", TraderID: "alice", Side: record.Buy, Price: record.One, Quantity: record.One, Leaves: record.One})
	ingestEvent(t, f.srv, &record.Event{Type: record.Accepted, OrderID: 8, Instrument: "TCS", TraderID: "bob", Side: record.Buy, Price: record.One, Quantity: record.One, Leaves: record.One})

	var seen []sseEvent
	for i := 0; i < 3; i++ {
		seen = append(seen, all.next(t, 5*time.Second))
	}
	if seen[0].Event != "trade" || !strings.Contains(seen[0].Data, `"INFY"`) || seen[2].Event != "order" || !strings.Contains(seen[2].Data, `"order_id":7`) {
		t.Fatalf("alice's stream: %+v", seen)
	}
	if seen[1].ID != seen[0].ID+1 || seen[2].ID != seen[1].ID+1 {
		t.Fatalf("ids not consecutive: %+v", seen)
	}
	// bob's order report is not alice's: her next event is a marker after it.
	ingestTrade(t, f.srv, &record.Trade{TradeID: 99, Instrument: "INFY", Price: record.One, Quantity: record.One})
	if m := all.next(t, 5*time.Second); m.Event != "trade" || !strings.Contains(m.Data, `"trade_id":99`) {
		t.Fatalf("alice's stream after her order report: %+v, want the marker trade 99", m)
	}
	b1, b2 := tcsOnly.next(t, 5*time.Second), tcsOnly.next(t, 5*time.Second)
	if b1.Event != "trade" || !strings.Contains(b1.Data, `"TCS"`) || b2.Event != "order" || !strings.Contains(b2.Data, `"order_id":8`) {
		t.Fatalf("bob's TCS stream: %+v %+v", b1, b2)
	}

	// resume after the first event: the rest follows, no gap.
	re := openStream(t, f.ts.URL+"/api/stream", f.alice, fmt.Sprint(seen[0].ID))
	if e := re.next(t, 5*time.Second); e.ID != seen[1].ID {
		t.Fatalf("resumed at %+v, want id %d", e, seen[1].ID)
	}
	if e := re.next(t, 5*time.Second); e.ID != seen[2].ID {
		t.Fatalf("resumed second %+v", e)
	}
	// ?last_event_id= works too (for clients that cannot set headers).
	q := openStream(t, f.ts.URL+fmt.Sprint("/api/stream?kinds=trades&last_event_id=", seen[0].ID-1), f.alice, "")
	if e := q.next(t, 5*time.Second); e.ID != seen[0].ID {
		t.Fatalf("?last_event_id resume: %+v", e)
	}

	// push the first events out of the 8 held: a resume from there gets a
	// reset first, then the oldest held.
	for i := 2; i <= 12; i++ {
		ingestTrade(t, f.srv, &record.Trade{TradeID: uint64(i), Instrument: "INFY", Price: record.One, Quantity: record.One})
	}
	old := openStream(t, f.ts.URL+"/api/stream", f.alice, fmt.Sprint(seen[0].ID))
	reset := old.next(t, 5*time.Second)
	first := old.next(t, 5*time.Second)
	if reset.Event != "reset" || first.ID != f.srv.LastEventID()-7 {
		t.Fatalf("resume from an evicted id: %+v then %+v, want reset then id %d", reset, first, f.srv.LastEventID()-7)
	}
	// an id of an earlier server run (smaller) also resets.
	if e := openStream(t, f.ts.URL+"/api/stream", f.alice, "5").next(t, 5*time.Second); e.Event != "reset" {
		t.Fatalf("id of an earlier run: %+v", e)
	}
	for path, code := range map[string]int{"/api/stream?kinds=news": 400, "/api/stream?instrument=ACME": 400} {
		if got := f.do(t, "GET", path, f.alice, "", nil); got != code {
			t.Errorf("GET %s: %d, want %d", path, got, code)
		}
	}
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/stream", nil)
	req.Header.Set("Authorization", "Bearer "+f.alice)
	req.Header.Set("Last-Event-ID", "abc")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 400 {
		t.Fatalf("bad Last-Event-ID: %v %v", resp.StatusCode, err)
	}
}

func TestStreamHeartbeat(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Heartbeat = 20 * time.Millisecond })
	req, _ := http.NewRequest("GET", f.ts.URL+"/api/stream", nil)
	req.Header.Set("Authorization", "Bearer "+f.alice)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	var got string
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(got, ": heartbeat") && time.Now().Before(deadline) {
		n, err := resp.Body.Read(buf)
		got += string(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.Header.Get("Content-Type") != "text/event-stream" || !strings.Contains(got, ": heartbeat\n\n") {
		t.Fatalf("no heartbeat: %q", got)
	}
}

func TestTokensFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.csv")
	tok, err := AddToken(path, "T-0042")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) < 40 {
		t.Fatalf("token %q", tok)
	}
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), tok) || !strings.Contains(string(data), "T-0042,"+HashToken(tok)) {
		t.Fatalf("tokens file %q: want the hash, never the token", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("tokens file mode %v, want 0600", fi.Mode().Perm())
	}
	tok2, _ := AddToken(path, "T-0042")
	ts, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{tok, tok2} {
		if who, ok := ts.Lookup(k); !ok || who != "T-0042" {
			t.Fatalf("Lookup = %q %v", who, ok)
		}
	}
	if _, ok := ts.Lookup(""); ok {
		t.Fatal("empty token accepted")
	}
	for _, bad := range []string{"", "a b", strings.Repeat("x", 65), "ö"} {
		if _, err := AddToken(path, bad); !errors.Is(err, ErrBadTrader) {
			t.Errorf("AddToken(%q) = %v, want ErrBadTrader", bad, err)
		}
	}
	for _, bad := range []string{"alice", "alice,xyz", "al ice," + HashToken("x")} {
		if _, err := ParseTokens([]byte(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ParseTokens(%q) = %v, want a line 1 error", bad, err)
		}
	}
	if ts, err := ParseTokens([]byte("# comment\n\nbob," + strings.ToUpper(HashToken("x")) + "\n")); err != nil || ts.Len() != 1 {
		t.Fatalf("comments and upper-case hex: %v", err)
	}
}

func TestHubGapRules(t *testing.T) {
	h := NewHub(4, 100)
	if out, last, gap, _ := h.Read(100, nil, 10); len(out) != 0 || last != 100 || gap {
		t.Fatalf("empty hub: %v %d %v", out, last, gap)
	}
	for i := 0; i < 6; i++ {
		h.Publish(record.KindTrade, "TCS", "", []byte(fmt.Sprint(i)))
	}
	// held: 103..106
	out, last, gap, _ := h.Read(103, nil, 10)
	if gap || len(out) != 3 || out[0].Seq != 104 || last != 106 {
		t.Fatalf("resume inside: %v %d %v", out, last, gap)
	}
	if string(out[0].Data) != "id: 104\nevent: trade\ndata: 3\n\n" {
		t.Fatalf("frame %q", out[0].Data)
	}
	if out, _, gap, _ := h.Read(102, nil, 10); gap || len(out) != 4 {
		t.Fatalf("resume at the oldest held: %d %v", len(out), gap)
	}
	for _, after := range []uint64{101, 5, 107, 1 << 40} {
		if out, _, gap, _ := h.Read(after, nil, 10); !gap || len(out) != 4 || out[0].Seq != 103 {
			t.Errorf("after %d: gap %v, %d frames", after, gap, len(out))
		}
	}
	_, _, _, wake := h.Read(106, nil, 10)
	select {
	case <-wake:
		t.Fatal("woken before a publish")
	default:
	}
	h.Publish(record.KindSMA, "TCS", "", []byte("x"))
	select {
	case <-wake:
	case <-time.After(time.Second):
		t.Fatal("not woken by a publish")
	}
}

func TestConfigValidate(t *testing.T) {
	c := Defaults()
	if err := c.Validate(); !setup.IsUsage(err) {
		t.Fatalf("no brokers: %v", err)
	}
	c.Kafka.Brokers = []string{"127.0.0.1:9092"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--tokens") {
		t.Fatalf("no tokens: %v", err)
	}
	c.Tokens = "tokens"
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	c.Rate = 0
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "--rate") {
		t.Fatalf("rate 0: %v", err)
	}
}

// TestIngestRefuses: a kind the stream does not carry is an error before
// any decoding, and a bad value of every kind it carries is counted and
// reported with the kind, never applied or published.
func TestIngestRefuses(t *testing.T) {
	f := newFixture(t, nil)
	rej := record.AppendRejectJSON(nil, &record.Reject{Source: "f:1", Reason: record.ReasonBadJSON})
	for _, k := range []record.Kind{record.KindReject, record.NumKinds} {
		if err := f.srv.Ingest(k, rej); err == nil || err.Error() != fmt.Sprintf("ingest: unknown kind %d", k) {
			t.Errorf("kind %d: %v, want unknown kind", k, err)
		}
	}
	last, n := f.srv.LastEventID(), 0
	for k := range record.NumKinds {
		if streamNames[k].event == "" {
			continue
		}
		n++
		err := f.srv.Ingest(k, []byte(`{"instrument":1}`))
		if err == nil || !strings.HasPrefix(err.Error(), "ingest "+k.String()+": ") {
			t.Errorf("%s: %v, want a decode error", k, err)
		}
	}
	if f.srv.bad.Load() != int64(n) || f.srv.ingested.Load() != 0 || f.srv.LastEventID() != last {
		t.Errorf("%d bad, %d ingested, last event %d (was %d) after %d bad values", f.srv.bad.Load(), f.srv.ingested.Load(), f.srv.LastEventID(), last, n)
	}
}
