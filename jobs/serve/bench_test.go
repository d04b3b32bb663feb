package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bourse/bourse/pkg/book"
	"github.com/bourse/bourse/pkg/flow"
	"github.com/bourse/bourse/pkg/record"
)

// benchFlow is the stream input of a generated order flow: per order, the
// encoded trades and book updates it produced (the records match would
// write), in order.
type benchFlow struct {
	frames  [][]benchRecord // per order
	trades  int
	updates int
}

type benchRecord struct {
	kind record.Kind
	line []byte
}

// collector gathers an order's trades (events are not streamed here).
type collector struct{ trades []record.Trade }

func (c *collector) Emit(r record.Record) {
	if t, ok := r.(*record.Trade); ok {
		c.trades = append(c.trades, *t)
	}
}

// makeBenchFlow runs orders of the project's generator (default mix, the
// built-in instruments) through the order book and records the trades and
// the book updates (testFeed's diff of the depth) of each order.
func makeBenchFlow(tb testing.TB, orders int) benchFlow {
	ins := testInstruments(tb)
	list := ins.List()
	gen, err := flow.NewGenerator(flow.DefaultConfig(), list)
	if err != nil {
		tb.Fatal(err)
	}
	books := map[string]*book.Book{}
	feeds := map[string]*testFeed{}
	for _, in := range list {
		b := book.New(in, book.PriceTime, 1024)
		books[in.Symbol], feeds[in.Symbol] = b, &testFeed{b: b}
	}
	var f benchFlow
	var c collector
	for i := 0; i < orders; i++ {
		var o record.Order
		gen.Next(&o)
		if ins.Validate(&o) != nil {
			f.frames = append(f.frames, nil)
			continue
		}
		c.trades = c.trades[:0]
		books[o.Instrument].Submit(&o, &c)
		var recs []benchRecord
		for i := range c.trades {
			recs = append(recs, benchRecord{record.KindTrade, record.AppendTradeJSON(nil, &c.trades[i])})
		}
		if u, ok := feeds[o.Instrument].next(); ok {
			u.Instrument = o.Instrument
			recs = append(recs, benchRecord{record.KindBook, record.AppendBookUpdateJSON(nil, &u)})
			f.updates++
		}
		f.trades += len(c.trades)
		f.frames = append(f.frames, recs)
	}
	return f
}

// BenchmarkSSEFanout measures the live stream's fan-out at exchange rates:
// a generated flow of BOURSE_BENCH_RATE orders a second (10,000) for
// BOURSE_BENCH_SECONDS (5) goes through Server.Ingest (decode, view, hub),
// its trades and book updates, to BOURSE_BENCH_CLIENTS (1,000) SSE clients
// (?kinds=trades,book) in a child process, over the production listener
// (Serve: deadlines, caps). Every client must receive every event: a tenth
// of them check every id in order, the others count events (newlines) and
// check the last id. Latency: per read, from the publication of the oldest
// event in it to the read (the same host clock in both processes). The
// benchmark ignores b.N (run it with -benchtime 1x); it fails when the
// deliveries are not complete within 60 s of the last publication.
func BenchmarkSSEFanout(b *testing.B) {
	clients := envInt("BOURSE_BENCH_CLIENTS", 1000)
	rate := envInt("BOURSE_BENCH_RATE", 10_000)
	seconds := envInt("BOURSE_BENCH_SECONDS", 5)
	orders := rate * seconds
	flow := makeBenchFlow(b, orders)
	events := flow.trades + flow.updates

	cfg := Defaults()
	cfg.Rate, cfg.Burst = 1e9, 1<<30
	cfg.History = 1 << 21
	cfg.MaxStreams = clients // one token for all of them
	cfg.MaxConns, cfg.MaxConnsPerIP = clients+100, clients+100
	cfg.Heartbeat = time.Hour // nothing but events: the clients count newlines
	if d, err := time.ParseDuration(os.Getenv("BOURSE_BENCH_COALESCE")); err == nil {
		cfg.Coalesce = d
	}
	dir := b.TempDir()
	token, err := AddToken(filepath.Join(dir, "tokens"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	tokens, _ := LoadTokens(filepath.Join(dir, "tokens"))
	srv, err := New(cfg, testInstruments(b), tokens, &memSink{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-served }()

	first := srv.LastEventID() + 1
	samples := filepath.Join(dir, "samples")
	child := exec.Command(os.Args[0], "-test.run=^TestSSEClientProcess$", "-test.v=false")
	child.Env = append(os.Environ(), fmt.Sprintf("BOURSE_SSE_CLIENTS=http://%s|%s|%d|%d|%d|%s",
		ln.Addr(), token, clients, first, events, samples))
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer child.Process.Kill()
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "ready" {
		b.Fatalf("client process: %q, want ready", lines.Text())
	}

	pub := make([]int64, events) // publication time of event first+i, Unix ns
	b.ResetTimer()
	cpu0 := processCPU()
	start := time.Now()
	e := 0
	for i := 0; i < orders; {
		// pace: publish every order due by now (order i is due at
		// start + i/rate), then sleep a millisecond.
		due := min(orders, int(time.Since(start)*time.Duration(rate)/time.Second)+1)
		for ; i < due; i++ {
			for _, r := range flow.frames[i] {
				pub[e] = time.Now().UnixNano()
				if err := srv.Ingest(r.kind, r.line); err != nil {
					b.Fatal(err)
				}
				e++
			}
		}
		time.Sleep(time.Millisecond)
	}
	published := time.Since(start)
	done := make(chan string, 1)
	go func() {
		lines.Scan()
		done <- lines.Text()
	}()
	var result string
	select {
	case result = <-done:
	case <-time.After(60 * time.Second):
		b.Fatalf("deliveries not complete 60 s after the last publication")
	}
	elapsed := time.Since(start)
	serverCPU := processCPU() - cpu0
	b.StopTimer()
	if result != "ok" {
		b.Fatalf("client process: %s", result)
	}
	child.Wait()
	// the client process's CPU from its start: connecting is a small part
	clientCPU := child.ProcessState.UserTime() + child.ProcessState.SystemTime()

	raw, err := os.ReadFile(samples)
	if err != nil {
		b.Fatal(err)
	}
	var lat []int64
	for i := 0; i+16 <= len(raw); i += 16 {
		id := binary.LittleEndian.Uint64(raw[i:])
		at := int64(binary.LittleEndian.Uint64(raw[i+8:]))
		lat = append(lat, at-pub[id-first])
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / 1e6
	}
	b.ReportMetric(float64(clients), "clients")
	b.ReportMetric(float64(orders)/published.Seconds(), "orders/s")
	b.ReportMetric(float64(flow.trades)/published.Seconds(), "trades/s")
	b.ReportMetric(float64(flow.updates)/published.Seconds(), "book-updates/s")
	b.ReportMetric(float64(events)*float64(clients)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(elapsed.Seconds()-published.Seconds(), "drain-s")
	// CPU per delivery, whatever the other jobs on the machine take: what
	// the rates above would be with the whole machine.
	deliveries := float64(events) * float64(clients)
	b.ReportMetric(serverCPU.Seconds()*1e9/deliveries, "server-cpu-ns/delivery")
	b.ReportMetric(clientCPU.Seconds()*1e9/deliveries, "client-cpu-ns/delivery")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// TestSSEClientProcess is BenchmarkSSEFanout's client process (it does
// nothing unless BOURSE_SSE_CLIENTS is set): it opens the streams, prints
// "ready", reads until every client has every event, writes the latency
// samples (id, Unix ns of the read, little-endian) to the file and prints
// "ok" or what went wrong.
func TestSSEClientProcess(t *testing.T) {
	spec := os.Getenv("BOURSE_SSE_CLIENTS")
	if spec == "" {
		return
	}
	var url, token, samples string
	var clients int
	var first, events uint64
	f := bytes.Split([]byte(spec), []byte("|"))
	url, token, samples = string(f[0]), string(f[1]), string(f[5])
	clients, _ = strconv.Atoi(string(f[2]))
	first, _ = strconv.ParseUint(string(f[3]), 10, 64)
	events, _ = strconv.ParseUint(string(f[4]), 10, 64)
	last := first + events - 1

	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	hc := &http.Client{Transport: tr}
	var connected, done sync.WaitGroup
	var failed atomic.Pointer[string]
	fail := func(format string, a ...any) {
		msg := fmt.Sprintf(format, a...)
		failed.CompareAndSwap(nil, &msg)
	}
	var mu sync.Mutex
	var out []byte
	connected.Add(clients)
	done.Add(clients)
	for c := 0; c < clients; c++ {
		go func(c int) {
			defer done.Done()
			req, _ := http.NewRequest("GET", url+"/api/stream?kinds=trades,book", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := hc.Do(req)
			if err != nil || resp.StatusCode != 200 {
				fail("client %d: %v %v", c, err, resp)
				connected.Done()
				return
			}
			defer resp.Body.Close()
			body := resp.Body
			buf := make([]byte, 256<<10)
			// the header block ("retry:" and a comment) ends with a blank line.
			var head []byte
			for !bytes.Contains(head, []byte("\n\n")) {
				n, err := body.Read(buf)
				if err != nil {
					fail("client %d: %v", c, err)
					connected.Done()
					return
				}
				head = append(head, buf[:n]...)
			}
			connected.Done()
			rest := head[bytes.Index(head, []byte("\n\n"))+2:]
			check := c%10 == 0 // every id in order; the others count
			var st clientScan
			st.next = first
			var mine []byte
			take := func(p []byte) {
				now := time.Now().UnixNano()
				if id, ok := firstID(p); ok && len(mine) < 1<<20 {
					mine = binary.LittleEndian.AppendUint64(mine, id)
					mine = binary.LittleEndian.AppendUint64(mine, uint64(now))
				}
				if check {
					st.scan(p)
				} else {
					st.count(p)
				}
			}
			if len(rest) > 0 {
				take(rest)
			}
			for st.got < events && st.err == "" {
				n, err := body.Read(buf)
				if n > 0 {
					take(buf[:n])
				}
				if err != nil {
					break
				}
			}
			switch {
			case st.err != "":
				fail("client %d: %s", c, st.err)
			case st.got != events:
				fail("client %d: %d events, want %d", c, st.got, events)
			case st.lastID != last:
				fail("client %d: last id %d, want %d", c, st.lastID, last)
			}
			mu.Lock()
			out = append(out, mine...)
			mu.Unlock()
		}(c)
	}
	connected.Wait()
	fmt.Println("ready")
	done.Wait()
	if err := os.WriteFile(samples, out, 0o600); err != nil {
		fail("%v", err)
	}
	if m := failed.Load(); m != nil {
		fmt.Println(*m)
	} else {
		fmt.Println("ok")
	}
	os.Exit(0)
}

// clientScan follows one client's stream across reads.
type clientScan struct {
	got    uint64 // events seen
	next   uint64 // id expected next (scan)
	lastID uint64
	nl     int    // newlines seen (count): 4 per event
	tail   []byte // scan: an incomplete "id: " line at the end of a read
	line   []byte // count: the start of the line a read ended in
	err    string
}

// count counts events by newlines (id, event, data, blank: 4 each) and
// keeps the id of the last whole "id: " line, wherever the reads cut the
// stream (a long book update can put it far from the end of a read).
func (s *clientScan) count(p []byte) {
	s.nl += bytes.Count(p, []byte{'\n'})
	s.got = uint64(s.nl / 4)
	j := bytes.IndexByte(p, '\n')
	if j < 0 { // the current line goes on
		s.line = appendMax(s.line, p, 32)
		return
	}
	s.line = appendMax(s.line, p[:j], 32) // the line the last read ended in
	s.idLine(s.line)
	rest := p[j:] // from a newline on
	k := bytes.LastIndex(rest, []byte("\nid: "))
	if k >= 0 && bytes.IndexByte(rest[k+1:], '\n') < 0 {
		k = bytes.LastIndex(rest[:k], []byte("\nid: ")) // the last one is not whole yet
	}
	if k >= 0 {
		e := bytes.IndexByte(rest[k+1:], '\n')
		s.idLine(rest[k+1 : k+1+e])
	}
	s.line = appendMax(s.line[:0], rest[bytes.LastIndexByte(rest, '\n')+1:], 32)
}

// idLine takes the id of a whole line when it is an "id: " line.
func (s *clientScan) idLine(line []byte) {
	if id, ok := bytes.CutPrefix(line, []byte("id: ")); ok {
		s.lastID, _ = strconv.ParseUint(string(id), 10, 64)
	}
}

// appendMax appends p to b up to n bytes in all (an id line is short).
func appendMax(b, p []byte, n int) []byte {
	return append(b, p[:min(len(p), max(0, n-len(b)))]...)
}

// scan checks every id: consecutive from next.
func (s *clientScan) scan(p []byte) {
	s.tail = append(s.tail, p...)
	b := s.tail
	for {
		i := bytes.Index(b, []byte("id: "))
		if i < 0 {
			break
		}
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			break
		}
		if i == 0 || b[i-1] == '\n' {
			id, err := strconv.ParseUint(string(b[i+4:i+j]), 10, 64)
			if err != nil || id != s.next {
				s.err = fmt.Sprintf("event id %q, want %d (gap or reorder)", b[i+4:i+j], s.next)
				return
			}
			s.next++
			s.got++
			s.lastID = id
		}
		b = b[i+j:]
	}
	s.tail = append(s.tail[:0], b...)
}

// firstID returns the id of the first whole "id: " line of p.
func firstID(p []byte) (uint64, bool) {
	i := 0
	if !bytes.HasPrefix(p, []byte("id: ")) {
		i = bytes.Index(p, []byte("\nid: "))
		if i < 0 {
			return 0, false
		}
		i++
	}
	j := bytes.IndexByte(p[i:], '\n')
	if j < 0 {
		return 0, false
	}
	id, err := strconv.ParseUint(string(p[i+4:i+j]), 10, 64)
	return id, err == nil
}

// TestClientScanCount: the bench client's counting finds the last id
// however the reads cut a stream of long events.
func TestClientScanCount(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	var stream []byte
	for i := 1; i <= 500; i++ {
		stream = fmt.Appendf(stream, "id: %d\nevent: book\ndata: %s\n\n", 1000+i, bytes.Repeat([]byte("x"), rng.IntN(700)))
	}
	for trial := 0; trial < 100; trial++ {
		var c, s clientScan
		s.next = 1001
		for b := stream; len(b) > 0; {
			n := min(len(b), 1+rng.IntN(600))
			c.count(b[:n])
			s.scan(b[:n])
			b = b[n:]
		}
		if c.got != 500 || c.lastID != 1500 || s.got != 500 || s.lastID != 1500 || s.err != "" {
			t.Fatalf("count: %d events, last id %d; scan: %d, %d %s; want 500 events, last id 1500", c.got, c.lastID, s.got, s.lastID, s.err)
		}
	}
}
