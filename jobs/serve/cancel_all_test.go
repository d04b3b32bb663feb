package serve

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

type cancelAllAnswer struct {
	TraderID string          `json:"trader_id"`
	Side     string          `json:"side"`
	Status   string          `json:"status"`
	Sent     []cancelAllSent `json:"sent"`
	Failed   []string        `json:"failed"`
	Error    string          `json:"error"`
	Reason   string          `json:"reason"`
}

// producedOrders decodes the sink's lines ("key value") with the match
// job's decoder and checks each is keyed by its instrument.
func producedOrders(t *testing.T, lines []string) []record.Order {
	t.Helper()
	var out []record.Order
	for _, l := range lines {
		key, value, _ := strings.Cut(l, " ")
		var o record.Order
		if err := record.DecodeOrder([]byte(value), &o); err != nil {
			t.Fatalf("produced %q does not decode: %v", value, err)
		}
		if o.Instrument != key {
			t.Errorf("produced %q with key %q, want its instrument", value, key)
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b record.Order) int { return strings.Compare(a.Instrument, b.Instrument) })
	return out
}

// TestCancelAllEveryInstrument: DELETE /api/orders produces one CANCEL_ALL
// of the caller per listed instrument, each keyed by its instrument with
// an id of its own, and answers 202 with them.
func TestCancelAllEveryInstrument(t *testing.T) {
	f := newFixture(t, nil)
	var a cancelAllAnswer
	if code := f.do(t, "DELETE", "/api/orders", f.alice, "", &a); code != 202 || a.Status != "CANCEL_ALL_SENT" || a.TraderID != "alice" || a.Side != "" {
		t.Fatalf("cancel-all: %d %+v", code, a)
	}
	listed := []string{"INFY", "ONGC", "RIL", "TCS"}
	var syms []string
	for i, s := range a.Sent {
		syms = append(syms, s.Instrument)
		if i > 0 && s.ID <= a.Sent[i-1].ID {
			t.Errorf("ids not increasing: %+v", a.Sent)
		}
	}
	if !slices.Equal(syms, listed) {
		t.Fatalf("sent for %v, want every listed instrument %v", syms, listed)
	}
	got := producedOrders(t, f.sink.lines())
	if len(got) != len(listed) {
		t.Fatalf("produced %d records, want %d", len(got), len(listed))
	}
	for i, o := range got {
		want := record.Order{ID: a.Sent[i].ID, Instrument: listed[i], Action: record.CancelAll, Time: f.now.UnixMilli(), TraderID: "alice"}
		if o != want {
			t.Errorf("produced %+v\nwant %+v", o, want)
		}
		if err := testInstruments(t).Validate(&o); err != nil {
			t.Errorf("produced %+v fails the match job's reference check: %v", o, err)
		}
	}
}

// TestCancelAllOneInstrumentOneSide: ?instrument= and ?side= (any case)
// give one CANCEL_ALL with txn_type.
func TestCancelAllOneInstrumentOneSide(t *testing.T) {
	f := newFixture(t, nil)
	var a cancelAllAnswer
	if code := f.do(t, "DELETE", "/api/orders?instrument=TCS&side=sell", f.bob, "", &a); code != 202 || a.Side != "SELL" || len(a.Sent) != 1 || a.Sent[0].Instrument != "TCS" {
		t.Fatalf("cancel-all TCS SELL: %d %+v", code, a)
	}
	line := f.sink.lines()
	want := `TCS {"id":` + strconv.FormatUint(a.Sent[0].ID, 10) + `,"instrument":"TCS","txn_type":"SELL","order_timestamp":"2026-05-01T10:00:00Z","order_type":"LIMIT","time_in_force":"GTC","trader_id":"bob","action":"CANCEL_ALL"}`
	if len(line) != 1 || line[0] != want {
		t.Fatalf("produced %q\nwant %q", line, want)
	}
	producedOrders(t, line)
}

// TestCancelAllRejectsBadInput: a bad side, an unknown or empty
// instrument, an unknown or repeated parameter, a query that does not
// parse (which url.Query would drop, widening the kill switch to every
// instrument) are 400s with a reason or a short message, and nothing is
// produced.
func TestCancelAllRejectsBadInput(t *testing.T) {
	f := newFixture(t, nil)
	for _, c := range []struct {
		query, reason, msg string
		code               int
	}{
		{"?side=HOLD", record.ReasonBadField, `side: expected BUY or SELL, got "HOLD"`, 400},
		{"?side=", record.ReasonBadField, `side: expected BUY or SELL, got ""`, 400},
		{"?instrument=ACME", record.ReasonUnknownInstrument, `instrument: expected a listed symbol, got "ACME"`, 400},
		{"?instrument=", record.ReasonUnknownInstrument, `instrument: expected a listed symbol, got ""`, 400},
		{"?instrument=TCS&side=BUY&side=SELL", "", "side: expected at most one value", 400},
		{"?instrument=TCS&instrument=INFY", "", "instrument: expected at most one value", 400},
		{"?instrumnet=TCS", "", "instrumnet: unknown parameter", 400},
		{"?instrument=%ZZ", "", "query: expected", 400},
		{"?instrument=TCS;side=BUY", "", "query: expected", 400},
		{"?side=BUY&instrument=TC%", "", "query: expected", 400},
		{"?" + strings.Repeat("x", 5000) + "=1", "", "unknown parameter", 400},
	} {
		var a cancelAllAnswer
		if code := f.do(t, "DELETE", "/api/orders"+c.query, f.alice, "", &a); code != c.code || a.Reason != c.reason || !strings.Contains(a.Error, c.msg) {
			t.Errorf("DELETE /api/orders%.80s: %d %+v, want %d %s %q", c.query, code, a, c.code, c.reason, c.msg)
		}
		if len(a.Error) > 200 {
			t.Errorf("DELETE /api/orders%.80s: a %d-byte error echoes the query", c.query, len(a.Error))
		}
	}
	if code := f.do(t, "DELETE", "/api/orders", "", "", nil); code != 401 {
		t.Errorf("without a token: %d, want 401", code)
	}
	if sent := f.sink.lines(); len(sent) != 0 {
		t.Fatalf("refused cancel-alls were produced: %q", sent)
	}
}

// keySink fails the records of one key.
type keySink struct {
	memSink
	failKey string
}

func (k *keySink) Send(ctx context.Context, key, value []byte) error {
	if string(key) == k.failKey {
		return errors.New("partition leader unavailable")
	}
	return k.memSink.Send(ctx, key, value)
}

// TestCancelAllPartialFailure: the instruments whose record was not
// produced are listed in a 503 with those that were.
func TestCancelAllPartialFailure(t *testing.T) {
	f := newFixture(t, nil)
	sink := &keySink{failKey: "RIL"}
	f.srv.sink = sink
	var a cancelAllAnswer
	code := f.do(t, "DELETE", "/api/orders", f.alice, "", &a)
	var syms []string
	for _, s := range a.Sent {
		syms = append(syms, s.Instrument)
	}
	if code != 503 || !slices.Equal(a.Failed, []string{"RIL"}) || !slices.Equal(syms, []string{"INFY", "ONGC", "TCS"}) || !strings.Contains(a.Error, "RIL") {
		t.Fatalf("one instrument failing: %d %+v", code, a)
	}
	if n := len(sink.lines()); n != 3 {
		t.Fatalf("produced %d, want 3", n)
	}
}

// blockingSink holds each Send until its context is done or a second has
// passed, and reports what ended it.
type blockingSink struct {
	entered chan struct{}
	mu      sync.Mutex
	errs    []error
}

func (b *blockingSink) Send(ctx context.Context, _, _ []byte) error {
	b.entered <- struct{}{}
	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-time.After(time.Second):
	}
	b.mu.Lock()
	b.errs = append(b.errs, err)
	b.mu.Unlock()
	return err
}

// TestCancelAllOutlivesTheClient: a client that hangs up while its kill
// switch is being produced does not cancel the production.
func TestCancelAllOutlivesTheClient(t *testing.T) {
	f := newFixture(t, nil)
	sink := &blockingSink{entered: make(chan struct{}, 8)}
	f.srv.sink = sink
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "DELETE", f.ts.URL+"/api/orders?instrument=TCS", nil)
	req.Header.Set("Authorization", "Bearer "+f.alice)
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-sink.entered
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v, want it cancelled", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		sink.mu.Lock()
		errs := slices.Clone(sink.errs)
		sink.mu.Unlock()
		if len(errs) == 1 {
			if errs[0] != nil {
				t.Fatalf("the send was cut when the client hung up: %v", errs[0])
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the send did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stuckSink never returns for one key, whatever its context says: the
// idempotent producer waits for the outcome of a record already in flight
// when the broker goes away.
type stuckSink struct {
	memSink
	stuckKey string
	release  chan struct{}
}

func (s *stuckSink) Send(ctx context.Context, key, value []byte) error {
	if string(key) == s.stuckKey {
		<-s.release
		return errors.New("released")
	}
	return s.memSink.Send(ctx, key, value)
}

// stuckFixture is a fixture whose sink holds every record keyed key until
// the test ends, and whose acknowledgement wait is 200ms.
func stuckFixture(t *testing.T, key string) *fixture {
	t.Helper()
	f := newFixture(t, nil)
	sink := &stuckSink{stuckKey: key, release: make(chan struct{})}
	t.Cleanup(func() { close(sink.release) })
	f.srv.sink = sink
	f.srv.ackWait = 200 * time.Millisecond
	return f
}

// TestCancelAllAnswersWhenTheSinkHangs: a record the sink holds past the
// acknowledgement wait is reported as failed in a 503, with the others
// sent, rather than holding the kill switch's answer for ever.
func TestCancelAllAnswersWhenTheSinkHangs(t *testing.T) {
	f := stuckFixture(t, "ONGC")
	req, _ := http.NewRequest("DELETE", f.ts.URL+"/api/orders", nil)
	req.Header.Set("Authorization", "Bearer "+f.alice)
	client := http.Client{Timeout: 5 * time.Second}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer resp.Body.Close()
	var a cancelAllAnswer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	var syms []string
	for _, s := range a.Sent {
		syms = append(syms, s.Instrument)
	}
	if resp.StatusCode != 503 || !slices.Equal(a.Failed, []string{"ONGC"}) || !slices.Equal(syms, []string{"INFY", "RIL", "TCS"}) {
		t.Fatalf("one record held by the sink: %d %+v", resp.StatusCode, a)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("answered after %v, want about the 200ms wait", d)
	}
}

// TestOrderAnswersWhenTheSinkHangs: an order or a cancel the sink holds
// past the acknowledgement wait (the broker went away with it in flight)
// is answered 504 at once rather than never. The order may still arrive:
// it is kept PENDING under the id the answer gives, so its reports update
// it; a second order on another instrument is unaffected.
func TestOrderAnswersWhenTheSinkHangs(t *testing.T) {
	f := stuckFixture(t, "TCS")
	var held struct {
		OrderID uint64 `json:"order_id"`
		Status  string `json:"status"`
	}
	start := time.Now()
	if code := f.do(t, "POST", "/api/orders", f.alice, `{"instrument":"TCS","txn_type":"BUY","quantity":5,"price":3500}`, &held); code != 504 {
		t.Fatalf("an order held by the sink: %d, want 504", code)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("answered after %v, want about the 200ms wait", d)
	}
	var got orderJSON
	if code := f.do(t, "GET", "/api/orders/"+strconv.FormatUint(held.OrderID, 10), f.alice, "", &got); code != 200 || got.Status != StatusPending || held.Status != StatusPending {
		t.Fatalf("the held order %d: GET %d %+v (answer %+v), want it PENDING", held.OrderID, code, got, held)
	}
	if code := f.do(t, "DELETE", "/api/orders/"+strconv.FormatUint(held.OrderID, 10), f.alice, "", nil); code != 504 {
		t.Fatalf("a cancel held by the sink: %d, want 504", code)
	}
	if code := f.do(t, "POST", "/api/orders", f.alice, `{"instrument":"INFY","txn_type":"BUY","quantity":1,"price":1500}`, nil); code != 202 {
		t.Fatalf("an order the sink takes: %d, want 202", code)
	}
}
