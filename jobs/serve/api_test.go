package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bourse/bourse/jobs/match"
	"github.com/bourse/bourse/pkg/kafka"
	"github.com/bourse/bourse/pkg/kafka/kafkatest"
	"github.com/bourse/bourse/pkg/record"
	"github.com/twmb/franz-go/pkg/kgo"
)

// exchange is a running match job and serve job on one broker, with topics
// of their own.
type exchange struct {
	url        string
	kcfg       kafka.Config
	topics     kafka.Topics
	alice, bob string
	cancel     context.CancelFunc
}

func startExchange(t *testing.T) *exchange {
	t.Helper()
	return startExchangeWith(t, record.DefaultInstruments(), "")
}

// startExchangeWith starts an exchange whose instruments reference is
// instruments and whose match job runs with --session session.
func startExchangeWith(t *testing.T, instruments []record.Instrument, session string) *exchange {
	t.Helper()
	kcfg := kafka.Config{Brokers: kafkatest.Brokers(t, 3)}
	run := fmt.Sprintf("t%d", time.Now().UnixNano())
	topics := kafka.PrefixedTopics(run).Only(record.KindTrade, record.KindEvent, record.KindBar, record.KindSMA, record.KindProfit,
		record.KindBook, record.KindBookSnapshot, record.KindStatus)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := kafka.CreateTopics(ctx, kcfg, topics.Names(), 3, -1, nil); err != nil {
		t.Fatal(err)
	}
	if err := kafka.PublishInstruments(ctx, kcfg, topics.Instruments, instruments); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}

	mc := match.DefaultConfig()
	mc.Kafka = kcfg
	mc.Topics = topics
	mc.Group = run + "-match"
	mc.StateTopic = run + "-match-state" // its own: the default may exist with another partition count
	mc.Follow = true
	mc.Quiet = true
	mc.Session = session
	mc.CommitInterval = 20 * time.Millisecond
	matchDone := make(chan error, 1)
	go func() { _, err := match.Run(ctx, mc, nil, log); matchDone <- err }()

	tokens := filepath.Join(t.TempDir(), "tokens")
	alice, err := AddToken(tokens, "alice")
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := AddToken(tokens, "bob")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	sc := Defaults()
	sc.Kafka, sc.Topics, sc.Addr, sc.Tokens = kcfg, topics, addr, tokens
	sc.Rate, sc.Burst = 1000, 1000
	serveDone := make(chan error, 1)
	go func() { serveDone <- Run(ctx, sc, log) }()
	t.Cleanup(func() {
		cancel()
		for name, c := range map[string]chan error{"serve": serveDone, "match": matchDone} {
			select {
			case err := <-c:
				if err != nil && ctx.Err() == nil {
					t.Errorf("%s: %v", name, err)
				}
			case <-time.After(10 * time.Second):
				t.Errorf("%s did not stop", name)
			}
		}
	})
	x := &exchange{url: "http://" + addr, kcfg: kcfg, topics: topics, alice: alice, bob: bob, cancel: cancel}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(x.url + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case err := <-serveDone:
			t.Fatalf("serve stopped: %v", err)
		case err := <-matchDone:
			t.Fatalf("match stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not start listening in 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return x
}

// call sends a request and decodes the JSON answer into out.
func (x *exchange) call(t *testing.T, method, path, token, body string, out any) int {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, x.url+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %d %q: %v", method, path, resp.StatusCode, b, err)
		}
	}
	return resp.StatusCode
}

func (x *exchange) place(t *testing.T, token, body string) uint64 {
	t.Helper()
	var r struct {
		OrderID uint64 `json:"order_id"`
		Error   string
	}
	if code := x.call(t, "POST", "/api/orders", token, body, &r); code != 202 {
		t.Fatalf("place %s: %d %s", body, code, r.Error)
	}
	return r.OrderID
}

type evJSON struct {
	Type     string  `json:"type"`
	OrderID  uint64  `json:"order_id"`
	TraderID string  `json:"trader_id"`
	Leaves   float64 `json:"leaves_quantity"`
	TradeID  uint64  `json:"trade_id"`
	Price    float64 `json:"price"`
	Quantity float64 `json:"quantity"`
}

// collect reads events until n of them satisfy want, or fails.
func collect(t *testing.T, c *sseClient, n int, want func(sseEvent) bool) []sseEvent {
	t.Helper()
	var got []sseEvent
	deadline := time.Now().Add(30 * time.Second)
	for count := 0; count < n; {
		ev := c.next(t, time.Until(deadline))
		got = append(got, ev)
		if want(ev) {
			count++
		}
	}
	return got
}

// TestAPIOnBroker runs the match job and the serve job on one broker and
// trades through the API: orders are matched, their trades and execution
// reports arrive on the stream in order, a reconnect resumes without gaps,
// other traders' orders are off limits, and refused requests produce
// nothing.
func TestAPIOnBroker(t *testing.T) {
	x := startExchange(t)
	aliceStream := openStream(t, x.url+"/api/stream?instrument=TCS&kinds=trades,orders", x.alice, "")
	bobStream := openStream(t, x.url+"/api/stream?kinds=orders", x.bob, "")

	sell := x.place(t, x.alice, `{"instrument":"TCS","txn_type":"SELL","quantity":5,"price":3500}`)
	buy1 := x.place(t, x.bob, `{"instrument":"TCS","txn_type":"BUY","quantity":3,"price":3500}`)
	buy2 := x.place(t, x.bob, `{"instrument":"TCS","txn_type":"BUY","quantity":2,"price":3501,"time_in_force":"IOC"}`)
	produced := 3

	// alice: her order's ACCEPTED, PARTIAL_FILL, FILL and both trades.
	evs := collect(t, aliceStream, 5, func(sseEvent) bool { return true })
	var orderSeq []string
	var tradeIDs []uint64
	for i, e := range evs {
		if i > 0 && e.ID <= evs[i-1].ID {
			t.Errorf("event ids not increasing: %d after %d", e.ID, evs[i-1].ID)
		}
		var r evJSON
		json.Unmarshal([]byte(e.Data), &r)
		switch e.Event {
		case "order":
			if r.TraderID != "alice" || r.OrderID != sell {
				t.Errorf("alice received someone else's report: %s", e.Data)
			}
			orderSeq = append(orderSeq, fmt.Sprintf("%s/%g", r.Type, r.Leaves))
		case "trade":
			tradeIDs = append(tradeIDs, r.TradeID)
		default:
			t.Errorf("unexpected event %+v", e)
		}
	}
	if strings.Join(orderSeq, " ") != "ACCEPTED/5 PARTIAL_FILL/2 FILL/0" {
		t.Errorf("alice's reports %v, want ACCEPTED/5 PARTIAL_FILL/2 FILL/0 in order", orderSeq)
	}
	if fmt.Sprint(tradeIDs) != "[1 2]" {
		t.Errorf("trades %v, want [1 2] in order", tradeIDs)
	}
	// bob: his two orders, each accepted then filled, and nothing of alice's.
	bevs := collect(t, bobStream, 4, func(sseEvent) bool { return true })
	var bobSeq []string
	for _, e := range bevs {
		var r evJSON
		json.Unmarshal([]byte(e.Data), &r)
		if r.TraderID != "bob" {
			t.Errorf("bob received %s", e.Data)
		}
		bobSeq = append(bobSeq, fmt.Sprintf("%d:%s", r.OrderID, r.Type))
	}
	want := fmt.Sprintf("%d:ACCEPTED %d:FILL %d:ACCEPTED %d:FILL", buy1, buy1, buy2, buy2)
	if strings.Join(bobSeq, " ") != want {
		t.Errorf("bob's reports %v, want %s", bobSeq, want)
	}

	// reconnect after the first event: the same events follow, no gap.
	re := openStream(t, x.url+"/api/stream?instrument=TCS&kinds=trades,orders", x.alice, fmt.Sprint(evs[0].ID))
	for i := 1; i < len(evs); i++ {
		e := re.next(t, 10*time.Second)
		if e.ID != evs[i].ID || e.Data != evs[i].Data {
			t.Fatalf("resumed event %d: %+v, want %+v", i, e, evs[i])
		}
	}

	// the view: alice's filled order, the trades, an empty book.
	var st orderJSON
	if code := x.call(t, "GET", fmt.Sprint("/api/orders/", sell), x.alice, "", &st); code != 200 || st.Status != "FILL" || st.Filled != num(5e8) {
		t.Errorf("alice's order: %d %+v", code, st)
	}
	var trades struct{ Trades []map[string]any }
	x.call(t, "GET", "/api/instruments/TCS/trades", x.bob, "", &trades)
	if len(trades.Trades) != 2 || trades.Trades[0]["quantity"] != 3.0 || trades.Trades[1]["price"] != 3500.0 {
		t.Errorf("trades view %+v", trades.Trades)
	}

	// a resting order: in the book; bob may neither see nor cancel it.
	rest := x.place(t, x.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":7,"price":3400.5}`)
	produced++
	waitFor(t, "alice's resting order in the book", func() bool {
		var b struct{ Bids []levelJSON }
		x.call(t, "GET", "/api/instruments/TCS/book", x.bob, "", &b)
		return len(b.Bids) == 1 && b.Bids[0].Price == num(340050000000) && b.Bids[0].Quantity == num(7e8)
	})
	for _, m := range []string{"GET", "DELETE"} {
		if code := x.call(t, m, fmt.Sprint("/api/orders/", rest), x.bob, "", nil); code != 403 {
			t.Errorf("%s of alice's order by bob: %d, want 403", m, code)
		}
	}
	var bobs struct{ Orders []orderJSON }
	x.call(t, "GET", "/api/orders", x.bob, "", &bobs)
	for _, o := range bobs.Orders {
		if o.TraderID != "bob" {
			t.Errorf("bob lists %+v", o)
		}
	}
	if len(bobs.Orders) != 2 {
		t.Errorf("bob lists %d orders, want 2", len(bobs.Orders))
	}
	if code := x.call(t, "DELETE", fmt.Sprint("/api/orders/", rest), x.alice, "", nil); code != 202 {
		t.Fatalf("alice cancels her order: %d", code)
	}
	produced++
	cancelled := collect(t, aliceStream, 1, func(e sseEvent) bool {
		return e.Event == "order" && strings.Contains(e.Data, `"CANCELLED"`)
	})
	if !strings.Contains(cancelled[len(cancelled)-1].Data, fmt.Sprint(`"order_id":`, rest)) {
		t.Errorf("cancel report %s", cancelled[len(cancelled)-1].Data)
	}

	// refused requests: nothing reaches the orders topic.
	refused := []struct {
		token, body string
		code        int
	}{
		{"", `{"instrument":"TCS","txn_type":"BUY","quantity":1,"price":3500}`, 401},
		{"bt_wrong", `{"instrument":"TCS","txn_type":"BUY","quantity":1,"price":3500}`, 401},
		{x.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":1,"price":` + strings.Repeat("1", 5000) + `}`, 413},
		{x.alice, `{"instrument":"TCS","txn_type":"BUY",`, 400},
		{x.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":1,"price":3500.001}`, 400},
		{x.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":1,"price":3500,"trader_id":"bob"}`, 400},
	}
	for _, r := range refused {
		if code := x.call(t, "POST", "/api/orders", r.token, r.body, nil); code != r.code {
			t.Errorf("POST %.60s: %d, want %d", r.body, code, r.code)
		}
	}
	var n atomic.Int64
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := kafka.ReadAll(ctx, x.kcfg, x.topics.Orders, func(*kgo.Record) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	if n.Load() != int64(produced) {
		t.Errorf("orders topic holds %d records, want the %d accepted ones", n.Load(), produced)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
