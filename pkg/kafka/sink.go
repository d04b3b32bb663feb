package kafka

import (
	"github.com/bourse/bourse/pkg/record"
)

// Kinds of output records, as counted in Stats.Out and in metrics.
const (
	KindTrade  = "trade"
	KindEvent  = "event"
	KindBar    = "bar"
	KindSMA    = "sma"
	KindProfit = "profit"
	KindReject = "reject"
	// KindBook and KindBookSnapshot are match's market data feed.
	KindBook         = "book"
	KindBookSnapshot = "book_snapshot"
)

// Sink is a record.Emitter that encodes each record to JSON (docs/CONTRACT.md)
// and produces it to its kind's topic, keyed by instrument. A kind whose
// topic is empty is counted but not produced.
type Sink struct {
	topics Topics
	p      RecordProducer
	key    []byte // scratch: the record being sent, valid during Produce
	value  []byte
	counts [8]int64
	// rejected counts REJECTED execution reports (events), which are
	// rejects as well as events.
	rejected int64
}

// NewSink makes a Sink producing to p.
func NewSink(topics Topics, p RecordProducer) *Sink { return &Sink{topics: topics, p: p} }

const (
	iTrade = iota
	iEvent
	iBar
	iSMA
	iProfit
	iReject
	iBook
	iBookSnapshot
)

var kindNames = [8]string{KindTrade, KindEvent, KindBar, KindSMA, KindProfit, KindReject, KindBook, KindBookSnapshot}

// Counts returns how many records of each kind the sink has been given.
func (s *Sink) Counts() map[string]int64 {
	m := make(map[string]int64, len(kindNames))
	for i, n := range kindNames {
		if s.counts[i] != 0 {
			m[n] = s.counts[i]
		}
	}
	return m
}

func (s *Sink) resetCounts() [8]int64 {
	c := s.counts
	s.counts, s.rejected = [8]int64{}, 0
	return c
}

// send produces the value encoded in s.value, keyed by instrument (none
// when empty).
func (s *Sink) send(topic, instrument string) {
	s.key = append(s.key[:0], instrument...)
	s.p.Produce(topic, s.key, s.value)
}

// Trade produces t to the trades topic.
func (s *Sink) Trade(t *record.Trade) {
	s.counts[iTrade]++
	if s.topics.Trades != "" {
		s.value = record.AppendTradeJSON(s.value[:0], t)
		s.send(s.topics.Trades, t.Instrument)
	}
}

// Event produces e to the order-events topic.
func (s *Sink) Event(e *record.Event) {
	s.counts[iEvent]++
	if e.Type == record.Rejected {
		s.rejected++
	}
	if s.topics.Events != "" {
		s.value = record.AppendEventJSON(s.value[:0], e)
		s.send(s.topics.Events, e.Instrument)
	}
}

// Bar produces b to the bars topic.
func (s *Sink) Bar(b *record.Bar) {
	s.counts[iBar]++
	if s.topics.Bars != "" {
		s.value = record.AppendBarJSON(s.value[:0], b)
		s.send(s.topics.Bars, b.Instrument)
	}
}

// SMA produces v to the sma topic.
func (s *Sink) SMA(v *record.SMA) {
	s.counts[iSMA]++
	if s.topics.SMA != "" {
		s.value = record.AppendSMAJSON(s.value[:0], v)
		s.send(s.topics.SMA, v.Instrument)
	}
}

// Profit produces p to the profit topic.
func (s *Sink) Profit(p *record.Profit) {
	s.counts[iProfit]++
	if s.topics.Profit != "" {
		s.value = record.AppendProfitJSON(s.value[:0], p)
		s.send(s.topics.Profit, p.Instrument)
	}
}

// Reject produces r to the rejects topic, unkeyed (a reject has no
// trustworthy instrument).
func (s *Sink) Reject(r *record.Reject) {
	s.counts[iReject]++
	if s.topics.Rejects != "" {
		s.value = record.AppendRejectJSON(s.value[:0], r)
		s.send(s.topics.Rejects, "")
	}
}

// BookUpdate produces u to the book topic.
func (s *Sink) BookUpdate(u *record.BookUpdate) {
	s.counts[iBook]++
	if s.topics.Book != "" {
		s.value = record.AppendBookUpdateJSON(s.value[:0], u)
		s.send(s.topics.Book, u.Instrument)
	}
}

// BookSnapshot produces v to the compacted book-snapshots topic.
func (s *Sink) BookSnapshot(v *record.BookSnapshot) {
	s.counts[iBookSnapshot]++
	if s.topics.BookSnapshots != "" {
		s.value = record.AppendBookSnapshotJSON(s.value[:0], v)
		s.send(s.topics.BookSnapshots, v.Instrument)
	}
}
