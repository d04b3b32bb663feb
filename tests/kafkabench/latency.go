package kafkabench

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bourse/bourse/pkg/record"
)

// Latency traces committed trades back to the send time of their aggressor
// order (the order whose arrival made the trade): the buy order when the
// aggressor side is BUY, else the sell order. The sender calls Sent, one
// reader calls Observe for each committed trade. Each latency is also
// split at the trade record's timestamp (set when the match job produced
// it): send -> produced covers the orders topic, the match job's poll, the
// wait for its transaction and the processing; produced -> seen covers the
// transaction's flush and commit and the read_committed fetch.
type Latency struct {
	firstID  uint64
	sent     []atomic.Int64 // Unix ns by id - firstID; 0 = not sent
	replaced map[uint64]bool

	seen atomic.Int64 // trades observed

	mu       sync.Mutex
	dec      record.TradeDecoder
	trade    record.Trade
	lat      []time.Duration
	toMatch  []time.Duration // send -> trade produced
	toSeen   []time.Duration // trade produced -> seen
	untraced int             // aggressor replaced, never sent, or not a new id
	bad      int             // undecodable trade values
}

// NewLatency tracks up to n new order ids from firstID. Trades whose
// aggressor is in replaced (sent twice, as NEW and as REPLACE) are counted
// but not measured.
func NewLatency(firstID uint64, n int, replaced map[uint64]bool) *Latency {
	return &Latency{firstID: firstID, sent: make([]atomic.Int64, n), replaced: replaced, lat: make([]time.Duration, 0, n)}
}

// Sent records that order id was handed to the producer at t. Only the
// first send of an id counts (a CANCEL or REPLACE reuses its target's id).
func (l *Latency) Sent(id uint64, t time.Time) {
	if id < l.firstID || id-l.firstID >= uint64(len(l.sent)) {
		return
	}
	l.sent[id-l.firstID].CompareAndSwap(0, t.UnixNano())
}

// Observe takes one committed trade value, whose record timestamp is
// produced, seen at now.
func (l *Latency) Observe(value []byte, produced, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen.Add(1)
	t := &l.trade
	if err := l.dec.Decode(value, t); err != nil {
		l.bad++
		return
	}
	id := t.SellOrderID
	if t.Aggressor == record.Buy {
		id = t.BuyOrderID
	}
	var ns int64
	if id >= l.firstID && id-l.firstID < uint64(len(l.sent)) {
		ns = l.sent[id-l.firstID].Load()
	}
	if ns == 0 || l.replaced[id] {
		l.untraced++
		return
	}
	sent := time.Unix(0, ns)
	l.lat = append(l.lat, now.Sub(sent))
	l.toMatch = append(l.toMatch, produced.Sub(sent))
	l.toSeen = append(l.toSeen, now.Sub(produced))
}

// Seen is how many trades Observe has taken.
func (l *Latency) Seen() int64 { return l.seen.Load() }

// Result summarises the latencies measured so far.
func (l *Latency) Result() LatencyResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := Percentiles(l.lat)
	r.Seen, r.Untraced, r.Bad = int(l.seen.Load()), l.untraced, l.bad
	m, v := Percentiles(l.toMatch), Percentiles(l.toSeen)
	r.ToMatch, r.ToSeen = &m, &v
	return r
}

// LatencyResult is a latency distribution: N measured trades out of Seen
// (Untraced had no single send time, Bad did not decode). ToMatch and
// ToSeen, when set, split it at the trade record's timestamp (ms
// resolution).
type LatencyResult struct {
	N, Seen, Untraced, Bad int
	P50, P99, Max          time.Duration
	ToMatch, ToSeen        *LatencyResult
}

// String is e.g. "p50 12.3 ms, p99 40.1 ms, max 52.0 ms (n=61234)".
func (r LatencyResult) String() string {
	return fmt.Sprintf("p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", ms(r.P50), ms(r.P99), ms(r.Max), r.N)
}

// Split is e.g. "send->produced p50 40 p99 95 ms, produced->seen p50 20
// p99 60 ms", or "" when r has no split.
func (r LatencyResult) Split() string {
	if r.ToMatch == nil || r.ToSeen == nil {
		return ""
	}
	return fmt.Sprintf("send->trade produced p50 %.0f p99 %.0f ms, produced->seen p50 %.0f p99 %.0f ms",
		ms(r.ToMatch.P50), ms(r.ToMatch.P99), ms(r.ToSeen.P50), ms(r.ToSeen.P99))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Percentiles returns the nearest-rank p50 and p99 and the maximum of ds
// (zero for none). ds is not modified.
func Percentiles(ds []time.Duration) LatencyResult {
	if len(ds) == 0 {
		return LatencyResult{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return LatencyResult{N: len(s), P50: rank(0.50), P99: rank(0.99), Max: s[len(s)-1]}
}
