package kafka

import (
	"github.com/bourse/bourse/pkg/record"
)

// Sink is a record.Emitter that encodes each record to JSON (docs/CONTRACT.md)
// and produces it to its kind's topic, keyed by its Key (instrument; rejects
// go unkeyed). A kind whose topic is empty is counted but not produced.
type Sink struct {
	topics Topics
	p      RecordProducer
	key    []byte // scratch: the record being sent, valid during Produce
	value  []byte
	counts record.Counts
}

// NewSink makes a Sink producing to p.
func NewSink(topics Topics, p RecordProducer) *Sink { return &Sink{topics: topics, p: p} }

// Counts returns how many records of each kind the sink has been given.
func (s *Sink) Counts() record.Counts { return s.counts }

func (s *Sink) resetCounts() record.Counts {
	c := s.counts
	s.counts = record.Counts{}
	return c
}

// Emit counts r and produces it to its kind's topic, if it has one.
func (s *Sink) Emit(r record.Record) {
	s.counts.Add(r)
	topic := s.topics.Out[r.Kind()]
	if topic == "" {
		return
	}
	s.value = r.AppendJSON(s.value[:0])
	s.key = append(s.key[:0], r.Key()...)
	s.p.Produce(topic, s.key, s.value)
}
