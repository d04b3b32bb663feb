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

func (s *Sink) send(topic, instrument string, value []byte) {
	var key []byte
	if instrument != "" {
		key = []byte(instrument)
	}
	s.p.Produce(topic, key, value)
}

// Trade produces t to the trades topic.
func (s *Sink) Trade(t *record.Trade) {
	s.counts[iTrade]++
	if s.topics.Trades != "" {
		s.send(s.topics.Trades, t.Instrument, record.AppendTradeJSON(make([]byte, 0, 256), t))
	}
}

// Event produces e to the order-events topic.
func (s *Sink) Event(e *record.Event) {
	s.counts[iEvent]++
	if e.Type == record.Rejected {
		s.rejected++
	}
	if s.topics.Events != "" {
		s.send(s.topics.Events, e.Instrument, record.AppendEventJSON(make([]byte, 0, 256), e))
	}
}

// Bar produces b to the bars topic.
func (s *Sink) Bar(b *record.Bar) {
	s.counts[iBar]++
	if s.topics.Bars != "" {
		s.send(s.topics.Bars, b.Instrument, record.AppendBarJSON(make([]byte, 0, 256), b))
	}
}

// SMA produces v to the sma topic.
func (s *Sink) SMA(v *record.SMA) {
	s.counts[iSMA]++
	if s.topics.SMA != "" {
		s.send(s.topics.SMA, v.Instrument, record.AppendSMAJSON(make([]byte, 0, 160), v))
	}
}

// Profit produces p to the profit topic.
func (s *Sink) Profit(p *record.Profit) {
	s.counts[iProfit]++
	if s.topics.Profit != "" {
		s.send(s.topics.Profit, p.Instrument, record.AppendProfitJSON(make([]byte, 0, 200), p))
	}
}

// Reject produces r to the rejects topic, unkeyed (a reject has no
// trustworthy instrument).
func (s *Sink) Reject(r *record.Reject) {
	s.counts[iReject]++
	if s.topics.Rejects != "" {
		s.send(s.topics.Rejects, "", record.AppendRejectJSON(make([]byte, 0, 256), r))
	}
}

// BookUpdate produces u to the book topic.
func (s *Sink) BookUpdate(u *record.BookUpdate) {
	s.counts[iBook]++
	if s.topics.Book != "" {
		s.send(s.topics.Book, u.Instrument, record.AppendBookUpdateJSON(make([]byte, 0, 96+64*len(u.Levels)), u))
	}
}

// BookSnapshot produces v to the compacted book-snapshots topic.
func (s *Sink) BookSnapshot(v *record.BookSnapshot) {
	s.counts[iBookSnapshot]++
	if s.topics.BookSnapshots != "" {
		s.send(s.topics.BookSnapshots, v.Instrument, record.AppendBookSnapshotJSON(make([]byte, 0, 96+48*(len(v.Bids)+len(v.Asks))), v))
	}
}
