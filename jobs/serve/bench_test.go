package serve

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// BenchmarkSSEFanout measures the live stream's fan-out on loopback: 1,000
// concurrent SSE clients each receive every trade of a flow paced at
// 10,000 trades a second (an upper bound for a 10,000 orders/s flow: at most
// one trade per order). Trades go through Server.Ingest (decode, view,
// hub), isolating the fan-out from Kafka. b.N is the number of trades. It
// fails unless every client receives every trade, in order, within 60s of
// the last, and reports the delivery latency (publish to client read)
// percentiles.
func BenchmarkSSEFanout(b *testing.B) {
	const clients = 1000
	const rate = 10_000 // trades a second
	cfg := Defaults()
	cfg.Rate, cfg.Burst = 1e9, 1<<30
	cfg.History = 1 << 20
	cfg.MaxStreams = clients // one token for all of them
	if d, err := time.ParseDuration(os.Getenv("BOURSE_BENCH_COALESCE")); err == nil {
		cfg.Coalesce = d
	}
	path := filepath.Join(b.TempDir(), "tokens")
	token, err := AddToken(path, "bench")
	if err != nil {
		b.Fatal(err)
	}
	tokens, _ := LoadTokens(path)
	srv, err := New(cfg, testInstruments(b), tokens, &memSink{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}

	n := b.N
	first := srv.LastEventID() + 1
	origin := time.Now()
	pub := make([]atomic.Int64, n) // publish time of event first+i, ns since origin
	var received atomic.Int64
	var connected, done sync.WaitGroup
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	lat := make([][]int64, clients)
	errs := make(chan error, clients)
	connected.Add(clients)
	done.Add(clients)
	for c := 0; c < clients; c++ {
		go func(c int) {
			defer done.Done()
			req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/api/stream?kinds=trades", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := hc.Do(req)
			if err != nil {
				connected.Done()
				errs <- err
				return
			}
			defer resp.Body.Close()
			br := bufio.NewReaderSize(resp.Body, 64<<10)
			if _, err := br.ReadSlice('\n'); err != nil { // "retry:" line: subscribed
				connected.Done()
				errs <- err
				return
			}
			connected.Done()
			next := first
			for got := 0; got < n; {
				line, err := br.ReadSlice('\n')
				if err != nil {
					errs <- err
					return
				}
				if !bytes.HasPrefix(line, []byte("id: ")) {
					continue
				}
				id, _ := strconv.ParseUint(string(line[4:len(line)-1]), 10, 64)
				if id != next {
					errs <- errOrder(c, id, next)
					return
				}
				if int(id-first)%10 == c%10 { // sample a tenth per client
					lat[c] = append(lat[c], int64(time.Since(origin))-pub[id-first].Load())
				}
				next++
				got++
				received.Add(1)
			}
		}(c)
	}
	connected.Wait()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	lines := make([][]byte, 64)
	for i := range lines {
		t := record.Trade{TradeID: uint64(i + 1), Instrument: "TCS", Price: record.Fixed(3500+i%10) * record.One, Quantity: record.One,
			BuyOrderID: uint64(2*i + 1), SellOrderID: uint64(2*i + 2), Aggressor: record.Buy, Time: 1_700_000_000_000}
		lines[i] = record.AppendTradeJSON(nil, &t)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < n; {
		// pace: publish every trade due by now (trade i is due at
		// start + i/rate), then sleep a millisecond.
		due := min(n, int(time.Since(start)*rate/time.Second)+1)
		for ; i < due; i++ {
			pub[i].Store(int64(time.Since(origin)))
			if err := srv.Ingest(KindTrade, lines[i%len(lines)]); err != nil {
				b.Fatal(err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	published := time.Since(start)
	finished := make(chan struct{})
	go func() { done.Wait(); close(finished) }()
	select {
	case <-finished:
	case err := <-errs:
		b.Fatal(err)
	case <-time.After(60 * time.Second):
		b.Fatalf("after 60s: %d of %d deliveries", received.Load(), int64(n)*clients)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	select {
	case err := <-errs:
		b.Fatal(err)
	default:
	}
	if got := received.Load(); got != int64(n)*clients {
		b.Fatalf("%d deliveries, want %d", got, int64(n)*clients)
	}
	var all []int64
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))]) / 1e6
	}
	b.ReportMetric(clients, "clients")
	b.ReportMetric(float64(n)/published.Seconds(), "trades/s")
	b.ReportMetric(float64(n)*clients/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}

type orderError struct {
	client    int
	got, want uint64
}

func (e orderError) Error() string {
	return "client " + strconv.Itoa(e.client) + ": event " + strconv.FormatUint(e.got, 10) + ", want " + strconv.FormatUint(e.want, 10) + " (gap or reorder)"
}

func errOrder(c int, got, want uint64) error { return orderError{c, got, want} }
